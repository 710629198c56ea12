"""Async slots (``@slot`` on ``async def``) and async hooks, on both backends.

Each test builds its classes inside the test (see ``conftest.backend``). Hooks and methods note
what they do in a ``log`` list; the tests compare it, the result and the exceptions with what the
sync rules say (the differential test checks the same for random programs with sync hooks).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import pickle
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest import mock

import pytest

import hookfast
from hookfast import HookPriority, SignatureError, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

FIRST = HookPriority.FIRST
NORMAL = HookPriority.NORMAL
LAST = HookPriority.LAST


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def make_service(log: list[Any], fail: bool = False) -> type:
    @support_hooks
    class Service:
        @slot
        async def fetch(self, value: int) -> int:
            log.append("method<")
            await asyncio.sleep(0)  # a real suspension point inside the body
            log.append("method>")
            if fail:
                raise ValueError("method failed")
            return value * 2

    return Service


# --------------------------------------------------------------------------- every hook kind


def bind_every_kind(Service: type, log: list[Any]) -> None:
    @Service.fetch.bind
    @hook(priority=FIRST)
    def sync_function(self: Any, value: int) -> None:
        log.append("sync_function")

    @Service.fetch.bind
    @hook(priority=FIRST)
    async def async_function(self: Any, value: int) -> None:
        await asyncio.sleep(0)
        log.append("async_function")

    @Service.fetch.bind
    @hook
    def sync_generator(self: Any, value: int) -> Iterator[int]:
        log.append("sync_generator<")
        result = yield
        log.append(("sync_generator>", result))
        yield result + 1

    @Service.fetch.bind
    @hook
    async def async_generator(self: Any, value: int) -> AsyncIterator[int]:
        log.append("async_generator<")
        await asyncio.sleep(0)
        result = yield
        log.append(("async_generator>", result))
        await asyncio.sleep(0)
        yield result * 10

    @Service.fetch.bind
    @hook(priority=LAST)
    class SyncContext:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        def __enter__(self) -> SyncContext:
            log.append("sync_context<")
            return self

        def __exit__(self, *exc_info: object) -> None:
            log.append("sync_context>")

    @Service.fetch.bind
    @hook(priority=LAST)
    class AsyncContext:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        async def __aenter__(self) -> AsyncContext:
            await asyncio.sleep(0)
            log.append("async_context<")
            return self

        async def __aexit__(self, *exc_info: object) -> None:
            await asyncio.sleep(0)
            log.append("async_context>")

        async def process_result(self, result: int) -> int:
            await asyncio.sleep(0)
            return result + 5


def test_every_hook_kind_runs_in_order_with_results_chained() -> None:
    log: list[Any] = []
    Service = make_service(log)
    bind_every_kind(Service, log)
    assert run(Service().fetch(1)) == (2 + 1) * 10 + 5
    assert log == [
        "sync_function",
        "async_function",
        "sync_generator<",
        "async_generator<",
        "sync_context<",
        "async_context<",
        "method<",
        "method>",
        ("sync_generator>", 2),
        ("async_generator>", 3),
        "async_context>",
        "sync_context>",
    ]


def test_the_hooks_run_when_the_coroutine_runs_not_when_it_is_created() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    def audit(self: Any, value: int) -> None:
        log.append("audit")

    coroutine = Service().fetch(1)
    assert log == []
    audit.disable()  # the states in force when it runs are the ones that apply
    assert run(coroutine) == 2
    assert log == ["method<", "method>"]
    audit.enable()
    assert run(Service().fetch(1)) == 2
    assert log[2:] == ["audit", "method<", "method>"]


@pytest.mark.parametrize("made", ["while stopped", "on generated code"])
def test_a_coroutine_made_before_the_hooks_take_the_general_path_runs_them(made: str) -> None:
    """A coroutine runs the hooks in force when it starts, also when they changed to hooks that
    only the general path serves (``*args, **kwargs``) after it was made."""
    log: list[Any] = []
    Service = make_service(log)

    @hook
    def spread(*args: Any, **kwargs: Any) -> None:
        log.append(("spread", len(args), sorted(kwargs)))

    expected: list[Any] = []
    if made == "while stopped":
        Service.fetch.bind(spread)
        with hookfast.skip_all_hooks():
            coroutine = Service().fetch(1)
    else:

        @Service.fetch.bind
        @hook
        def plain(self: Any, value: int) -> None:
            log.append("plain")

        assert Service.fetch.__hooks__.call_path != "dispatcher"
        coroutine = Service().fetch(1)
        Service.fetch.bind(spread)
        expected.append("plain")
    assert Service.fetch.__hooks__.call_path == "dispatcher"
    assert run(coroutine) == 2
    assert log == [*expected, ("spread", 2, []), "method<", "method>"]


def test_a_coroutine_made_before_the_first_bind_runs_the_hooks_whatever_the_slots_names() -> None:
    """Generated code cannot take a slot whose names look like its own (``_hf_*``): such a slot
    keeps the general path, and a coroutine made while it had no hook still runs the hooks bound
    before it starts."""
    log: list[Any] = []

    @support_hooks
    class Service:
        @slot
        async def fetch(self, _hf_value: int) -> int:
            log.append("method")
            return _hf_value * 2

    coroutine = Service().fetch(1)

    @Service.fetch.bind
    @hook
    def audit(self: Any, _hf_value: int) -> None:
        log.append("audit")

    assert Service.fetch.__hooks__.call_path == "dispatcher"
    assert run(coroutine) == 2
    assert log == ["audit", "method"]
    Service.fetch.unbind(audit)
    assert Service.fetch.__hooks__.call_path == "plain"
    assert run(Service().fetch(2)) == 4
    assert log == ["audit", "method", "method"]


def test_an_async_def_hook_value_replaces_the_result() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    async def cached(self: Any, value: int) -> int:
        return 100

    assert run(Service().fetch(1)) == 100
    assert log == ["method<", "method>"]


def test_async_context_manager_with_a_sync_process_result() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    class Adds:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        async def __aenter__(self) -> Adds:
            return self

        async def __aexit__(self, *exc_info: object) -> None:
            pass

        def process_result(self, result: int) -> int:
            return result + 1

    assert run(Service().fetch(1)) == 3


def test_async_generator_yielding_a_value_alone_replaces_the_result() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    async def fixed(self: Any, value: int) -> AsyncIterator[int]:
        yield 42

    assert run(Service().fetch(1)) == 42


def test_class_and_static_async_slots_with_method_name() -> None:
    seen: list[Any] = []

    @support_hooks
    class Factory:
        @slot
        @classmethod
        async def make(cls, name: str) -> str:
            return name

        @slot
        @staticmethod
        async def version() -> int:
            return 3

    @Factory.make.bind
    @hook
    async def named(cls: type, name: str, method_name: str) -> None:
        seen.append((cls, name, method_name))

    @Factory.version.bind
    @hook
    def bumped() -> int:
        return 4

    assert run(Factory.make("a")) == "a"
    assert run(Factory().make("b")) == "b"
    assert run(Factory.version()) == 4
    assert seen == [(Factory, "a", "make"), (Factory, "b", "make")]


def test_an_async_slot_stays_a_coroutine_function_and_pickles() -> None:
    log: list[Any] = []
    Service = make_service(log)
    assert inspect.iscoroutinefunction(Service.fetch)

    @Service.fetch.bind
    @hook
    async def audit(self: Any, value: int) -> None:
        pass

    assert inspect.iscoroutinefunction(Service.fetch)
    assert inspect.iscoroutinefunction(Service().fetch)
    assert inspect.iscoroutinefunction(Service.__dict__["fetch"])


def test_mixed_kinds_across_a_hierarchy_with_super() -> None:
    log: list[Any] = []

    @support_hooks
    class Base:
        @slot
        async def fetch(self, value: int) -> int:
            log.append("Base.body")
            return value

    @support_hooks
    class Child(Base):
        @slot
        async def fetch(self, value: int) -> int:
            log.append("Child.body")
            return await super().fetch(value) + 1

    @Base.fetch.bind
    @hook(priority=LAST)
    async def base_async(self: Any, value: int) -> None:
        log.append("base_async")

    @Child.fetch.bind
    @hook(priority=FIRST)
    @contextlib.asynccontextmanager
    async def child_context(self: Any, value: int) -> AsyncIterator[None]:
        log.append("child_context<")
        yield
        log.append("child_context>")

    @Base.fetch.bind
    @hook(priority=FIRST)
    def base_sync(self: Any, value: int) -> None:
        log.append("base_sync")

    assert run(Child().fetch(1)) == 2
    # priority first, then the class depth (base first); the super() call runs no hooks again
    assert log == ["base_sync", "child_context<", "base_async", "Child.body", "Base.body", "child_context>"]
    log.clear()
    assert run(Base().fetch(1)) == 1
    assert log == ["base_sync", "base_async", "Base.body"]


# --------------------------------------------------------------------------- exceptions


@pytest.mark.parametrize("where", ["sync_hook", "async_hook", "method", "aenter", "process_result", "aexit"])
def test_an_exception_in_each_place_exits_every_entered_context(where: str) -> None:
    log: list[Any] = []
    Service = make_service(log, fail=where == "method")
    error = RuntimeError(where)

    @Service.fetch.bind
    @hook(priority=FIRST)
    async def outer(self: Any, value: int) -> AsyncIterator[None]:
        log.append("outer<")
        try:
            yield
        except BaseException as exc:
            log.append(("outer saw", type(exc).__name__))
            raise
        log.append("outer>")

    @Service.fetch.bind
    @hook
    class Inner:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        async def __aenter__(self) -> Inner:
            if where == "aenter":
                raise error
            log.append("inner<")
            return self

        async def __aexit__(self, exc_type: Any, *rest: object) -> None:
            log.append(("inner>", getattr(exc_type, "__name__", None)))
            if where == "aexit":
                raise error

        async def process_result(self, result: int) -> None:
            if where == "process_result":
                raise error

    @Service.fetch.bind
    @hook(priority=LAST)
    def sync_last(self: Any, value: int) -> None:
        if where == "sync_hook":
            raise error

    @Service.fetch.bind
    @hook(priority=LAST)
    async def async_last(self: Any, value: int) -> None:
        if where == "async_hook":
            raise error

    expected = ValueError if where == "method" else RuntimeError
    with pytest.raises(expected):
        run(Service().fetch(1))
    assert log[0] == "outer<"
    if where in ("process_result", "aexit"):
        # the generator's code after its yield ran at process_result, first (forward order, as
        # for sync slots): it had finished before the error, so it sees nothing of it
        assert "outer>" in log and not any(
            entry[0] == "outer saw" for entry in log if isinstance(entry, tuple)
        )
    else:
        assert log[-1] == ("outer saw", expected.__name__)
    if where != "aenter":  # an __aenter__ that raised was never entered, so it is not exited
        assert [entry for entry in log if isinstance(entry, tuple) and entry[0] == "inner>"]


@pytest.mark.parametrize("general_path", [False, True], ids=["generated", "dispatcher"])
@pytest.mark.parametrize("where", ["hook", "enter", "process_result", "exit"])
def test_a_stop_iteration_reaches_the_exits_as_itself(
    where: str, general_path: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """A StopIteration raised by a sync part of a hook on an async slot reaches the other exits as
    a StopIteration, as in nested ``async with`` blocks (and ``AsyncExitStack``, so onETL); only
    leaving the call, it becomes ``RuntimeError("coroutine raised StopIteration")``, worded as
    CPython words it on both backends, on the general path too."""
    log: list[Any] = []
    Service = make_service(log)
    error = StopIteration(where)

    class Outer:
        def __init__(self, *args: Any) -> None:
            pass

        def __enter__(self) -> Outer:
            return self

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            log.append(("outer saw", type(exc).__name__))

    class Raiser:
        def __init__(self, *args: Any) -> None:
            if where == "hook":
                raise error

        def __enter__(self) -> Raiser:
            if where == "enter":
                raise error
            return self

        def __exit__(self, *exc_info: Any) -> None:
            if where == "exit":
                raise error

    class AsyncRaiser:  # where the process_result of an async context manager is a sync method
        def __init__(self, *args: Any) -> None:
            pass

        async def __aenter__(self) -> AsyncRaiser:
            return self

        async def __aexit__(self, *exc_info: Any) -> None:
            pass

        def process_result(self, result: int) -> None:
            raise error

    if not general_path:  # hooks taking the slot's arguments alike: generated code serves them

        def taking_the_slots_arguments(raises: bool) -> Any:
            def __init__(self: Any, obj: Any, value: int) -> None:
                if raises:
                    raise error

            return __init__

        Outer.__init__ = taking_the_slots_arguments(False)  # type: ignore[method-assign]
        Raiser.__init__ = taking_the_slots_arguments(where == "hook")  # type: ignore[method-assign]
        AsyncRaiser.__init__ = taking_the_slots_arguments(False)  # type: ignore[method-assign]
    Service.fetch.bind(hook(Outer))
    Service.fetch.bind(hook(AsyncRaiser if where == "process_result" else Raiser))
    assert Service.fetch.__hooks__.call_path == ("dispatcher" if general_path else "generated")
    caplog.set_level(logging.ERROR, logger="hookfast")
    with pytest.raises(RuntimeError, match=r"^coroutine raised StopIteration$") as info:
        run(Service().fetch(1))
    assert info.value.__cause__ is error
    assert log[-1] == ("outer saw", "StopIteration")
    logged = [record.exc_info[0] for record in caplog.records if record.exc_info]
    assert logged == ([StopIteration] if where in ("hook", "process_result") else [])


def test_a_stop_iteration_from_a_hook_before_any_context_is_worded_as_cpython_words_it() -> None:
    log: list[Any] = []
    Service = make_service(log)
    error = StopIteration("hook")

    @Service.fetch.bind
    @hook
    def stop(*args: Any) -> None:
        raise error

    assert Service.fetch.__hooks__.call_path == "dispatcher"
    with pytest.raises(RuntimeError, match=r"^coroutine raised StopIteration$") as info:
        run(Service().fetch(1))
    assert info.value.__cause__ is error
    assert log == []


def test_an_async_hook_error_is_logged_as_the_hooks(caplog: pytest.LogCaptureFixture) -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    async def broken(self: Any, value: int) -> None:
        raise KeyError("nope")

    caplog.set_level(logging.ERROR, logger="hookfast")
    with pytest.raises(KeyError):
        run(Service().fetch(1))
    assert [record.getMessage() for record in caplog.records] == [
        f"|Hooks| Error while executing a hook '{__name__}.{broken.callback.__qualname__}'"
    ]


def test_suppression_by_an_async_context_manager_and_an_async_generator() -> None:
    log: list[Any] = []
    Service = make_service(log, fail=True)

    @Service.fetch.bind
    @hook
    class Swallow:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        async def __aenter__(self) -> Swallow:
            return self

        async def __aexit__(self, exc_type: Any, *rest: object) -> bool:
            return exc_type is ValueError

    assert run(Service().fetch(1)) is None
    Swallow.disable()  # type: ignore[attr-defined]

    @Service.fetch.bind
    @hook
    async def swallow(self: Any, value: int) -> AsyncIterator[None]:
        try:
            yield
        except ValueError:
            log.append("swallowed")

    assert run(Service().fetch(1)) is None
    assert log[-1] == "swallowed"


def test_signature_error_on_an_async_slot() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    async def wrong(self: Any) -> None:
        pass

    with pytest.raises(SignatureError, match="wrong"):
        run(Service().fetch(1))
    assert log == []


# --------------------------------------------------------------------------- cancellation


@pytest.mark.parametrize("where", ["async_hook", "agen_enter", "aenter", "method", "process_result", "aexit"])
def test_cancellation_at_each_await_point(where: str) -> None:
    log: list[Any] = []
    events: dict[str, asyncio.Event] = {}  # made inside the loop: Python 3.9 binds an Event to one

    async def stop_here(point: str) -> None:
        if where == point:
            events["reached"].set()
            await asyncio.sleep(3600)  # cancelled here

    @support_hooks
    class Service:
        @slot
        async def fetch(self, value: int) -> int:
            await stop_here("method")
            return value

    @Service.fetch.bind
    @hook(priority=FIRST)
    async def outer(self: Any, value: int) -> AsyncIterator[None]:
        log.append("outer<")
        try:
            await stop_here("agen_enter")
            yield
        except asyncio.CancelledError:
            log.append("outer cancelled")
            raise
        finally:
            log.append("outer closed")

    @Service.fetch.bind
    @hook
    class Context:
        def __init__(self, obj: Any, value: int) -> None:
            pass

        async def __aenter__(self) -> Context:
            await stop_here("aenter")
            log.append("context<")
            return self

        async def __aexit__(self, exc_type: Any, *rest: object) -> None:
            log.append(("context>", getattr(exc_type, "__name__", None)))
            await stop_here("aexit")

        async def process_result(self, result: int) -> None:
            await stop_here("process_result")

    @Service.fetch.bind
    @hook(priority=LAST)
    async def last(self: Any, value: int) -> None:
        await stop_here("async_hook")

    async def scenario() -> None:
        events["reached"] = asyncio.Event()
        task = asyncio.ensure_future(Service().fetch(1))
        await asyncio.wait_for(events["reached"].wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(scenario())
    assert log[0] == "outer<"
    assert "outer closed" in log
    if where in ("async_hook", "aenter", "method"):
        assert "outer cancelled" in log  # the entered generator got the CancelledError
        assert log[-1] == "outer closed"
    elif where in ("process_result", "aexit"):
        # its code after the yield ran at process_result, before the cancellation
        assert "outer cancelled" not in log
    if where not in ("agen_enter", "aenter"):
        exits = [entry for entry in log if isinstance(entry, tuple)]
        assert exits == [("context>", None if where == "aexit" else "CancelledError")]


def test_a_skip_is_restored_when_the_task_is_cancelled() -> None:
    log: list[Any] = []
    Service = make_service(log)

    @Service.fetch.bind
    @hook
    def audit(self: Any, value: int) -> None:
        log.append("audit")

    async def skipping() -> None:
        with Service.fetch.skip_hooks():
            await asyncio.sleep(3600)

    async def scenario() -> None:
        task = asyncio.ensure_future(skipping())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await Service().fetch(1)

    run(scenario())
    assert log[0] == "audit"


# --------------------------------------------------------------------------- concurrency


def test_gather_of_a_thousand_calls_runs_each_calls_hooks_once() -> None:
    log: list[Any] = []

    @support_hooks
    class Service:
        @slot
        async def fetch(self, value: int) -> int:
            await asyncio.sleep(0)
            return value

    @Service.fetch.bind
    @hook
    async def before(self: Any, value: int) -> None:
        log.append(("before", value))
        await asyncio.sleep(0)

    @Service.fetch.bind
    @hook
    async def around(self: Any, value: int) -> AsyncIterator[None]:
        log.append(("around<", value))
        result = yield
        log.append(("around>", value, result))

    async def scenario() -> list[int]:
        service = Service()
        return list(await asyncio.gather(*(service.fetch(number) for number in range(1000))))

    assert run(scenario()) == list(range(1000))
    for tag in ("before", "around<"):
        assert sorted(entry[1] for entry in log if entry[0] == tag) == list(range(1000))
    assert sorted(entry[1:] for entry in log if entry[0] == "around>") == [(n, n) for n in range(1000)]


# --------------------------------------------------------------------------- binding rules


@pytest.mark.parametrize("kind", ["async def", "async generator", "async context manager class"])
def test_an_async_hook_on_a_sync_slot_is_refused_at_bind_time(kind: str) -> None:
    @support_hooks
    class Service:
        @slot
        def run(self) -> None:
            pass

    if kind == "async def":

        async def callback(self: Any) -> None:
            pass

    elif kind == "async generator":

        async def callback(self: Any) -> AsyncIterator[None]:  # type: ignore[misc]
            yield

    else:

        class callback:  # type: ignore[no-redef]
            def __init__(self, obj: Any) -> None:
                pass

            async def __aenter__(self) -> None:
                pass

            async def __aexit__(self, *exc_info: object) -> None:
                pass

    bound = hook(callback)
    with pytest.raises(
        TypeError, match=r"asynchronous .* cannot be bound to '.*Service\.run', a synchronous slot"
    ):
        Service.run.bind(bound)
    assert list(Service.run.__hooks__) == []
    assert list(bound.slots) == []
    Service().run()  # nothing half-registered


async def _async_function(self: Any, *args: Any) -> None:
    pass


def _sync_function(self: Any, *args: Any) -> None:
    pass


def _passing_on(function: Any) -> Any:
    """A sync decorator with functools.wraps: it returns what ``function`` returns."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return wrapper


