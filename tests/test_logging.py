"""Logging as onETL 0.17 logs: registration line, exact per-call NOTICE tracing, level changes.

The expected lines are onETL 0.17's templates with hookfast's "|Hooks|" prefix and "hookfast" logger
names. When the reference onETL is installed in ``/tmp/ref`` (or ``HOOKFAST_ONETL_PYTHON`` names its
interpreter), ``test_tracing_matches_onetl`` also runs the same scenarios under onETL and compares.
The NOTICE level and the loggers' names involve no backend: ``tests/test_api.py`` checks them once.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hookfast import NOTICE, HookPriority, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

SLOT_LOGGER = "hookfast.slot"


def _name(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name.startswith("hookfast")]


def _notices(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Messages of hookfast's records; fails if any is not a NOTICE record of hookfast.slot."""
    records = _records(caplog)
    expected = [(SLOT_LOGGER, NOTICE, "NOTICE")] * len(records)
    assert [(r.name, r.levelno, r.levelname) for r in records] == expected
    return [record.getMessage() for record in records]


def _service_with_one_hook(result: Any = None, method_result: Any = "original") -> tuple[type, Any]:
    @support_hooks
    class Service:
        @slot
        def run(self):
            return method_result

    @Service.run.bind
    @hook
    def one(self):
        return result

    return Service, one


def _service_with_three_hooks(process: Any = "double") -> tuple[type, Any, Any, Any]:
    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    def first(self, x):
        return None

    @Service.run.bind
    @hook
    def gen(self, x):
        result = yield
        yield result + 1

    @Service.run.bind
    @hook(priority=HookPriority.LAST)
    class Last:
        def __init__(self, instance, x):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def process_result(self, result):
            return result * 2 if process == "double" else None

    return Service, first, gen, Last


# --------------------------------------------------------------------------- registration


def test_registration_debug_line_exact(caplog):
    caplog.set_level(logging.DEBUG, logger="hookfast")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    def callback(self):
        return None

    caplog.clear()
    bound = Service.run.bind(hook(callback))
    [record] = _records(caplog)
    assert record.name == SLOT_LOGGER
    assert record.levelno == logging.DEBUG
    assert record.getMessage() == (
        f"|Hooks| Registered hook '{_name(callback)}' for "
        f"'{Service.__qualname__}.run' (enabled=True, priority=HookPriority.NORMAL)"
    )
    assert bound.callback is callback


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"priority": HookPriority.FIRST}, "(enabled=True, priority=HookPriority.FIRST)"),
        ({"priority": HookPriority.LAST, "enabled": False}, "(enabled=False, priority=HookPriority.LAST)"),
        ({"priority": 0}, "(enabled=True, priority=HookPriority.NORMAL)"),
    ],
)
def test_registration_line_shows_state_and_priority(caplog, options, expected):
    caplog.set_level(logging.DEBUG, logger="hookfast")

    @support_hooks
    class Factory:
        @slot
        @classmethod
        def build(cls):
            return cls

    @hook(**options)
    def callback(cls):
        return None

    caplog.clear()
    Factory.build.bind(callback)
    assert [r.getMessage() for r in _records(caplog)] == [
        f"|Hooks| Registered hook '{_name(callback)}' for '{Factory.__qualname__}.build' {expected}"
    ]


def test_registration_through_subclass_names_declaring_slot(caplog):
    caplog.set_level(logging.DEBUG, logger="hookfast")

    @support_hooks
    class Parent:
        @slot
        def run(self):
            return "ok"

    class Child(Parent):
        pass

    def callback(self):
        return None

    caplog.clear()
    Child.run.bind(hook(callback))
    assert [r.getMessage() for r in _records(caplog)] == [
        f"|Hooks| Registered hook '{_name(callback)}' for '{Parent.__qualname__}.run' "
        "(enabled=True, priority=HookPriority.NORMAL)"
    ]


