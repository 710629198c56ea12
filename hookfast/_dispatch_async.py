"""The call path of async slots (``@slot`` on an ``async def``), for both backends.

A call of an async slot returns a coroutine, and the hooks run when that coroutine runs, in the
task that awaits it. The rules are the sync ones (``_dispatch_py`` is their specification): order,
result chaining, suppression, ``method_name``, ``SignatureError``, tracing and the ``super()``
rule. What async adds:

- hooks may also be ``async def`` functions (awaited: their value is then treated like a sync
  hook's return value), async generators (the one-``yield`` protocol driven with ``asend``,
  ``athrow`` and ``aclose``) and async context managers (``__aenter__``/``__aexit__``, with a sync or
  ``async def`` ``process_result``);
- the entered contexts are exited with ``contextlib.AsyncExitStack``'s rules, so a cancellation
  (``asyncio.CancelledError``) exits every one of them and then propagates;
- a call reached from below (the ``super()`` rule's ``POSITION_REACHED``) is recorded in a context
  variable instead of a thread's stack, so that tasks interleaving on one thread stay apart.

Written once, in Python, for both backends: an async call already creates and drives coroutine
objects, which cost more than the Python-level loop here, and one implementation cannot drift.
The sync call path's per-hook helpers (``_call_hook``, ``GeneratorContext``,
``_fix_exception_context``) come from ``_dispatch_py``; they read ``HookCall`` and ``Dispatcher``
attributes only, so they serve either backend's objects. Compiling this path as a twin is the
known next step for speed (docs/performance.md).
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncGenerator, Coroutine
from contextlib import AbstractAsyncContextManager
from types import CoroutineType

from hookfast import _dispatch, logs
from hookfast import _dispatch_py as _sync
from hookfast._dispatch_py import GeneratorContext, _call_hook, _fix_exception_context, _look_like_function
from hookfast._kinds import (
    POSITION_DELEGATED,
    POSITION_MOST_DERIVED,
    POSITION_REACHED,
    RESULT_ASYNC_CONTEXT,
    RESULT_ASYNC_GENERATOR,
    RESULT_AWAITABLE,
    RESULT_GENERATOR,
    RESULT_NONE,
    RESULT_VALUE,
)
from hookfast._scope import scoped_calls
from hookfast._tracer import tracer_for_call

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

    from hookfast._tracer import CallTracer

__all__ = ["async_dispatcher"]

_NOT_FOUND = object()

# The gate of the slow lane, as in _dispatch_py (set_gate swaps it; a global read costs nothing).
_gate = logs.notice_enabled


def _always() -> bool:
    return True


def set_gate(open_: bool) -> None:
    """Hold the gate open while some ``hookfast.trace()`` block or scoped skip is active."""
    global _gate
    _gate = _always if open_ else logs.notice_enabled


with _dispatch.gate_lock:  # imported inside a trace() block or a scoped skip: the gate is open
    set_gate(_dispatch.gate_is_open())


_RESULT_KIND_CACHE_SIZE = 1024
_result_kinds: dict[type, int] = {}

#: The async calls in progress of slots reached from below in this task: (dispatcher, receiver, ...).
_in_progress: contextvars.ContextVar[tuple[Any, ...]] = contextvars.ContextVar(
    "hookfast_async_in_progress", default=()
)


def async_result_kind(result: Any) -> int:
    """Classify a hook's non-``None`` return value on an async slot, once per type."""
    result_type = type(result)
    kind = _result_kinds.get(result_type)
    if kind is None:
        if isinstance(result, Coroutine):
            kind = RESULT_AWAITABLE
        elif isinstance(result, AsyncGenerator):
            kind = RESULT_ASYNC_GENERATOR
        elif isinstance(result, AbstractAsyncContextManager):  # before the sync protocol: preferred
            kind = RESULT_ASYNC_CONTEXT
        else:
            kind = _sync.result_kind(result)  # a generator, a context manager or a value
        if len(_result_kinds) >= _RESULT_KIND_CACHE_SIZE:
            _result_kinds.clear()
        _result_kinds[result_type] = kind
    return kind