def _async_shapes() -> dict[str, Any]:
    """Callables that are not ``async def`` functions themselves, yet whose call gives an awaitable."""

    @contextlib.asynccontextmanager
    async def async_context(self: Any, *args: Any) -> AsyncIterator[None]:
        yield

    class AsyncCall:
        async def __call__(self, obj: Any, *args: Any) -> None:
            pass

    class Holder:
        async def method(self, obj: Any, *args: Any) -> None:
            pass

    class Awaitable:
        def __init__(self, obj: Any, *args: Any) -> None:
            pass

        def __await__(self) -> Any:
            yield from asyncio.sleep(0).__await__()

    shapes = {
        "asynccontextmanager function": async_context,
        "partial of async def": functools.partial(_async_function),
        "partial of a partial of async def": functools.partial(functools.partial(_async_function)),
        "partial of an asynccontextmanager function": functools.partial(async_context),
        "object with async __call__": AsyncCall(),
        "bound async method": Holder().method,
        "sync wrapper of async def (__wrapped__)": _passing_on(_async_function),
        "two sync wrappers of async def": _passing_on(_passing_on(_async_function)),
        "class whose instances are awaitable": Awaitable,
        "AsyncMock": mock.AsyncMock(),
    }
    if sys.version_info >= (3, 12):

        def marked(self: Any, *args: Any) -> Any:
            return _async_function(self)

        shapes["inspect.markcoroutinefunction"] = inspect.markcoroutinefunction(marked)
    return shapes


