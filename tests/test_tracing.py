"""``hookfast.trace()``: the record of each hooked slot call, on both backends.

Each test builds its classes inside the test (see ``conftest.backend``), runs calls inside and
outside ``trace()`` blocks and compares the records with what the hooks and the method really did,
which they note in a ``ran`` list.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import hookfast
from hookfast import HookPriority, TracedCall, TracedHook, hook, slot, support_hooks, trace

pytestmark = pytest.mark.usefixtures("backend")

FIRST = HookPriority.FIRST
LAST = HookPriority.LAST


def names(call: TracedCall) -> list[str]:
    return [run.hook.callback.__name__ for run in call.hooks]


def outcomes(call: TracedCall) -> list[tuple[str, str, str]]:
    return [(run.hook.callback.__name__, run.kind, run.outcome) for run in call.hooks]


def make_service(ran: list[str]) -> type:
    @support_hooks
    class Service:
        @slot
        def run(self, value: int) -> int:
            ran.append("method")
            if value < 0:
                raise ValueError(value)
            return value * 2

    return Service


# --------------------------------------------------------------------------- what a record holds


def test_hooks_in_call_order_with_kind_and_outcome() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> None:
        ran.append("audit")

    @Service.run.bind
    @hook(priority=FIRST)
    def first(self: Any, value: int) -> None:
        ran.append("first")

    service = Service()
    with trace() as calls:
        assert service.run(2) == 4
    assert ran == ["first", "audit", "method"]
    [call] = calls
    assert isinstance(call, TracedCall)
    assert call.owner is Service
    assert call.name == "run"
    assert call.qualname == f"{Service.__qualname__}.run"
    assert outcomes(call) == [("first", "function", "returned"), ("audit", "function", "returned")]
    assert all(isinstance(run, TracedHook) for run in call.hooks)
    assert [run.hook for run in call.hooks] == [first, audit]
    assert call.method == "returned"
    assert call.outcome == "returned"
    assert call.error is None
    assert all(run.error is None for run in call.hooks)
    assert call.hooks[1].name == f"{__name__}.{audit.callback.__qualname__}"


def test_durations_are_disjoint_parts_of_the_call() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def measured(self: Any, value: int) -> Iterator[None]:
        result = yield
        assert result == 2
        yield

    @Service.run.bind
    @hook
    def plain(self: Any, value: int) -> None:
        pass

    with trace() as calls:
        Service().run(1)
    [call] = calls
    assert all(run.duration > 0 for run in call.hooks)
    assert call.duration >= sum(run.duration for run in call.hooks)
    assert "µs" in repr(call) or "ms" in repr(call)


def test_only_the_value_that_wins_replaces_the_result() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook(priority=FIRST)
    def early(self: Any, value: int) -> int:
        return 100

    @Service.run.bind
    @hook(priority=LAST)
    def late(self: Any, value: int) -> int:
        return 200

    with trace() as calls:
        assert Service().run(1) == 200
    [call] = calls
    assert outcomes(call) == [("early", "function", "returned"), ("late", "function", "replaced")]
    assert call.method == "returned"


def test_generator_and_context_manager_hooks() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook(priority=FIRST)
    def doubles(self: Any, value: int) -> Iterator[int | None]:
        result = yield None
        yield result * 10

    @Service.run.bind
    @hook
    def observes(self: Any, value: int) -> Iterator[None]:
        yield

    @Service.run.bind
    @hook(priority=LAST)
    class Adds:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        def __enter__(self) -> Adds:
            return self

        def __exit__(self, *exc_info: object) -> None:
            return None

        def process_result(self, result: int) -> int:
            return result + 1

    with trace() as calls:
        assert Service().run(1) == 21  # results pass through in call order, as in onETL: 2 * 10 + 1
    [call] = calls
    assert outcomes(call) == [
        ("doubles", "generator", "replaced"),
        ("observes", "generator", "returned"),
        ("Adds", "context", "replaced"),
    ]


def test_a_suppressed_exception() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    class Swallow:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        def __enter__(self) -> Swallow:
            return self

        def __exit__(self, exc_type: Any, *rest: object) -> bool:
            return exc_type is ValueError

    with trace() as calls:
        assert Service().run(-1) is None
        assert Service().run(1) == 2
    suppressed, normal = calls
    assert outcomes(suppressed) == [("Swallow", "context", "suppressed")]
    assert (suppressed.method, suppressed.outcome, suppressed.error) == ("raised", "suppressed", None)
    # an exit that returns True with no exception in flight suppresses nothing
    assert outcomes(normal) == [("Swallow", "context", "returned")]
    assert normal.outcome == "returned"


def test_a_raising_hook_ends_the_record() -> None:
    ran: list[str] = []
    Service = make_service(ran)
    error = RuntimeError("denied")

    @Service.run.bind
    @hook(priority=FIRST)
    def check(self: Any, value: int) -> None:
        raise error

    @Service.run.bind
    @hook
    def never(self: Any, value: int) -> None:
        ran.append("never")

    with trace() as calls, pytest.raises(RuntimeError, match="denied"):
        Service().run(1)
    assert ran == []
    [call] = calls
    assert outcomes(call) == [("check", "function", "raised")]
    assert call.hooks[0].error is error
    assert (call.method, call.outcome, call.error) == ("not called", "raised", error)


def test_the_method_raising_through_entered_hooks() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def around(self: Any, value: int) -> Iterator[None]:
        yield

    with trace() as calls, pytest.raises(ValueError):
        Service().run(-1)
    [call] = calls
    assert outcomes(call) == [("around", "generator", "returned")]
    assert call.method == "raised"
    assert call.outcome == "raised"
    assert isinstance(call.error, ValueError)


@pytest.mark.parametrize("where", ["entering", "process_result", "exit"])
def test_a_context_raising_in_each_place(where: str) -> None:
    ran: list[str] = []
    Service = make_service(ran)
    error = KeyError(where)

    @Service.run.bind
    @hook
    class Fails:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        def __enter__(self) -> Fails:
            if where == "entering":
                raise error
            return self

        def __exit__(self, *exc_info: object) -> None:
            if where == "exit":
                raise error

        def process_result(self, result: int) -> None:
            if where == "process_result":
                raise error

    with trace() as calls, pytest.raises(KeyError):
        Service().run(1)
    [call] = calls
    assert outcomes(call) == [("Fails", "context", "raised")]
    assert call.hooks[0].error is error
    assert call.outcome == "raised" and call.error is error
    assert call.method == ("not called" if where == "entering" else "returned")


def test_method_name_hooks_and_class_and_static_slots() -> None:
    seen: list[str] = []

    @support_hooks
    class Factory:
        @slot
        @classmethod
        def make(cls, name: str) -> str:
            return name

        @slot
        @staticmethod
        def version() -> int:
            return 3

    @Factory.make.bind
    @hook
    def named(cls: type, name: str, method_name: str) -> None:
        seen.append(method_name)

    @Factory.version.bind
    @hook
    def on_version() -> int:
        return 4

    with trace() as calls:
        assert Factory.make("a") == "a"
        assert Factory().version() == 4
    assert seen == ["make"]
    assert [(call.name, names(call)) for call in calls] == [("make", ["named"]), ("version", ["on_version"])]
    assert calls[1].hooks[0].outcome == "replaced"


# --------------------------------------------------------------------------- which calls are recorded


def test_only_calls_inside_the_block_that_run_hooks() -> None:
    ran: list[str] = []
    Service = make_service(ran)
    Other = make_service(ran)  # a slot with no hook: runs as a plain method, leaves no record

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> None:
        pass

    service = Service()
    service.run(1)
    with trace() as calls:
        service.run(1)
        Other().run(1)
        with Service.run.skip_hooks():
            service.run(1)
        audit.disable()
        service.run(1)
        audit.enable()
        service.run(2)
    service.run(3)
    assert len(calls) == 2
    assert all(names(call) == ["audit"] for call in calls)


def test_disabled_hooks_do_not_appear() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def on(self: Any, value: int) -> None:
        pass

    @Service.run.bind
    @hook(enabled=False)
    def off(self: Any, value: int) -> None:
        pass

    with trace() as calls:
        Service().run(1)
    assert [names(call) for call in calls] == [["on"]]


def test_nested_blocks_and_nested_calls() -> None:
    ran: list[str] = []
    Service = make_service(ran)
    Inner = make_service(ran)

    @Inner.run.bind
    @hook
    def inner_hook(self: Any, value: int) -> None:
        pass

    @Service.run.bind
    @hook
    def calls_inner(self: Any, value: int) -> None:
        Inner().run(value)

    with trace() as outer:
        Service().run(1)
        with trace() as inner:
            Inner().run(1)
        Inner().run(2)
    assert [(call.owner, names(call)) for call in outer] == [
        (Service, ["calls_inner"]),  # the outer call starts first
        (Inner, ["inner_hook"]),
        (Inner, ["inner_hook"]),
        (Inner, ["inner_hook"]),
    ]
    assert len(inner) == 1 and inner[0] is outer[2]


def test_a_super_call_that_runs_no_hooks_leaves_no_record() -> None:
    @support_hooks
    class Base:
        @slot
        def run(self) -> str:
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def run(self) -> str:
            return "child+" + super().run()

    @Base.run.bind
    @hook
    def on_base(self: Any) -> None:
        pass

    with trace() as calls:
        assert Child().run() == "child+base"
        assert Base().run() == "base"
    assert [(call.owner, names(call)) for call in calls] == [(Child, ["on_base"]), (Base, ["on_base"])]


def test_the_block_is_closed_on_an_exception_and_the_list_stays() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> None:
        pass

    with pytest.raises(ZeroDivisionError), trace() as calls:
        Service().run(1)
        1 / 0  # noqa: B018
    Service().run(1)
    assert len(calls) == 1
    with trace() as again:
        Service().run(1)
    assert len(again) == 1 and len(calls) == 1


def test_another_threads_calls_are_not_recorded_and_still_run_their_hooks() -> None:
    ran: list[str] = []
    Service = make_service(ran)
    lock = threading.Lock()
    in_thread: list[int] = []

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> None:
        with lock:
            in_thread.append(value)

    started = threading.Event()
    finish = threading.Event()
    thread_records: list[list[TracedCall]] = []

    def worker() -> None:
        Service().run(10)  # the gate is open (the main thread traces), no recorder here
        with trace() as own:
            started.set()
            finish.wait(5)
            Service().run(11)
        thread_records.append(own)

    with trace() as calls:
        thread = threading.Thread(target=worker)
        thread.start()
        assert started.wait(5)
        Service().run(1)
        finish.set()
        thread.join(5)
    assert sorted(in_thread) == [1, 10, 11]
    assert [call.hooks[0].hook for call in calls] == [audit]
    assert len(calls) == 1
    [own] = thread_records
    assert len(own) == 1 and own[0] is not calls[0]


def test_asyncio_tasks_have_their_own_records() -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> None:
        pass

    async def traced(step: asyncio.Event, done: asyncio.Event) -> list[TracedCall]:
        with trace() as calls:
            Service().run(1)
            step.set()
            await done.wait()
            Service().run(2)
        return calls

    async def untraced(step: asyncio.Event, done: asyncio.Event) -> None:
        await step.wait()
        Service().run(3)
        done.set()

    async def main() -> list[TracedCall]:
        step, done = asyncio.Event(), asyncio.Event()
        calls, _ = await asyncio.gather(traced(step, done), untraced(step, done))
        return calls

    calls = asyncio.run(main())
    assert len(calls) == 2


# --------------------------------------------------------------------------- with NOTICE logging


def test_notice_messages_are_the_same_inside_a_trace_block(notice_logs: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []
    Service = make_service(ran)

    @Service.run.bind
    @hook
    def audit(self: Any, value: int) -> Iterator[None]:
        yield

    notice_logs.clear()  # the bind's DEBUG message
    Service().run(1)
    plain = [record.getMessage() for record in notice_logs.records]
    notice_logs.clear()
    with trace() as calls:
        Service().run(1)
    assert [record.getMessage() for record in notice_logs.records] == plain
    assert len(plain) > 3
    assert len(calls) == 1


def test_tracing_alone_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    @support_hooks
    class Base:
        @slot
        def run(self) -> None:
            pass

    @support_hooks
    class Child(Base):
        @slot
        def run(self) -> None:
            super().run()

    @Base.run.bind
    @hook
    def audit(self: Any) -> None:
        pass

    caplog.set_level(logging.DEBUG, logger="hookfast")
    with trace() as calls:
        Child().run()
    assert len(calls) == 1
    assert caplog.records == []


def test_public_names() -> None:
    assert hookfast.trace is trace
    assert TracedCall.__module__ == TracedHook.__module__ == "hookfast.tracing"