def test_registration_not_logged_above_debug(caplog):
    caplog.set_level(logging.INFO, logger="hookfast")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    Service.run.bind(hook(lambda self: None))
    assert _records(caplog) == []


# --------------------------------------------------------------------------- per-call tracing


def test_one_function_hook_returning_none_trace(notice_logs):
    Service, one = _service_with_one_hook(result=None)
    notice_logs.clear()
    assert Service().run() == "original"
    assert _notices(notice_logs) == [
        f"|Hooks| Calling hook '{_name(one)}' (1 of 1)",
        "|Hooks| Hook is finished with None result",
        f"|Hooks| Calling original method '{Service.__module__}.{Service.__qualname__}.run'",
        "|Hooks| Method call is finished with non-None result",
    ]


def test_one_function_hook_replacing_result_trace(notice_logs):
    Service, one = _service_with_one_hook(result="replacement")
    notice_logs.clear()
    assert Service().run() == "replacement"
    assert _notices(notice_logs) == [
        f"|Hooks| Calling hook '{_name(one)}' (1 of 1)",
        "|Hooks| Hook is finished with returning non-None result",
        f"|Hooks| Calling original method '{Service.__module__}.{Service.__qualname__}.run'",
        "|Hooks| Method call is finished with non-None result",
        "|Hooks| Method call result (*NOT None*) will be replaced with result of calling the hook "
        f"'{_name(one)}'",
    ]


def test_method_returning_none_replaced_trace(notice_logs):
    Service, one = _service_with_one_hook(result=0, method_result=None)
    notice_logs.clear()
    assert Service().run() == 0
    assert _notices(notice_logs)[-2:] == [
        "|Hooks| Method call is finished with None result",
        f"|Hooks| Method call result (None) will be replaced with result of calling the hook '{_name(one)}'",
    ]


def test_three_hooks_trace_exact(notice_logs):
    Service, first, gen, Last = _service_with_three_hooks()
    notice_logs.clear()
    assert Service().run(1) == 4
    owner = f"{Service.__module__}.{Service.__qualname__}"
    assert _notices(notice_logs) == [
        f"|Hooks| 3 hooks registered for '{Service.__qualname__}.run'",
        f"|Hooks| Calling hook '{_name(first)}' (1 of 3)",
        "|Hooks| Hook is finished with None result",
        f"|Hooks| Calling hook '{_name(gen)}' (2 of 3)",
        "|Hooks| This is a context manager, entering...",
        f"|Hooks|   Calling hook '{_name(Last)}' (3 of 3)",
        "|Hooks|   This is a context manager, entering...",
        f"|Hooks|     Calling original method '{owner}.run'",
        "|Hooks|     Method call is finished with non-None result",
        f"|Hooks| Passing result to 'process_result' method of context manager '{_name(gen)}'",
        "|Hooks| Method call result (*NOT* None) is modified by hook!",
        f"|Hooks|   Passing result to 'process_result' method of context manager '{_name(Last)}'",
        "|Hooks|   Method call result (*NOT* None) is modified by hook!",
    ]


def test_three_hooks_trace_without_modification(notice_logs):
    # the generator still adds 1; the class CM's process_result returns None: no "modified" line
    Service, _, gen, Last = _service_with_three_hooks(process=None)
    notice_logs.clear()
    assert Service().run(1) == 2
    messages = _notices(notice_logs)
    assert messages[9:] == [
        f"|Hooks| Passing result to 'process_result' method of context manager '{_name(gen)}'",
        "|Hooks| Method call result (*NOT* None) is modified by hook!",
        f"|Hooks|   Passing result to 'process_result' method of context manager '{_name(Last)}'",
    ]
    assert len(messages) == 12