@pytest.mark.parametrize("shape", sorted(_async_shapes()))
def test_every_shape_producing_an_awaitable_is_refused_on_a_sync_slot(shape: str) -> None:
    @support_hooks
    class Service:
        @slot
        def run(self) -> str:
            return "result"

    bound = hook(_async_shapes()[shape])
    with pytest.raises(
        TypeError, match=r"asynchronous \(.+\) and cannot be bound to '.*Service\.run', a synchronous slot"
    ):
        Service.run.bind(bound)
    assert list(Service.run.__hooks__) == []
    assert Service().run() == "result"  # nothing half-registered


def test_sync_shapes_around_sync_code_still_bind_to_a_sync_slot() -> None:
    log: list[Any] = []

    @contextlib.contextmanager
    def context(self: Any) -> Iterator[None]:
        log.append("context")
        yield

    class SyncCall:
        def __call__(self, obj: Any) -> None:
            log.append("call")

    class AsyncToSync:
        """An adapter with a sync __call__ around an async function: sync, whatever it wraps."""

        def __init__(self, function: Any) -> None:
            functools.update_wrapper(self, function)

        def __call__(self, *args: Any) -> None:
            log.append("adapter")
            asyncio.run(self.__wrapped__(*args))  # type: ignore[attr-defined]

    @support_hooks
    class Service:
        @slot
        def run(self) -> str:
            return "result"

    for callback in (
        context,
        functools.partial(_sync_function),
        SyncCall(),
        _passing_on(_sync_function),
        AsyncToSync(_async_function),
    ):
        Service.run.bind(hook(callback))
    assert Service().run() == "result"
    assert log == ["context", "call", "adapter"]


