"""A hooked class defined in a script's ``__main__``, shipped to another process by cloudpickle.

Spark, Ray, dask and joblib pickle objects from scripts and notebooks by value: an instance, the
class itself, a bound method or the function. While a hook is bound, each must pickle, and in a
fresh process the unpickled object runs the hook bound before pickling, whichever call path the
hooks took (hooks inline in the method, generated code, the general path), on both backends; once
that process changes a state, the slot follows it there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hookfast import _dispatch

pytest.importorskip("cloudpickle")

#: the hook each call path takes: a plain function mirroring the slot's signature runs inline, a
#: generator hook in generated code, a hook taking *args/**kwargs on the general path
HOOKS = {
    "inline": "def on_run(obj, x):\n    print('hook', x)",
    "generated": "def on_run(obj, x):\n    print('hook', x)\n    yield",
    "dispatcher": "def on_run(obj, *args, **kwargs):\n    print('hook', *args)",
}
OBJECTS = ("instance", "class", "bound method", "function")

DUMP = """
import sys
import cloudpickle
import hookfast
from hookfast import hook, slot, support_hooks

@support_hooks
class Service:
    @slot
    def run(self, x):
        print("body", x)
        return x * 2

{hook}

Service.run.bind(hook(on_run))
assert Service.run.__hooks__.call_path == {path!r}, Service.run.__hooks__.call_path
objects = {{
    "instance": Service(),
    "class": Service,
    "bound method": Service().run,
    "function": Service.run,
}}
with open(sys.argv[1], "wb") as file:
    file.write(cloudpickle.dumps(objects[{which!r}]))
print(hookfast.BACKEND)
"""

LOAD = """
import pickle
import sys
import hookfast

with open(sys.argv[1], "rb") as file:
    loaded = pickle.load(file)

def call(x):
    which = {which!r}
    if which == "instance":
        return loaded.run(x)
    if which == "class":
        return loaded().run(x)
    if which == "bound method":
        return loaded(x)
    return loaded(None, x)

print("result", call(3))
hookfast.stop_all_hooks()  # a change of state in this process reaches the unpickled slot
print("result", call(4))
hookfast.resume_all_hooks()
print("result", call(5))
print(hookfast.BACKEND)
"""


def _run(script: Path, argument: Path, backend: str, cwd: Path) -> str:
    env = dict(os.environ)
    env.pop("HOOKFAST_REQUIRE_EXTENSION", None)
    env.pop("HOOKFAST_NO_EXTENSIONS", None)
    if backend == "python":
        env["HOOKFAST_NO_EXTENSIONS"] = "1"
    # the hookfast this process imported, from a neutral directory (a script's directory comes
    # first on sys.path: from the project root it would import the source tree)
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    completed = subprocess.run(
        [sys.executable, str(script), str(argument)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=cwd,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def _pickle_in_one_process_load_in_another(backend: str, dump: str, load: str, tmp_path: Path) -> list[str]:
    """Run the script ``dump`` (it pickles to its argument), then ``load`` in a fresh process; the
    lines ``load`` printed. Skips a backend that is not built (fails if it must be)."""
    if backend not in _dispatch.available():
        if os.environ.get("HOOKFAST_REQUIRE_EXTENSION"):
            pytest.fail("HOOKFAST_REQUIRE_EXTENSION is set but the compiled backend is not importable")
        pytest.skip("the compiled backend is not built (pure-Python install)")
    dump_path = tmp_path / "dump.py"
    dump_path.write_text(dump)
    load_path = tmp_path / "load.py"
    load_path.write_text(load)
    pickled = tmp_path / "object.pkl"
    assert _run(dump_path, pickled, backend, tmp_path).split() == [backend]
    return _run(load_path, pickled, backend, tmp_path).splitlines()


@pytest.mark.parametrize("which", OBJECTS)
@pytest.mark.parametrize("path", list(HOOKS))
@pytest.mark.parametrize("backend", ["cython", "python"])
def test_a_main_module_class_pickled_by_value_runs_its_hooks_in_a_fresh_process(
    backend: str, path: str, which: str, tmp_path: Path
) -> None:
    dump = DUMP.format(hook=textwrap.dedent(HOOKS[path]), path=path, which=which)
    lines = _pickle_in_one_process_load_in_another(backend, dump, LOAD.format(which=which), tmp_path)
    assert lines == [
        "hook 3",
        "body 3",
        "result 6",
        "body 4",  # hooks stopped in this process
        "result 8",
        "hook 5",
        "body 5",
        "result 10",
        backend,
    ]


ASYNC_DUMP = """
import sys
import cloudpickle
import hookfast
from hookfast import hook, slot, support_hooks

@support_hooks
class Service:
    @slot
    async def run(self, x):
        print("body", x)
        return x * 2

{hook}

if {bound!r}:
    Service.run.bind(hook(on_run))
assert Service.run.__hooks__.call_path == {path!r}, Service.run.__hooks__.call_path
objects = {{"instance": Service(), "class": Service}}
with open(sys.argv[1], "wb") as file:
    file.write(cloudpickle.dumps(objects[{which!r}]))
print(hookfast.BACKEND)
"""

ASYNC_LOAD = """
import asyncio
import pickle
import sys
import hookfast
from hookfast import hook

with open(sys.argv[1], "rb") as file:
    loaded = pickle.load(file)
service = loaded() if {which!r} == "class" else loaded
cls = type(service)

async def main():
    print("result", await service.run(3))
    made_before = service.run(4)  # runs the hooks in force when it starts, not when it was made
    if {bound!r}:
        hookfast.stop_all_hooks()
    else:
        cls.run.bind(hook(lambda obj, x: print("late hook", x)))
    print("result", await made_before)

asyncio.run(main())
print(hookfast.BACKEND)
"""


@pytest.mark.parametrize("which", ["instance", "class"])
@pytest.mark.parametrize("path", ["plain", *HOOKS])
@pytest.mark.parametrize("backend", ["cython", "python"])
def test_an_async_slot_pickled_by_value_runs_the_hooks_in_force_when_its_coroutine_starts(
    backend: str, path: str, which: str, tmp_path: Path
) -> None:
    bound = path != "plain"
    hook_source = textwrap.dedent(HOOKS[path]) if bound else ""
    dump = ASYNC_DUMP.format(hook=hook_source, bound=bound, path=path, which=which)
    load = ASYNC_LOAD.format(which=which, bound=bound)
    lines = _pickle_in_one_process_load_in_another(backend, dump, load, tmp_path)
    first = ["hook 3", "body 3", "result 6"] if bound else ["body 3", "result 6"]
    # the coroutine made before the change follows it: hooks stopped, or the one bound since
    second = ["body 4", "result 8"] if bound else ["late hook 4", "body 4", "result 8"]
    assert lines == [*first, *second, backend]