def test_indent_grows_for_context_without_process_result(notice_logs):
    @support_hooks
    class Service:
        @slot
        def run(self):
            return None

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    class Plain:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

    @Service.run.bind
    @hook
    def gen(self):
        yield "value"

    @Service.run.bind
    @hook(priority=HookPriority.LAST)
    def last(self):
        return None

    notice_logs.clear()
    assert Service().run() == "value"
    owner = f"{Service.__module__}.{Service.__qualname__}"
    assert _notices(notice_logs) == [
        f"|Hooks| 3 hooks registered for '{Service.__qualname__}.run'",
        f"|Hooks| Calling hook '{_name(Plain)}' (1 of 3)",
        "|Hooks| This is a context manager, entering...",
        f"|Hooks|   Calling hook '{_name(gen)}' (2 of 3)",
        "|Hooks|   This is a context manager, entering...",
        f"|Hooks|     Calling hook '{_name(last)}' (3 of 3)",
        "|Hooks|     Hook is finished with None result",
        f"|Hooks|     Calling original method '{owner}.run'",
        "|Hooks|     Method call is finished with None result",
        # Plain has no process_result: nothing logged, but the indent still grows
        f"|Hooks|   Passing result to 'process_result' method of context manager '{_name(gen)}'",
        "|Hooks|   Method call result (None) is modified by hook!",
    ]


def test_hooks_count_line_names_declaring_class_for_inherited_slot(notice_logs):
    @support_hooks
    class Parent:
        @slot
        @classmethod
        def build(cls):
            return cls.__name__

    class Child(Parent):
        pass

    Parent.build.bind(hook(lambda cls: None))
    Parent.build.bind(hook(lambda cls: None))
    notice_logs.clear()
    assert Child.build() == "Child"
    messages = _notices(notice_logs)
    assert messages[0] == f"|Hooks| 2 hooks registered for '{Parent.__qualname__}.build'"
    assert f"|Hooks| Calling original method '{Parent.__module__}.{Parent.__qualname__}.build'" in messages


def test_super_call_skip_line(notice_logs):
    @support_hooks
    class Parent:
        @slot
        def run(self):
            return "parent"

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            return super().run() + "+child"

    @Parent.run.bind
    @hook
    def parent_hook(self):
        return None

    notice_logs.clear()
    assert Child().run() == "parent+child"
    assert _notices(notice_logs) == [
        f"|Hooks| Calling hook '{_name(parent_hook)}' (1 of 1)",
        "|Hooks| Hook is finished with None result",
        f"|Hooks| Calling original method '{Child.__module__}.{Child.__qualname__}.run'",
        f"|Hooks| Skipping hooks for '{Parent.__qualname__}.run' because method is called via super()",
        "|Hooks| Method call is finished with non-None result",
    ]


def test_tracing_records_carry_template_and_arguments(notice_logs):
    # like onETL, the tracing passes %-style arguments, so handlers and filters can inspect them
    Service, one = _service_with_one_hook(result=None)
    notice_logs.clear()
    Service().run()
    calling = _records(notice_logs)[0]
    assert "%" in calling.msg
    assert calling.args
    assert calling.getMessage() == f"|Hooks| Calling hook '{_name(one)}' (1 of 1)"


# --------------------------------------------------------------------------- levels


def _all_hook_kinds_service() -> type:
    Service, *_ = _service_with_three_hooks()
    return Service


def test_nothing_logged_at_info_level(caplog):
    Service = _all_hook_kinds_service()

    @support_hooks
    class Child(Service):
        @slot
        def run(self, x):
            return super().run(x)

    caplog.set_level(logging.INFO, logger="hookfast")
    caplog.clear()
    assert Service().run(1) == 4
    assert Child().run(1) == 4
    assert _records(caplog) == []


def test_nothing_logged_at_default_level(caplog):
    Service = _all_hook_kinds_service()
    logging.getLogger("hookfast").setLevel(logging.NOTSET)
    caplog.clear()
    assert Service().run(1) == 4
    assert _records(caplog) == []