def test_a_context_manager_class_with_both_protocols_binds_to_both_kinds() -> None:
    log: list[Any] = []

    class Both:
        def __init__(self, obj: Any, *args: Any) -> None:
            pass

        def __enter__(self) -> None:
            log.append("sync")

        def __exit__(self, *exc_info: object) -> None:
            pass

        async def __aenter__(self) -> None:
            log.append("async")

        async def __aexit__(self, *exc_info: object) -> None:
            pass

    @support_hooks
    class Service:
        @slot
        def run(self) -> int:
            return 1

        @slot
        async def fetch(self) -> int:
            return 2

    both = hook(Both)
    Service.run.bind(both)
    Service.fetch.bind(both)
    assert Service().run() == 1
    assert run(Service().fetch()) == 2
    assert log == ["sync", "async"]  # an async slot prefers the async protocol


# --------------------------------------------------------------------------- tracing


def test_notice_messages_of_an_async_slot_are_the_sync_slots(notice_logs: pytest.LogCaptureFixture) -> None:
    def build(asynchronous: bool) -> Any:
        if asynchronous:

            @support_hooks
            class Service:
                @slot
                async def fetch(self, value: int) -> int:
                    return value

        else:

            @support_hooks
            class Service:  # type: ignore[no-redef]
                @slot
                def fetch(self, value: int) -> int:
                    return value

        @Service.fetch.bind
        @hook
        def audit(self: Any, value: int) -> Iterator[None]:
            yield

        return Service

    messages = []
    for asynchronous in (False, True):
        Service = build(asynchronous)
        notice_logs.clear()
        result = Service().fetch(1)
        assert (run(result) if asynchronous else result) == 1
        messages.append([record.getMessage() for record in notice_logs.records])
    assert messages[0] == messages[1]
    assert len(messages[0]) > 3