class AsyncGeneratorContext:
    """Drives an async generator returned by a hook like ``contextlib.asynccontextmanager`` does.

    The same protocol as ``GeneratorContext``: the code before the first ``yield`` runs on entry,
    ``process_result`` sends the method's result into that ``yield``, exit finishes the generator
    or throws the pending exception in. Entering and ``process_result`` are inline in
    :func:`call_with_hooks` and :func:`_process_result` (a coroutine per step costs a frame each).
    """

    __slots__ = ("finished", "first_value", "generator")

    def __init__(self, generator: AsyncGenerator[Any, Any]) -> None:
        self.generator = generator
        self.first_value: Any = None
        # A finished generator is left alone on exit: CPython's athrow() on an exhausted async
        # generator returns instead of raising, unlike a sync generator's throw().
        self.finished = False

    async def exit(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        # A copy of contextlib._AsyncGeneratorContextManager.__aexit__ (3.12).
        generator = self.generator
        if exc is None:
            try:
                await generator.asend(None)
            except StopAsyncIteration:
                return False
            try:
                raise RuntimeError("generator didn't stop")
            finally:
                await generator.aclose()
        try:
            await generator.athrow(exc)
        except StopAsyncIteration as stop:
            return stop is not exc
        except RuntimeError as error:
            if error is exc:
                error.__traceback__ = traceback
                return False
            if isinstance(exc, (StopIteration, StopAsyncIteration)) and error.__cause__ is exc:
                exc.__traceback__ = traceback
                return False
            raise
        except BaseException as error:
            if error is not exc:
                raise
            error.__traceback__ = traceback
            return False
        try:
            raise RuntimeError("generator didn't stop after athrow()")
        finally:
            await generator.aclose()


async def unwind(
    contexts: list[tuple[Any, Any, bool]], exc: BaseException | None, tracer: CallTracer | None
) -> bool:
    """Exit the entered contexts in reverse order with ``contextlib.AsyncExitStack``'s rules.

    Returns True if ``exc`` (not None) was suppressed by one of them; raises whatever exception
    an exit raised last; returns False if ``exc`` must be re-raised by the caller.
    """
    frame_exc = exc
    received = exc is not None
    suppressed = False
    pending_raise = False
    for hook_call, context, is_async in reversed(contexts):
        try:
            # the exits inline, not in a helper coroutine: each coroutine costs a frame per call
            if not is_async:
                exit_suppresses = _sync._exit_context(context, exc)
            elif type(context) is AsyncGeneratorContext:
                if context.finished:  # as a finished sync generator: nothing runs, nothing suppressed
                    exit_suppresses = False
                elif exc is None:
                    exit_suppresses = await context.exit(None, None, None)
                else:
                    exit_suppresses = await context.exit(type(exc), exc, exc.__traceback__)
            elif exc is None:
                exit_suppresses = bool(await type(context).__aexit__(context, None, None, None))
            else:
                exit_suppresses = bool(
                    await type(context).__aexit__(context, type(exc), exc, exc.__traceback__)
                )
        except BaseException as new_exc:
            if tracer is not None:
                tracer.exit_raised(hook_call, new_exc)
            _fix_exception_context(new_exc, exc, frame_exc)
            pending_raise = True
            exc = new_exc
            continue
        if tracer is not None:
            tracer.exited(hook_call, exit_suppresses and exc is not None)
        if exit_suppresses:
            suppressed = True
            pending_raise = False
            exc = None
    if pending_raise:
        assert exc is not None
        fixed_context = exc.__context__
        try:
            raise exc
        except BaseException:
            exc.__context__ = fixed_context
            raise
    return received and suppressed


class _Awaited:
    """A value an ``async def`` hook's coroutine returned, handed from the lean loop to the general
    path: it is the hook's result, not something to await again."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


async def _process_result(
    hook_call: Any, context: Any, result: Any, tracer: CallTracer | None, indent: int
) -> Any:
    """``process_result`` of an entered async context: an async generator, or an async context
    manager that has the method (sync or ``async def``)."""
    if tracer is not None:
        tracer.processing_result(indent, hook_call)
    try:
        if type(context) is AsyncGeneratorContext:
            try:
                new_result = await context.generator.asend(result)
            except StopAsyncIteration:
                context.finished = True
                new_result = context.first_value  # `yield value` alone: the value yielded on entry
        else:
            new_result = context.process_result(result)
            if isinstance(new_result, Coroutine):  # an async def process_result
                new_result = await new_result
    except Exception:
        logs.log_process_result_error(hook_call.hook)
        raise
    if tracer is not None:
        tracer.result_processed(indent, hook_call, result, new_result)
    if new_result is None:
        return result
    return new_result


async def call_with_hooks(
    dispatcher: Any,
    calls: tuple[Any, ...],
    start: int,
    first_value: Any,
    tracer: CallTracer | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run one async slot call: hooks in order, the awaited method, result chaining, unwinding.

    The hooks before ``start`` already ran and returned None; hook ``start`` returned
    ``first_value`` (or is still to be called if that is None; an :class:`_Awaited` if it was an
    ``async def`` hook already awaited).
    """
    count = len(calls)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    contexts: list[tuple[Any, Any, bool]] | None = None
    replaced_by: Any = None
    replacement: Any = None
    indent = 0
    try:
        for number in range(start, count):
            hook_call = calls[number]
            if tracer is not None:
                tracer.calling_hook(hook_call, indent, number + 1, count)
            if number == start and first_value is not None:
                value = first_value
            else:
                value = _call_hook(dispatcher, hook_call, args, kwargs)
            kind = RESULT_NONE
            if value is not None:
                if type(value) is _Awaited:
                    value = value.value
                    kind = async_result_kind(value)
                    if kind == RESULT_AWAITABLE:
                        kind = RESULT_VALUE  # a coroutine returned by a coroutine is a result
                else:
                    kind = async_result_kind(value)
                    if kind == RESULT_AWAITABLE:
                        try:
                            value = await value
                        except Exception:
                            logs.log_hook_error(hook_call.hook)
                            raise
                        if value is not None:
                            kind = async_result_kind(value)
                            if kind == RESULT_AWAITABLE:
                                kind = RESULT_VALUE
            if value is None:
                if tracer is not None:
                    tracer.hook_returned(indent, RESULT_NONE)
                continue
            if tracer is not None:
                tracer.hook_returned(indent, kind)
            if kind == RESULT_VALUE:
                replaced_by = hook_call
                replacement = value
                continue
            is_async = kind in (RESULT_ASYNC_CONTEXT, RESULT_ASYNC_GENERATOR)
            if kind == RESULT_GENERATOR:
                context: Any = GeneratorContext(value)
                context.enter()
            elif kind == RESULT_ASYNC_GENERATOR:
                context = AsyncGeneratorContext(value)
                try:  # AsyncGeneratorContext.enter, inline
                    context.first_value = await value.asend(None)
                except StopAsyncIteration:
                    context.finished = True
            else:
                context = value
                context_type = type(value)
                enter_name, exit_name = ("__aenter__", "__aexit__") if is_async else ("__enter__", "__exit__")
                enter = getattr(context_type, enter_name, None)
                if enter is None or getattr(context_type, exit_name, None) is None:
                    raise TypeError(
                        f"'{context_type.__qualname__}' object does not support the "
                        f"{'asynchronous ' if is_async else ''}context manager protocol"
                    )
                if is_async:
                    await enter(value)
                else:
                    enter(value)
            if contexts is None:
                contexts = []
            contexts.append((hook_call, context, is_async))
            indent += 2
        if tracer is not None:
            tracer.calling_original(dispatcher.slot, indent)
        result = await dispatcher.function(*args, **kwargs)
        if tracer is not None:
            tracer.original_returned(indent, result)
        if replaced_by is not None:
            if tracer is not None:
                tracer.result_replaced(result, replaced_by)
            result = replacement
        if contexts is not None:
            indent = 0
            for hook_call, context, is_async in contexts:
                if not is_async:  # a sync context: no coroutine to make
                    result = _sync._process_result(hook_call, context, result, tracer, indent)
                elif type(context) is AsyncGeneratorContext or hasattr(context, "process_result"):
                    result = await _process_result(hook_call, context, result, tracer, indent)
                indent += 2
    except BaseException as exc:
        if tracer is not None:
            tracer.raised(exc)
        if contexts is None or not await unwind(contexts, exc, tracer):
            raise
        return None  # a context suppressed the exception, as an `async with` block would
    if contexts is not None:
        await unwind(contexts, None, tracer)
    return result


def _dispatcher_of(found: Any) -> Any:
    """The dispatcher of the slot whose own object a class attribute ``found`` is, if any."""
    target = found.__func__ if type(found) is classmethod or type(found) is staticmethod else found
    try:
        resolved = getattr(getattr(target, "__hooks__", None), "dispatcher", None)
    except Exception:  # exotic class attributes whose __getattr__ raises anything
        return None
    if resolved is None or (found is not resolved.active_value and found is not resolved.original_value):
        return None  # not a slot, or a functools.wraps copy of a slot function
    return resolved


def _position(dispatcher: Any, receiver: Any) -> int:
    """The super() rule of ``_dispatch_py._position``, with this task's calls in progress."""
    if dispatcher.receives_class:
        if not isinstance(receiver, type):
            return POSITION_MOST_DERIVED
        owner = receiver
    else:
        owner = type(receiver)
    name = dispatcher.name
    for klass in owner.__mro__:
        found = klass.__dict__.get(name, _NOT_FOUND)
        if found is not _NOT_FOUND:
            break
    if found is _NOT_FOUND or found is dispatcher.active_value or found is dispatcher.original_value:
        return POSITION_MOST_DERIVED
    if dispatcher.has_children:
        resolved = _dispatcher_of(found)
        if resolved is not None and dispatcher in resolved.parents:
            return POSITION_DELEGATED
        stack = _in_progress.get()
        for index in range(len(stack) - 2, -1, -2):
            if stack[index + 1] is receiver and dispatcher in stack[index].parents:
                return POSITION_DELEGATED
    return POSITION_REACHED


async def _call_reached(
    dispatcher: Any, calls: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A hooked call of an async slot reached from below, recorded in this task if it has parents."""
    tracer = None
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if not calls:
            return await dispatcher.function(*args, **kwargs)
        tracer = tracer_for_call()
    if not dispatcher.parents:
        return await call_with_hooks(dispatcher, calls, 0, None, tracer, args, kwargs)
    token = _in_progress.set((*_in_progress.get(), dispatcher, args[0]))
    try:
        return await call_with_hooks(dispatcher, calls, 0, None, tracer, args, kwargs)
    finally:
        _in_progress.reset(token)


def async_dispatcher(dispatcher: Any) -> Callable[..., Coroutine[Any, Any, Any]]:
    """The async slot call through ``dispatcher``: what the class holds while some hook can run.

    An ``async def`` closure over one dispatcher, so ``inspect.iscoroutinefunction`` holds and
    nothing runs before the coroutine does: the hooks in force then are the ones that run.
    """
    function = dispatcher.function

    async def async_slot_dispatcher(*args: Any, **kwargs: Any) -> Any:
        calls = dispatcher.calls
        if not calls:
            return await function(*args, **kwargs)
        if dispatcher.in_hierarchy and args:
            position = _position(dispatcher, args[0])
            if position == POSITION_DELEGATED:
                if _gate():
                    logs.trace_super_call(dispatcher.slot)
                return await function(*args, **kwargs)
            if position == POSITION_REACHED:
                return await _call_reached(dispatcher, calls, args, kwargs)
        if _gate():
            calls = scoped_calls(dispatcher, calls)
            if not calls:
                return await function(*args, **kwargs)
            return await call_with_hooks(dispatcher, calls, 0, None, tracer_for_call(), args, kwargs)
        # The common case, lean: sync hooks that return None. The first hook returning something
        # (a value, a coroutine, a context) hands over to the general path.
        count = len(calls)
        index = 0
        value = None
        while index < count:
            hook_call = calls[index]
            value = _call_hook(dispatcher, hook_call, args, kwargs)
            if value is not None:
                if type(value) is not CoroutineType:
                    break
                try:  # an async def hook: awaited here, so that None keeps the loop lean
                    value = await value
                except Exception:
                    logs.log_hook_error(hook_call.hook)
                    raise
                if value is not None:
                    value = _Awaited(value)
                    break
            index += 1
        if index < count:
            return await call_with_hooks(dispatcher, calls, index, value, None, args, kwargs)
        return await function(*args, **kwargs)

    _look_like_function(async_slot_dispatcher, dispatcher.slot.function)
    return async_slot_dispatcher