def test_enabling_notice_after_classes_exist_enables_tracing_and_disabling_stops_it(caplog):
    logger = logging.getLogger("hookfast")
    logger.setLevel(logging.INFO)
    Service, first, _, _ = _service_with_three_hooks()
    caplog.clear()
    assert Service().run(1) == 4
    assert _records(caplog) == []

    logger.setLevel(NOTICE)
    assert Service().run(1) == 4
    messages = _notices(caplog)
    assert len(messages) == 13
    assert messages[1] == f"|Hooks| Calling hook '{_name(first)}' (1 of 3)"

    caplog.clear()
    logger.setLevel(logging.INFO)
    assert Service().run(1) == 4
    assert _records(caplog) == []

    logger.setLevel(NOTICE)
    assert Service().run(1) == 4
    assert len(_notices(caplog)) == 13


def test_tracing_follows_slot_logger_and_root_levels(caplog):
    hookfast_logger = logging.getLogger("hookfast")
    slot_logger = logging.getLogger(SLOT_LOGGER)
    root = logging.getLogger()
    Service, *_ = _service_with_three_hooks()
    previous_root = root.level
    try:
        hookfast_logger.setLevel(logging.NOTSET)
        root.setLevel(NOTICE)  # inherited effective level
        caplog.clear()
        Service().run(1)
        assert len(_notices(caplog)) == 13

        root.setLevel(logging.WARNING)
        caplog.clear()
        Service().run(1)
        assert _records(caplog) == []

        slot_logger.setLevel(NOTICE)  # the child logger alone
        Service().run(1)
        assert len(_notices(caplog)) == 13

        caplog.clear()
        slot_logger.setLevel(logging.DEBUG)
        Service().run(1)
        assert _records(caplog) == []
    finally:
        root.setLevel(previous_root)
        slot_logger.setLevel(logging.NOTSET)


def test_tracing_follows_logging_disable(caplog):
    logging.getLogger("hookfast").setLevel(NOTICE)
    Service, *_ = _service_with_three_hooks()
    try:
        logging.disable(logging.DEBUG)
        caplog.clear()
        Service().run(1)
        assert _records(caplog) == []
    finally:
        logging.disable(logging.NOTSET)
    Service().run(1)
    assert len(_notices(caplog)) == 13


def test_tracing_of_new_slot_and_new_hook_after_level_change(caplog):
    logging.getLogger("hookfast").setLevel(NOTICE)

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    caplog.clear()
    Service().run()
    assert _records(caplog) == []  # no hook can run: nothing to trace
    one = Service.run.bind(hook(lambda self: None))
    caplog.clear()
    Service().run()
    assert _notices(caplog)[0] == f"|Hooks| Calling hook '{_name(one)}' (1 of 1)"


# --------------------------------------------------------------------------- cross-check with onETL

_SCENARIOS = {
    "one_none": """
        @support_hooks
        class A:
            @slot
            def m(self, x):
                return x

        @A.m.bind
        @hook
        def f(self, x):
            return None

        A().m(1)
    """,
    "one_value_method_none": """
        @support_hooks
        class A:
            @slot
            def m(self):
                return None

        @A.m.bind
        @hook(priority=HookPriority.LAST)
        def f(self):
            return 0

        A().m()
    """,
    "three_hooks": """
        @support_hooks
        class A:
            @slot
            def m(self, x):
                return x

        @A.m.bind
        @hook(priority=HookPriority.FIRST)
        def f(self, x):
            return None

        @A.m.bind
        @hook
        def g(self, x):
            r = yield
            yield r + 1

        @A.m.bind
        @hook(priority=HookPriority.LAST)
        class K:
            def __init__(self, s, x):
                pass
            def __enter__(self):
                return self
            def __exit__(self, *a):
                return False
            def process_result(self, r):
                return r * 2

        A().m(1)
    """,
    "contexts_and_values": """
        @support_hooks
        class A:
            @slot
            @classmethod
            def m(cls):
                return None

        @A.m.bind
        @hook(priority=HookPriority.FIRST)
        class Plain:
            def __init__(self, cls):
                pass
            def __enter__(self):
                return self
            def __exit__(self, *a):
                return False

        @A.m.bind
        @hook
        def g(cls):
            yield "v"

        @A.m.bind
        @hook
        def value(cls):
            return "x"

        @A.m.bind
        @hook(priority=HookPriority.LAST)
        def after(cls):
            r = yield
            yield

        class B(A):
            pass

        B.m()
    """,
    "super_and_staticmethod": """
        @support_hooks
        class A:
            @slot
            def m(self):
                return 1

            @slot
            @staticmethod
            def s(x):
                return x

        @support_hooks
        class B(A):
            @slot
            def m(self):
                return super().m()

        @A.m.bind
        @B.m.bind
        @A.s.bind
        @hook
        def f(*args, **kwargs):
            return None

        B().m()
        A.s(2)
    """,
    "errors": """
        @support_hooks
        class A:
            @slot
            def m(self):
                return 1

        @A.m.bind
        @hook
        class K:
            def __init__(self, s):
                pass
            def __enter__(self):
                return self
            def __exit__(self, *a):
                return False
            def process_result(self, r):
                raise ValueError("pr")

        try:
            A().m()
        except ValueError:
            pass

        @support_hooks
        class C:
            @slot
            def m(self):
                return 1

        @C.m.bind
        @hook
        def failing(self):
            raise KeyError("hook")

        try:
            C().m()
        except KeyError:
            pass
    """,
}