def test_trace_records_async_hook_kinds() -> None:
    log: list[Any] = []
    Service = make_service(log)
    bind_every_kind(Service, log)
    with hookfast.trace() as calls:
        run(Service().fetch(1))
    [call] = calls
    assert [(run_.hook.callback.__name__, run_.kind, run_.outcome) for run_ in call.hooks] == [
        ("sync_function", "function", "returned"),
        ("async_function", "function", "returned"),
        ("sync_generator", "generator", "replaced"),
        ("async_generator", "async generator", "replaced"),
        ("SyncContext", "context", "returned"),
        ("AsyncContext", "async context", "replaced"),
    ]


def test_the_async_dispatcher_pickles_by_reference() -> None:
    assert pickle.loads(pickle.dumps(PicklableService.fetch)) is PicklableService.fetch


@support_hooks
class PicklableService:
    @slot
    async def fetch(self) -> int:
        return 1


PicklableService.fetch.bind(hook(lambda self: None))


def test_the_first_async_slot_of_a_process_declared_inside_a_trace_block_is_traced(
    backend: str, tmp_path: Any
) -> None:
    """A fresh process: the first async slot is planned while the trace gate is already open."""
    import os
    import subprocess
    import sys

    program = """
import asyncio, hookfast
with hookfast.trace() as calls:
    @hookfast.support_hooks
    class Service:
        @hookfast.slot
        async def fetch(self):
            return 1
    Service.fetch.bind(hookfast.hook(lambda self: None))
    assert asyncio.run(Service().fetch()) == 1
assert len(calls) == 1, calls
print(hookfast.BACKEND)
"""
    env = dict(os.environ)
    env.pop("HOOKFAST_REQUIRE_EXTENSION", None)
    env.pop("HOOKFAST_NO_EXTENSIONS", None)
    if backend == "python":
        env["HOOKFAST_NO_EXTENSIONS"] = "1"
    # the hookfast this process imported, from a neutral directory (`python -c` puts the working
    # directory first on sys.path: from the project root it would import the source tree)
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False, cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == backend


