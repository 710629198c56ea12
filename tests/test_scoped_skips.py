"""Scoped skipping: ``skip*(local=True)`` at the four levels, in one thread or asyncio task only.

Each test builds its classes inside the test (see ``conftest.backend``); hooks note their name and
the caller's label in a ``ran`` list, so a test sees which calls ran which hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import hookfast
from hookfast import HookPriority, hook, skip_all_hooks, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

LEVELS = ["global", "class", "slot", "hook"]


def build(ran: list[Any]) -> tuple[type, type, Any, Any]:
    """Base.run with hook ``on_base``; Child(Base) redeclares run, with hook ``on_child``."""

    @support_hooks
    class Base:
        @slot
        def run(self, label: str) -> str:
            return label

    @support_hooks
    class Child(Base):
        @slot
        def run(self, label: str) -> str:
            return super().run(label)

    @Base.run.bind
    @hook(priority=HookPriority.FIRST)
    def on_base(self: Any, label: str) -> None:
        ran.append(("on_base", label))

    @Child.run.bind
    @hook
    def on_child(self: Any, label: str) -> None:
        ran.append(("on_child", label))

    return Base, Child, on_base, on_child


def local_skip(level: str, Base: type, on_base: Any) -> Any:
    if level == "global":
        return skip_all_hooks(local=True)
    if level == "class":
        return Base.skip_hooks(local=True)
    if level == "slot":
        return Base.run.skip_hooks(local=True)
    return on_base.skip(local=True)


def hooks_of(ran: list[Any], label: str) -> list[str]:
    return [name for name, seen in ran if seen == label]


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_skips_in_this_thread_only(level: str) -> None:
    ran: list[Any] = []
    Base, Child, on_base, _on_child = build(ran)
    done = threading.Event()
    other_ran = threading.Event()

    def other_thread() -> None:
        Child().run("other")
        other_ran.set()

    with local_skip(level, Base, on_base):
        Child().run("child")
        Base().run("base")
        thread = threading.Thread(target=other_thread)
        thread.start()
        assert other_ran.wait(5)
        thread.join(5)
        done.set()
    Child().run("after")
    assert hooks_of(ran, "other") == ["on_base", "on_child"]
    assert hooks_of(ran, "after") == ["on_base", "on_child"]
    # what each level covers, as the process-wide skip of the same level would
    expected_child = {"global": [], "class": ["on_child"], "slot": ["on_child"], "hook": ["on_child"]}[level]
    assert hooks_of(ran, "child") == expected_child
    assert hooks_of(ran, "base") == []


@pytest.mark.parametrize("level", LEVELS)
def test_a_local_skip_matches_the_process_wide_one(level: str) -> None:
    """Within the scope, the calls run exactly what the same process-wide skip would run."""
    results = []
    for local in (True, False):
        ran: list[Any] = []
        Base, Child, _on_base, on_child = build(ran)
        if level == "global":
            context = skip_all_hooks(local=local)
        elif level == "class":
            context = Child.skip_hooks(local=local)
        elif level == "slot":
            context = Child.run.skip_hooks(local=local)
        else:
            context = on_child.skip(local=local)
        with context:
            Child().run("child")
            Base().run("base")
        results.append(ran)
    assert results[0] == results[1]


def test_tasks_are_apart() -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)

    async def skipping(step: asyncio.Event, done: asyncio.Event) -> None:
        with Child.run.skip_hooks(local=True):
            Child().run("skipping-1")
            step.set()
            await done.wait()
            Child().run("skipping-2")

    async def running(step: asyncio.Event, done: asyncio.Event) -> None:
        await step.wait()
        Child().run("running")
        done.set()

    async def main() -> None:
        step, done = asyncio.Event(), asyncio.Event()
        await asyncio.gather(skipping(step, done), running(step, done))

    asyncio.run(main())
    assert hooks_of(ran, "skipping-1") == hooks_of(ran, "skipping-2") == ["on_base"]
    assert hooks_of(ran, "running") == ["on_base", "on_child"]


def test_nesting_with_itself_and_with_process_wide_skips() -> None:
    ran: list[Any] = []
    Base, Child, on_base, on_child = build(ran)
    with on_child.skip(local=True):
        Child().run("a")
        with on_base.skip(local=True):
            Child().run("b")
        Child().run("c")
        with Child.run.skip_hooks():  # process-wide, inside the scoped one
            Child().run("d")
        Child().run("e")
    with Base.run.skip_hooks():  # process-wide, around a scoped one
        with on_child.skip(local=True):
            Child().run("f")
        Child().run("g")
    assert hooks_of(ran, "a") == ["on_base"]
    assert hooks_of(ran, "b") == []
    assert hooks_of(ran, "c") == ["on_base"]
    assert hooks_of(ran, "d") == ["on_base"]  # Child's own hooks off both ways, Base's still scoped-on
    assert hooks_of(ran, "e") == ["on_base"]
    assert hooks_of(ran, "f") == []
    assert hooks_of(ran, "g") == ["on_child"]


def test_restored_when_the_block_raises() -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)
    with pytest.raises(KeyError), skip_all_hooks(local=True):
        Child().run("inside")
        raise KeyError("boom")
    Child().run("after")
    assert hooks_of(ran, "inside") == []
    assert hooks_of(ran, "after") == ["on_base", "on_child"]


def test_restored_when_the_task_is_cancelled() -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)

    async def skipping(entered: asyncio.Event) -> None:
        with skip_all_hooks(local=True):
            Child().run("inside")
            entered.set()
            await asyncio.sleep(3600)

    async def main() -> None:
        entered = asyncio.Event()
        task = asyncio.ensure_future(skipping(entered))
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        Child().run("after")

    asyncio.run(main())
    assert hooks_of(ran, "inside") == []
    assert hooks_of(ran, "after") == ["on_base", "on_child"]


def test_as_a_decorator_and_with_a_state_change_inside() -> None:
    ran: list[Any] = []
    _Base, Child, on_base, on_child = build(ran)

    @on_base.skip(local=True)
    def job(label: str) -> None:
        Child().run(label)

    job("decorated")

    @Child.run.bind
    @hook(priority=HookPriority.LAST)
    def late(self: Any, label: str) -> None:
        ran.append(("late", label))

    with on_base.skip(local=True):
        Child().run("before change")
        on_child.disable()  # a process-wide change inside the scope is seen by the next call
        Child().run("after change")
        on_child.enable()
    assert hooks_of(ran, "decorated") == ["on_child"]
    assert hooks_of(ran, "before change") == ["on_child", "late"]
    assert hooks_of(ran, "after change") == ["late"]


def test_async_slots_and_tracing_see_the_scope() -> None:
    ran: list[str] = []

    @support_hooks
    class Service:
        @slot
        async def fetch(self) -> int:
            return 1

    @Service.fetch.bind
    @hook
    async def kept(self: Any) -> None:
        ran.append("kept")

    @Service.fetch.bind
    @hook
    def skipped(self: Any) -> None:
        ran.append("skipped")

    async def main() -> None:
        with skipped.skip(local=True):
            assert await Service().fetch() == 1

    with hookfast.trace() as calls:
        asyncio.run(main())
    assert ran == ["kept"]
    assert [run.hook for run in calls[0].hooks] == [kept]


def test_a_slot_whose_hooks_are_all_skipped_runs_the_plain_method(
    notice_logs: pytest.LogCaptureFixture,
) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)
    with skip_all_hooks(local=True):
        notice_logs.clear()
        assert Child().run("x") == "x"
    assert ran == []
    assert not [record for record in notice_logs.records if "Calling" in record.getMessage()]


def test_the_gate_closes_after_the_last_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    from hookfast import _dispatch, _dispatch_py, logs

    ran: list[Any] = []
    _Base, _Child, on_base, _on_child = build(ran)
    with skip_all_hooks(local=True), on_base.skip(local=True):
        assert _dispatch_py._gate is not logs.notice_enabled
    assert _dispatch_py._gate is logs.notice_enabled
    assert _dispatch._gate_holders == 0


# ------------------------------------------------------------------- a scope lasts as long as its block

ELSE_ON = ["nothing", "NOTICE logging", "another local skip", "a trace() elsewhere"]


@contextlib.contextmanager
def something_else_on(what: str) -> Iterator[None]:
    """Something unrelated to the task under test that holds the call path's gate open, or nothing."""
    if what == "nothing":
        yield
    elif what == "NOTICE logging":
        logger = logging.getLogger("hookfast")
        level = logger.level
        logger.setLevel(hookfast.NOTICE)
        try:
            yield
        finally:
            logger.setLevel(level)
    elif what == "another local skip":

        @support_hooks
        class Unrelated:
            @slot
            def go(self) -> None:
                pass

        with Unrelated.go.skip_hooks(local=True):
            yield
    else:
        done, started = threading.Event(), threading.Event()

        def tracing() -> None:
            with hookfast.trace():
                started.set()
                done.wait(10)

        thread = threading.Thread(target=tracing)
        thread.start()
        started.wait(10)
        try:
            yield
        finally:
            done.set()
            thread.join()