_RUNNER = r"""
import json, logging, sys, textwrap
from onetl.hooks import HookPriority, hook, slot, support_hooks

class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=1)
        self.records = []
    def emit(self, record):
        self.records.append([record.name, record.levelno, record.getMessage()])

out = {}
for name, source in json.load(sys.stdin).items():
    handler = Collect()
    logger = logging.getLogger("onetl")
    logger.addHandler(handler)
    logger.setLevel(1)
    logger.propagate = False
    namespace = {"__name__": "scenario", "HookPriority": HookPriority, "hook": hook, "slot": slot,
                 "support_hooks": support_hooks}
    exec(compile(textwrap.dedent(source), "<scenario>", "exec"), namespace)
    logger.removeHandler(handler)
    out[name] = handler.records
json.dump(out, sys.stdout)
"""


def _onetl_python() -> str | None:
    candidate = os.environ.get("HOOKFAST_ONETL_PYTHON") or "/tmp/ref/bin/python"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="module")
def onetl_traces() -> dict[str, list[list[Any]]]:
    python = _onetl_python()
    if python is None:
        pytest.skip("reference onETL interpreter not available (set HOOKFAST_ONETL_PYTHON)")
    env = dict(os.environ, ONETL_PLUGINS_ENABLED="false")
    completed = subprocess.run(
        [python, "-c", _RUNNER],
        input=json.dumps(_SCENARIOS),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0 and "No module named 'onetl'" in completed.stderr:
        pytest.skip("onETL is not installed in the reference interpreter")
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def _normalise_onetl(records: list[list[Any]]) -> list[tuple[str, int, str]]:
    result = []
    for name, level, message in records:
        if not name.startswith("onetl.hooks.slot"):
            continue  # onETL's hook-collection/state loggers have other names and messages
        message = message.replace("|onETL| Registered hook", "|Hooks| Registered hook", 1)
        result.append(("hookfast.slot", level, message))
    return result


@pytest.mark.parametrize("scenario", sorted(_SCENARIOS))
def test_tracing_matches_onetl(onetl_traces, caplog, scenario):
    caplog.set_level(1, logger="hookfast")
    namespace = {
        "__name__": "scenario",
        "HookPriority": HookPriority,
        "hook": hook,
        "slot": slot,
        "support_hooks": support_hooks,
    }
    caplog.clear()
    exec(compile(textwrap.dedent(_SCENARIOS[scenario]), "<scenario>", "exec"), namespace)
    ours = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == SLOT_LOGGER]
    expected = _normalise_onetl(onetl_traces[scenario])
    assert expected, "the reference produced no records"
    assert ours == expected
