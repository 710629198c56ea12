"""The public names, the deep import paths that mirror onETL's, and backend selection.

Most of these tests involve no dispatch backend and run once; those that build a class with
``@support_hooks`` use the ``backend`` fixture, so they run once per backend.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import tempfile

import pytest

import hookfast
from hookfast import _dispatch

ONETL_AND_BASE_NAMES = {
    "support_hooks",
    "slot",
    "hook",
    "Hook",
    "HookPriority",
    "stop_all_hooks",
    "resume_all_hooks",
    "skip_all_hooks",
    "SignatureError",
    "NOTICE",
    "import_plugins",
    "auto_import_plugins",
    "BACKEND",
}


def test_all_contains_the_base_names() -> None:
    assert set(hookfast.__all__) >= ONETL_AND_BASE_NAMES
    for name in hookfast.__all__:
        assert hasattr(hookfast, name), name


#: the public names whose module ``import hookfast`` leaves for their first use
ON_FIRST_USE = {
    "hookfast.introspection": ("HookPlan", "PlannedHook", "check_hooks", "hooks_for"),
    "hookfast.plugins": ("auto_import_plugins", "import_plugins"),
    "hookfast.tracing": ("TracedCall", "TracedHook", "trace"),
}


def test_import_leaves_introspection_plugins_and_tracing_for_their_first_use() -> None:
    program = (
        "import sys, hookfast\n"
        f"modules = {sorted(ON_FIRST_USE)!r}\n"
        "print(*[name in sys.modules for name in modules])\n"
        "from hookfast import trace, check_hooks, import_plugins\n"
        "print(*[name in sys.modules for name in modules])\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOOKFAST_")}
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    with tempfile.TemporaryDirectory() as neutral:  # not the project root: the source tree is not on the path
        completed = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=neutral, check=False
        )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split("\n")[:2] == ["False False False", "True True True"]


@pytest.mark.parametrize("module_name", sorted(ON_FIRST_USE))
def test_a_name_used_first_is_its_module_s_object_and_listed(module_name: str) -> None:
    import importlib

    module = importlib.import_module(module_name)
    for name in ON_FIRST_USE[module_name]:
        assert name in hookfast.__all__
        assert name in dir(hookfast)
        assert getattr(hookfast, name) is getattr(module, name)
    with pytest.raises(AttributeError, match="module 'hookfast' has no attribute 'tracee'"):
        hookfast.tracee  # type: ignore[attr-defined]  # noqa: B018


def test_star_import_gives_spec_names() -> None:
    namespace: dict[str, object] = {}
    exec("from hookfast import *", namespace)
    assert set(namespace) >= ONETL_AND_BASE_NAMES


def test_deep_imports_mirror_onetl() -> None:
    from hookfast.exceptions import SignatureError
    from hookfast.hook import Hook, HookPriority, hook
    from hookfast.hooks_state import resume_all_hooks, skip_all_hooks, stop_all_hooks
    from hookfast.slot import slot
    from hookfast.support_hooks import resume_hooks, skip_hooks, support_hooks, suspend_hooks

    assert hook is hookfast.hook
    assert Hook is hookfast.Hook
    assert HookPriority is hookfast.HookPriority
    assert slot is hookfast.slot
    assert support_hooks is hookfast.support_hooks
    assert stop_all_hooks is hookfast.stop_all_hooks
    assert resume_all_hooks is hookfast.resume_all_hooks
    assert skip_all_hooks is hookfast.skip_all_hooks
    assert SignatureError is hookfast.SignatureError
    for function in (suspend_hooks, resume_hooks, skip_hooks):
        assert callable(function)


def test_hook_priority_values_are_ints() -> None:
    from hookfast import HookPriority

    assert [member.name for member in HookPriority] == ["FIRST", "NORMAL", "LAST"]
    assert HookPriority.FIRST == -1
    assert HookPriority.NORMAL == 0
    assert HookPriority.LAST == 1
    for member in HookPriority:
        assert isinstance(member, int)
    assert HookPriority.FIRST < HookPriority.NORMAL < HookPriority.LAST
    assert sorted([HookPriority.LAST, HookPriority.FIRST, HookPriority.NORMAL]) == list(HookPriority)
    assert HookPriority(-1) is HookPriority.FIRST
    assert HookPriority(0) is HookPriority.NORMAL
    assert HookPriority(1) is HookPriority.LAST
    # the registration log prints it as onETL does, on every Python version
    assert str(HookPriority.NORMAL) == "HookPriority.NORMAL"


def test_notice_level() -> None:
    assert hookfast.NOTICE == 5
    assert logging.getLevelName(5) == "NOTICE"
    assert logging.getLevelName("NOTICE") == 5


def test_hookfast_loggers_are_under_hookfast() -> None:
    names = {
        name
        for name in logging.root.manager.loggerDict
        if name.startswith("hookfast") and isinstance(logging.root.manager.loggerDict[name], logging.Logger)
    }
    assert {"hookfast.slot", "hookfast.hook", "hookfast.hooks_state"} <= names
    assert not any(name.startswith("onetl") for name in names)
    assert sys.modules["hookfast"] is hookfast


@pytest.mark.usefixtures("backend")
def test_mis_bound_hook_raises_signature_error_caught_as_type_error() -> None:
    """onETL users catch ``TypeError``: a hook that cannot take the slot's arguments raises
    ``hookfast.SignatureError`` from the slot call, and ``except TypeError`` catches it."""
    from hookfast import hook, slot, support_hooks

    @support_hooks
    class Service:
        @slot
        def run(self, a: int) -> int:
            return a

    @Service.run.bind
    @hook
    def takes_no_argument(self: object) -> None:
        raise AssertionError("never called: its signature does not fit")

    caught: TypeError | None = None
    try:
        Service().run(1)
    except TypeError as error:
        caught = error
    assert type(caught) is hookfast.SignatureError
    assert "Error while passing method arguments to a hook" in str(caught)


def test_backend_name() -> None:
    assert hookfast.BACKEND in {"cython", "python"}
    assert hookfast.BACKEND == _dispatch.BACKEND


def test_available_backends_always_have_python() -> None:
    backends = _dispatch.available()
    assert "python" in backends
    assert set(backends) <= {"cython", "python"}
    assert backends["python"].BACKEND == "python"
    if "cython" in backends:
        assert backends["cython"].BACKEND == "cython"
    # the backend chosen at import time is one of the available ones
    assert hookfast.BACKEND in backends


def test_backend_fixture_selects_an_available_backend(backend: str) -> None:
    assert backend in _dispatch.available()
    assert _dispatch.current is _dispatch.available()[backend]


@pytest.mark.skipif(
    not os.environ.get("HOOKFAST_REQUIRE_EXTENSION"), reason="HOOKFAST_REQUIRE_EXTENSION is not set"
)
def test_required_extension_is_active() -> None:
    assert hookfast.BACKEND == "cython"
    assert "cython" in _dispatch.available()


def _subprocess_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HOOKFAST_REQUIRE_EXTENSION", None)
    env.pop("HOOKFAST_NO_EXTENSIONS", None)
    # import exactly the hookfast this test process imported
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    env.update(overrides)
    return env


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # `python -c` puts the working directory first on sys.path: run from a neutral one, or a run
    # from the project root would import the source tree instead of the installed package.
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_subprocess_imports_the_same_hookfast() -> None:
    result = _run("import hookfast; print(hookfast.__file__)", _subprocess_env())
    assert result.returncode == 0, result.stderr
    assert os.path.realpath(result.stdout.strip()) == os.path.realpath(hookfast.__file__)


def test_no_extensions_env_forces_python_backend() -> None:
    code = "import hookfast, hookfast._dispatch as d; print(hookfast.BACKEND, sorted(d.available()))"
    result = _run(code, _subprocess_env(HOOKFAST_NO_EXTENSIONS="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["python", "['python']"]


def test_no_extensions_and_require_extension_conflict() -> None:
    code = (
        "try:\n"
        "    import hookfast\n"
        "except ImportError as error:\n"
        "    print('IMPORT-ERROR', error)\n"
        "else:\n"
        "    print('IMPORTED', hookfast.BACKEND)\n"
    )
    result = _run(code, _subprocess_env(HOOKFAST_NO_EXTENSIONS="1", HOOKFAST_REQUIRE_EXTENSION="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("IMPORT-ERROR"), result.stdout
    assert "HOOKFAST_NO_EXTENSIONS" in result.stdout
    assert "HOOKFAST_REQUIRE_EXTENSION" in result.stdout


def test_import_without_env_succeeds_in_subprocess() -> None:
    result = _run("import hookfast; print(hookfast.BACKEND)", _subprocess_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"cython", "python"}


def _make_class() -> type:
    from hookfast import hook, slot, support_hooks

    @support_hooks
    class Service:
        @slot
        def method(self) -> str:
            return "method"

    @Service.method.bind
    @hook
    def callback(self: object) -> str:
        return "hooked"

    Service.callback = callback  # type: ignore[attr-defined]
    return Service


def _skip_factories(cls: type) -> dict[str, object]:
    from hookfast.support_hooks import skip_hooks

    return {
        "global": hookfast.skip_all_hooks,
        "class": cls.skip_hooks,  # type: ignore[attr-defined]
        "class-function": lambda: skip_hooks(cls),
        "slot": cls.method.skip_hooks,  # type: ignore[attr-defined]
        "hook": cls.callback.skip,  # type: ignore[attr-defined]
    }


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("level", ["global", "class", "class-function", "slot", "hook"])
def test_skip_returns_context_manager(level: str) -> None:
    cls = _make_class()
    obj = cls()
    assert obj.method() == "hooked"
    skipper = _skip_factories(cls)[level]()  # type: ignore[operator]
    assert isinstance(skipper, contextlib.AbstractContextManager)
    with skipper:
        assert obj.method() == "method"
    assert obj.method() == "hooked"


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("level", ["global", "class", "class-function", "slot", "hook"])
def test_skip_returns_decorator(level: str) -> None:
    cls = _make_class()
    obj = cls()

    @_skip_factories(cls)[level]()  # type: ignore[operator]
    def inside() -> str:
        return obj.method()

    assert inside() == "method"
    assert obj.method() == "hooked"
    # usable again: a decorated function may be called many times
    assert inside() == "method"
    assert obj.method() == "hooked"