# --------------------------------------------------------------------------- coroutines made before the hooks


@pytest.mark.parametrize("change", ["bind", "enable", "resume slot", "resume class", "resume all"])
def test_a_coroutine_made_while_no_hook_could_run_runs_the_hooks_in_force_when_it_runs(change: str) -> None:
    log: list[Any] = []
    Service = make_service(log)

    @hook(enabled=change != "enable")
    def on_fetch(self: Any, value: int) -> None:
        log.append("hook")

    if change != "bind":
        Service.fetch.bind(on_fetch)
    if change == "resume slot":
        Service.fetch.suspend_hooks()
    elif change == "resume class":
        Service.suspend_hooks()
    elif change == "resume all":
        hookfast.stop_all_hooks()
    try:
        early = Service().fetch(1)  # made now, while no hook can run; it runs below
        if change == "bind":
            Service.fetch.bind(on_fetch)
        elif change == "enable":
            on_fetch.enable()
        elif change == "resume slot":
            Service.fetch.resume_hooks()
        elif change == "resume class":
            Service.resume_hooks()
        else:
            hookfast.resume_all_hooks()
        assert run(early) == 2
        assert log == ["hook", "method<", "method>"]
    finally:
        hookfast.resume_all_hooks()


def test_a_coroutine_made_while_hooks_ran_runs_none_once_they_are_gone() -> None:
    log: list[Any] = []
    Service = make_service(log)
    bound = Service.fetch.bind(hook(lambda self, value: log.append("hook")))
    early = Service().fetch(1)
    Service.fetch.unbind(bound)
    assert run(early) == 2
    assert log == ["method<", "method>"]