def run_task_after_the_block(block: Any, call: Any, what: str) -> tuple[Any, Any]:
    """Create a task inside ``block``; let it ``call()`` only after the block has ended, with ``what``
    on. Returns what the call returned and what the block gave on entering."""

    async def main() -> tuple[Any, Any]:
        go = asyncio.Event()

        async def task_body() -> Any:
            await go.wait()
            return call()

        with block as entered:
            task = asyncio.create_task(task_body())
        with something_else_on(what):
            go.set()
            return await task, entered

    return asyncio.run(main())


@pytest.mark.parametrize("what", ELSE_ON)
@pytest.mark.parametrize("level", LEVELS)
def test_a_task_created_inside_a_local_skip_runs_the_hooks_once_the_block_ended(
    level: str, what: str
) -> None:
    ran: list[Any] = []
    Base, Child, on_base, _on_child = build(ran)
    result, _ = run_task_after_the_block(local_skip(level, Base, on_base), lambda: Child().run("late"), what)
    assert result == "late"
    assert hooks_of(ran, "late") == ["on_base", "on_child"]


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_task_falls_back_to_the_enclosing_local_skip_still_in_force(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, on_base, on_child = build(ran)

    async def main() -> None:
        go = asyncio.Event()

        async def task_body() -> None:
            await go.wait()
            Child().run("late")
            with on_child.skip(local=True):  # a skip of its own builds on what is still in force
                Child().run("own skip")

        with on_base.skip(local=True):
            with skip_all_hooks(local=True):
                task = asyncio.create_task(task_body())
            with something_else_on(what):
                go.set()
                await task

    asyncio.run(main())
    assert hooks_of(ran, "late") == ["on_child"]  # on_base's skip still holds, skip_all's ended
    assert hooks_of(ran, "own skip") == []


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_task_own_local_skip_keeps_only_its_own_skips_once_the_inherited_block_ended(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, on_child = build(ran)

    async def main() -> None:
        entered, go = asyncio.Event(), asyncio.Event()

        async def task_body() -> None:
            with on_child.skip(local=True):  # entered while the inherited skip_all block runs
                Child().run("inside both")
                entered.set()
                await go.wait()
                Child().run("own skip only")
                with hookfast.skip_all_hooks(local=True):
                    Child().run("nested again")
            Child().run("no skip")

        with skip_all_hooks(local=True):
            task = asyncio.create_task(task_body())
            await entered.wait()
        with something_else_on(what):
            go.set()
            await task

    asyncio.run(main())
    assert hooks_of(ran, "inside both") == []
    assert hooks_of(ran, "own skip only") == ["on_base"]
    assert hooks_of(ran, "nested again") == []
    assert hooks_of(ran, "no skip") == ["on_base", "on_child"]


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_context_copied_inside_a_local_skip_runs_the_hooks_once_the_block_ended(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)
    with skip_all_hooks(local=True):
        copied = contextvars.copy_context()
        copied.run(Child().run, "inside")
    with something_else_on(what):
        thread = threading.Thread(target=copied.run, args=(Child().run, "late"))
        thread.start()
        thread.join()
    assert hooks_of(ran, "inside") == []
    assert hooks_of(ran, "late") == ["on_base", "on_child"]


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_task_created_inside_trace_records_nothing_once_the_block_ended(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)
    result, records = run_task_after_the_block(hookfast.trace(), lambda: Child().run("late"), what)
    assert result == "late"
    assert hooks_of(ran, "late") == ["on_base", "on_child"]
    assert records == []


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_task_records_into_the_enclosing_trace_still_running(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)

    async def main() -> tuple[list[Any], list[Any]]:
        go = asyncio.Event()

        async def task_body() -> None:
            await go.wait()
            Child().run("late")

        with hookfast.trace() as outer:
            with hookfast.trace() as inner:
                task = asyncio.create_task(task_body())
            with something_else_on(what):
                go.set()
                await task
        return outer, inner

    outer, inner = asyncio.run(main())
    assert inner == []
    assert [(call.name, len(call.hooks)) for call in outer] == [("run", 2)]


@pytest.mark.parametrize("what", ELSE_ON)
def test_an_async_slot_in_a_task_created_inside_a_local_skip_runs_its_hooks_once_the_block_ended(
    what: str,
) -> None:
    ran: list[str] = []

    @support_hooks
    class Service:
        @slot
        async def fetch(self) -> int:
            return 1

    @Service.fetch.bind
    @hook
    async def on_fetch(self: Any) -> None:
        ran.append("on_fetch")

    async def main() -> tuple[int, int]:
        go = asyncio.Event()

        async def task_body() -> int:
            inside = await Service().fetch()
            await go.wait()
            return inside + await Service().fetch()

        with skip_all_hooks(local=True):
            task = asyncio.create_task(task_body())
            await asyncio.sleep(0)  # the task's first call runs inside the block
        with something_else_on(what):
            go.set()
            return await task, len(ran)

    assert asyncio.run(main()) == (2, 1)
    assert ran == ["on_fetch"]


@pytest.mark.parametrize("what", ELSE_ON)
def test_a_task_own_trace_records_alone_once_the_inherited_trace_ended(what: str) -> None:
    ran: list[Any] = []
    _Base, Child, _on_base, _on_child = build(ran)

    async def main() -> tuple[list[Any], list[Any]]:
        entered, go = asyncio.Event(), asyncio.Event()

        async def task_body() -> list[Any]:
            with hookfast.trace() as own:
                entered.set()
                await go.wait()
                Child().run("late")
            return own

        with hookfast.trace() as inherited:
            task = asyncio.create_task(task_body())
            await entered.wait()
        with something_else_on(what):
            go.set()
            own = await task
        return inherited, own

    inherited, own = asyncio.run(main())
    assert inherited == []
    assert [(call.name, len(call.hooks)) for call in own] == [("run", 2)]
