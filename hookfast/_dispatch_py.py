"""The hot path in pure Python: calling a slot's active hooks around its original method.

This module is the readable specification of a slot call, sync and async; ``_dispatch_c.pyx`` is
its compiled twin. The two keep the same top-level names in the same order, and the same
statements in each function (``scripts/check_twins.py`` fails CI otherwise), except inside blocks
fenced by ``# --- only in this twin`` comments. Everything that is not on the call path
(registration, states, ordering, wrapping for the class, the ``super()`` rule's inputs, the
generated code, error messages) lives in the thin layer, once; see ``docs/architecture.md``.

Most calls do not come here: while every active hook binds the slot's arguments the same way by
position or keyword, the slot function runs code generated for its hooks (``hookfast._codegen``),
which hands over to :func:`call_with_hooks` / :func:`call_with_hooks_async` only for what it does
not handle inline (a hook returning a value, a gate that is open, an exception). The helpers at
the end of this module are what that code calls.

Interface (``hookfast._interfaces.Backend``):

- ``HookCall(hook, callback, method_name)``: one active hook of one slot, ready to call.
- ``Dispatcher(slot)``: the call machinery of one slot declaration. ``dispatcher.calls`` is the
  tuple of ``HookCall`` the next call runs (the registry replaces it whenever it changes);
  ``dispatcher.callable`` is the general path of a call with the caller's arguments.
- ``dispatch_async(dispatcher, args, kwargs)``: the general path of an async slot call.
"""

from __future__ import annotations

import contextvars
import operator
import sys
import threading
from collections.abc import AsyncGenerator, Coroutine, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, suppress
from types import CoroutineType, FunctionType, MethodType

from hookfast import logs
from hookfast._kinds import (
    POSITION_DELEGATED,
    POSITION_MOST_DERIVED,
    POSITION_REACHED,
    RESULT_ASYNC_CONTEXT,
    RESULT_ASYNC_GENERATOR,
    RESULT_AWAITABLE,
    RESULT_CONTEXT,
    RESULT_GENERATOR,
    RESULT_NONE,
    RESULT_VALUE,
    SLOT_CLASSMETHOD,
)
from hookfast._scope import scoped_calls
from hookfast._tracer import tracer_for_call
from hookfast.exceptions import diagnose_hook_call

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

    from hookfast._tracer import CallTracer

__all__ = [
    "BACKEND",
    "SETS_CLOSURES",
    "Dispatcher",
    "HookCall",
    "dispatch_async",
    "generated_code_helpers",
    "install_code",
    "set_gate",
]

BACKEND = "python"

# --- only in this twin: what the compiled twin does with the C API ---

# The gate of the call path's slow lane (tracing, scoped skips): the NOTICE check alone, or always
# open while some trace() block or scoped skip is active (set_gate swaps it, so that otherwise a
# call pays nothing more than the NOTICE check it always made).
_gate = logs.notice_enabled  # one global look-up per call instead of two
_thread_state = threading.local()
#: what :func:`_type_lookup` finds when no class of the MRO has the name (C: a NULL pointer)
NULL = object()
#: ``PyDict_GetItemWithError``: the value, or None if the key is absent
_lookup = dict.get
#: the defaults of a Python function, compared by identity with another's
_defaults = operator.attrgetter("__defaults__")
_kwdefaults = operator.attrgetter("__kwdefaults__")


def _look_like_function(dispatch: Callable[..., Any], function: Callable[..., Any]) -> None:
    """Dress ``dispatch`` as the slot's function and share its attribute dict (bind, __hooks__,
    whatever users set), so the class attribute behaves the same whichever object it holds."""
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        with suppress(AttributeError):
            setattr(dispatch, attribute, getattr(function, attribute))
    dispatch.__dict__ = function.__dict__  # @slot accepts only callables with one
    annotations = getattr(function, "__annotations__", None)
    if type(annotations) is dict:
        dispatch.__annotations__ = annotations


def _always() -> bool:
    return True


_ENTER = "__enter__"
_EXIT = "__exit__"


def _type_lookup(owner: type, name: str) -> Any:
    """``_PyType_Lookup``: what the class's MRO holds as ``name``, no descriptor called; NULL if nothing."""
    for klass in owner.__mro__:
        found = klass.__dict__.get(name, NULL)
        if found is not NULL:
            return found
    return NULL


def _class_attribute(owner: type, name: str) -> Any:
    """``getattr(owner, name, None)``, as ExitStack reads ``__enter__``/``__exit__`` (the compiled
    twin first looks for a plain function in the MRO)."""
    return getattr(owner, name, None)


def _pack(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    # the compiled twin packs its argument array as (args, kwargs); here they come so
    return args, kwargs


def _invoke_hook(hook_call: HookCall, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    # The hook called with the caller's arguments; ``method_name=`` added when it asks.
    if hook_call.method_name is None:
        return hook_call.callback(*args, **kwargs)
    return hook_call.callback(*args, method_name=hook_call.method_name, **kwargs)


def _call_hook_packed(
    dispatcher: Dispatcher, hook_call: HookCall, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    # the compiled twin's _call_hook takes the caller's argument array; here it takes these
    return _call_hook(dispatcher, hook_call, args, kwargs)


def _call_with_hooks_packed(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    tracer: CallTracer | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    entered: list[tuple[HookCall, Any]] | None,
) -> Any:
    # the compiled twin's call_with_hooks takes the caller's argument array; here it takes these
    return call_with_hooks(dispatcher, calls, start, first_value, tracer, args, kwargs, entered)


def _slot_dispatcher(target: Any) -> Any:
    # what stands behind a class attribute carrying a slot's marker
    return getattr(getattr(target, "__hooks__", None), "dispatcher", None)


class _CallableDispatch:
    """What the class holds for a slot whose callable is not a Python function (a
    ``functools.lru_cache`` wrapper, a callable object): the dispatcher closure, called through an
    object that forwards what the callable has outside its attribute dict (``cache_clear()``, its
    methods), as the compiled twin's ``Dispatcher`` does; a closure cannot."""

    __slots__ = ("__dict__", "__weakref__", "_dispatch", "_function")

    def __init__(self, dispatch: Callable[..., Any], function: Callable[..., Any]) -> None:
        self._dispatch = dispatch
        self._function = function
        self.__dict__ = function.__dict__  # @slot accepts only callables with one

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._dispatch(*args, **kwargs)

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self if instance is None else MethodType(self, instance)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._function, name)

    # the two names the class itself defines, forwarded like the rest (__name__ and __qualname__
    # are not class attributes: they reach the shared dict or __getattr__)
    __module__ = property(lambda self: self._function.__module__)
    __doc__ = property(lambda self: self._function.__doc__)

    def __reduce__(self) -> str:
        # as pickle does for a function: by reference to its qualified name in its module
        return self._function.__qualname__

    def __copy__(self) -> _CallableDispatch:
        return self

    def __deepcopy__(self, memo: object) -> _CallableDispatch:
        return self

    def __repr__(self) -> str:
        return f"<hookfast slot dispatcher {self._function.__qualname__!r}>"


def _function_like(dispatch: Callable[..., Any], function: Callable[..., Any]) -> Callable[..., Any]:
    """``dispatch`` dressed as the slot's ``function``: what the class holds while hooks can run."""
    _look_like_function(dispatch, function)
    if type(function) is FunctionType:
        return dispatch
    return _CallableDispatch(dispatch, function)


#: Whether :func:`install_code` can give a function a closure of another size (a C-only power).
SETS_CLOSURES = False


def install_code(function: Any, code: Any, closure: tuple[Any, ...] | None) -> None:
    """Make ``function`` run ``code``; its closure cannot change here (``closure`` is its own)."""
    function.__code__ = code


# --- end of only in this twin ---

#: The async calls in progress of slots reached from below in this task: (dispatcher, receiver, ...).
_async_in_progress: contextvars.ContextVar[tuple[Any, ...]] = contextvars.ContextVar(
    "hookfast_async_in_progress", default=()
)


#: Whether some ``hookfast.trace()`` block or scoped skip is active (see :func:`set_gate`).
_gate_open = False


def set_gate(open_: bool) -> None:
    """Hold the gate open while some ``hookfast.trace()`` block or scoped skip is active."""
    global _gate_open
    _gate_open = open_
    # --- only in this twin: _gate is swapped, so that a call makes one call to know ---
    global _gate
    _gate = _always if _gate_open else logs.notice_enabled
    # --- end of only in this twin ---


_RESULT_KIND_CACHE_SIZE = 1024
_result_kinds: dict[type, int] = {}
_async_result_kinds: dict[type, int] = {}


def result_kind(result: Any) -> int:
    """Classify a hook's non-``None`` return value, as onETL does, with one dict look-up per call."""
    result_type = type(result)
    cached = _lookup(_result_kinds, result_type)
    if cached is not None:
        return cached
    # isinstance() against these ABCs walks their registries and subclass hooks: do it once per
    # type. The cache is bounded so that types created on the fly cannot pile up.
    if isinstance(result, Generator):
        kind = RESULT_GENERATOR
    elif isinstance(result, AbstractContextManager):
        kind = RESULT_CONTEXT
    else:
        kind = RESULT_VALUE
    if len(_result_kinds) >= _RESULT_KIND_CACHE_SIZE:
        _result_kinds.clear()
    _result_kinds[result_type] = kind
    return kind


def async_result_kind(result: Any) -> int:
    """Classify a hook's non-``None`` return value on an async slot, once per type."""
    result_type = type(result)
    cached = _lookup(_async_result_kinds, result_type)
    if cached is not None:
        return cached
    if isinstance(result, Coroutine):
        kind = RESULT_AWAITABLE
    elif isinstance(result, AsyncGenerator):
        kind = RESULT_ASYNC_GENERATOR
    elif isinstance(result, AbstractAsyncContextManager):  # before the sync protocol: preferred
        kind = RESULT_ASYNC_CONTEXT
    else:
        kind = result_kind(result)  # a generator, a context manager or a value
    if len(_async_result_kinds) >= _RESULT_KIND_CACHE_SIZE:
        _async_result_kinds.clear()
    _async_result_kinds[result_type] = kind
    return kind


class HookCall:
    """One hook of one slot, with what calling it needs, prepared when the slot's hooks change."""

    __slots__ = ("callback", "hook", "method_name")

    def __init__(self, hook: Any, callback: Callable[..., Any], method_name: str | None) -> None:
        self.hook = hook
        self.callback = callback
        #: the slot's name if the callback declares a ``method_name`` parameter, else None
        self.method_name = method_name

    def __reduce__(self) -> tuple[Any, ...]:
        return (HookCall, (self.hook, self.callback, self.method_name))


class GeneratorContext:
    """Drives a generator returned by a hook like ``contextlib.contextmanager`` does.

    The code before the first ``yield`` runs on entry; ``process_result`` sends the method's result
    into that ``yield``; exit advances the generator to its end, or throws the pending exception in.
    """

    __slots__ = ("first_value", "generator")

    def __init__(self, generator: Generator[Any, Any, Any], first_value: Any = None) -> None:
        self.generator = generator
        #: what the generator yielded on entry (generated code enters it itself and passes it)
        self.first_value: Any = first_value

    def enter(self) -> None:
        # --- only in this twin: a StopIteration caught ---
        try:
            self.first_value = self.generator.send(None)
        except StopIteration:  # a generator that yields nothing: no value, no effect
            return
        # --- end of only in this twin ---

    def process_result(self, result: Any) -> Any:
        # --- only in this twin: a StopIteration caught ---
        try:
            return self.generator.send(result)
        except StopIteration:
            # `yield value` alone: the value yielded on entry replaces the result
            return self.first_value
        # --- end of only in this twin ---

    def exit(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        # A copy of contextlib._GeneratorContextManager.__exit__ (3.12), as onETL 0.17 uses.
        generator = self.generator
        if exc is None:
            # --- only in this twin: a StopIteration caught ---
            try:
                next(generator)
            except StopIteration:
                return False
            # --- end of only in this twin ---
            try:
                raise RuntimeError("generator didn't stop")
            finally:
                generator.close()
        try:
            generator.throw(exc)
        except StopIteration as stop:
            return stop is not exc
        except RuntimeError as error:
            if error is exc:
                error.__traceback__ = traceback
                return False
            if isinstance(exc, StopIteration) and error.__cause__ is exc:
                exc.__traceback__ = traceback
                return False
            raise
        except BaseException as error:
            if error is not exc:
                raise
            error.__traceback__ = traceback
            return False
        try:
            raise RuntimeError("generator didn't stop after throw()")
        finally:
            generator.close()


class AsyncGeneratorContext:
    """Drives an async generator returned by a hook like ``contextlib.asynccontextmanager`` does.

    The protocol of :class:`GeneratorContext`: the code before the first ``yield`` runs on entry,
    ``process_result`` sends the method's result into that ``yield``, exit finishes the generator or
    throws the pending exception in. Entering and ``process_result`` are inline in
    :func:`call_with_hooks_async` and :func:`_process_result_async`.
    """

    __slots__ = ("finished", "first_value", "generator")

    def __init__(self, generator: AsyncGenerator[Any, Any], first_value: Any = None, finished: bool = False) -> None:
        self.generator = generator
        self.first_value: Any = first_value
        # A finished generator is left alone on exit: CPython's athrow() on an exhausted async
        # generator returns instead of raising, unlike a sync generator's throw().
        self.finished = finished

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


class Awaited:
    """A value an ``async def`` hook's coroutine returned, handed to the general path: the hook's
    result, not something to await again."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _exit_context(context: Any, exc: BaseException | None) -> bool:
    if type(context) is GeneratorContext:
        if exc is None:
            return context.exit(None, None, None)
        return context.exit(type(exc), exc, exc.__traceback__)
    exit_method = _class_attribute(type(context), _EXIT)
    if exit_method is None:  # deleted from the class since it was entered
        raise AttributeError(_EXIT)
    if exc is None:
        return bool(exit_method(context, None, None, None))
    return bool(exit_method(context, type(exc), exc, exc.__traceback__))


async def _exit_context_async(context: Any, exc: BaseException | None) -> bool:
    if type(context) is AsyncGeneratorContext:
        if context.finished:  # as a finished sync generator: nothing runs, nothing suppressed
            return False
        if exc is None:
            return await context.exit(None, None, None)
        return await context.exit(type(exc), exc, exc.__traceback__)
    if exc is None:
        return bool(await type(context).__aexit__(context, None, None, None))
    return bool(await type(context).__aexit__(context, type(exc), exc, exc.__traceback__))


def _handled_exception() -> BaseException | None:
    """The exception being handled where this is called (``sys.exc_info()[1]``)."""
    # --- only in this twin: sys.exc_info() (the compiled twin reads the thread state in C) ---
    return sys.exc_info()[1]
    # --- end of only in this twin ---


def _fix_exception_context(new_exc: BaseException, old_exc: BaseException | None, frame_exc: Any) -> None:
    # As in contextlib.ExitStack: make the chain look as if the contexts were nested `with`s.
    while True:
        exc_context = new_exc.__context__
        if exc_context is None or exc_context is old_exc:
            return
        if exc_context is frame_exc:
            break
        new_exc = exc_context
    new_exc.__context__ = old_exc


def _reraise(exc: BaseException) -> None:
    """Raise ``exc`` keeping the ``__context__`` the exits gave it (raising would replace it)."""
    fixed_context = exc.__context__
    try:
        raise exc
    except BaseException:
        exc.__context__ = fixed_context
        raise


def unwind(
    contexts: list[tuple[Any, Any]],
    exc: BaseException | None,
    tracer: CallTracer | None,
    pending_raise: bool = False,
) -> bool:
    """Exit the entered contexts in reverse order with ``contextlib.ExitStack``'s rules.

    Returns True if ``exc`` (not None) was suppressed by one of them; raises whatever exception
    an exit raised last; returns False if ``exc`` must be re-raised by the caller. With
    ``pending_raise``, ``exc`` was raised by an exit before these (on the way out of a call that
    succeeded): it is raised at the end unless one of these exits suppresses it.
    """
    received = exc is not None and not pending_raise
    # The exception being handled where the contexts are exited, which ExitStack reads from
    # sys.exc_info(): ``exc`` when unwinding from an error, else whatever the slot's caller is
    # handling (a call made in an except block, or from another call's exit).
    frame_exc = exc if received else _handled_exception()
    suppressed = False
    for hook_call, context in reversed(contexts):
        try:
            exit_suppresses = _exit_context(context, exc)
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
        _reraise(exc)
    return received and suppressed


def _coroutine_raised(exc: StopIteration) -> RuntimeError:
    """What a StopIteration leaving a coroutine becomes, worded as CPython words it (raised
    ``from`` it by the caller): a compiled coroutine would say "generator raised StopIteration"."""
    return RuntimeError("coroutine raised StopIteration")


async def unwind_async(
    contexts: list[tuple[Any, Any, bool]],
    exc: BaseException | None,
    tracer: CallTracer | None,
    pending_raise: bool = False,
) -> bool:
    """:func:`unwind` for an async slot: ``contextlib.AsyncExitStack``'s rules."""
    received = exc is not None and not pending_raise
    frame_exc = exc if received else _handled_exception()
    suppressed = False
    for hook_call, context, is_async in reversed(contexts):
        try:
            if is_async:
                exit_suppresses = await _exit_context_async(context, exc)
            else:  # in this frame, as AsyncExitStack runs it: not in a coroutine of its own
                exit_suppresses = _exit_context(context, exc)
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
        try:
            _reraise(exc)
        except StopIteration as stop:
            raise _coroutine_raised(stop) from stop
    return received and suppressed


def _hook_error(
    dispatcher: Dispatcher, hook_call: HookCall, exc: Exception, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Exception | None:
    """A hook raised ``exc``: the SignatureError to raise instead, or None after logging ``exc``."""
    signature_error = None
    if isinstance(exc, TypeError):
        signature_error = diagnose_hook_call(
            dispatcher.function, hook_call.callback, hook_call.method_name, args, kwargs
        )
    if signature_error is None:
        logs.log_hook_error(hook_call.hook)
    return signature_error


def _call_hook(
    dispatcher: Dispatcher, hook_call: HookCall, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    try:
        return _invoke_hook(hook_call, args, kwargs)
    except Exception as exc:
        positional, keywords = _pack(args, kwargs)
        signature_error = _hook_error(dispatcher, hook_call, exc, positional, keywords)
        if signature_error is None:
            raise
        raise signature_error from signature_error.__cause__


def _process_result(
    hook_call: HookCall, context: Any, result: Any, tracer: CallTracer | None, indent: int
) -> Any:
    if type(context) is GeneratorContext:
        if tracer is not None:
            tracer.processing_result(indent, hook_call)
        try:
            new_result = context.process_result(result)
        except Exception:
            logs.log_process_result_error(hook_call.hook)
            raise
    else:
        process_result = getattr(context, "process_result", None)
        if process_result is None:
            return result
        if tracer is not None:
            tracer.processing_result(indent, hook_call)
        try:
            new_result = process_result(result)
        except Exception:
            logs.log_process_result_error(hook_call.hook)
            raise
    if tracer is not None:
        tracer.result_processed(indent, hook_call, result, new_result)
    if new_result is None:
        return result
    return new_result


async def _process_result_async(
    hook_call: HookCall, context: AsyncGeneratorContext, result: Any, tracer: CallTracer | None, indent: int
) -> Any:
    """``process_result`` of an entered async generator: sends the result in."""
    if tracer is not None:
        tracer.processing_result(indent, hook_call)
    try:
        try:
            new_result = await context.generator.asend(result)
        except StopAsyncIteration:
            context.finished = True
            new_result = context.first_value  # `yield value` alone: the value yielded on entry
    except Exception:
        logs.log_process_result_error(hook_call.hook)
        raise
    if tracer is not None:
        tracer.result_processed(indent, hook_call, result, new_result)
    if new_result is None:
        return result
    return new_result


def _enter(value: Any, kind: int) -> Any:
    """Enter a hook's generator or context manager; returns the context to exit later."""
    if kind == RESULT_GENERATOR:
        context: Any = GeneratorContext(value)
        context.enter()
        return context
    context_type = type(value)
    enter = _class_attribute(context_type, _ENTER)
    if enter is None or _class_attribute(context_type, _EXIT) is None:
        raise TypeError(f"'{context_type.__qualname__}' object does not support the context manager protocol")
    enter(value)
    return value


def call_with_hooks(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    tracer: CallTracer | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    entered: list[tuple[HookCall, Any]] | None = None,
) -> Any:
    """Run one slot call: hooks in order, the original method, result chaining, unwinding.

    The hooks before ``start`` already ran and returned None, or were entered: ``entered`` holds
    their contexts; hook ``start`` returned ``first_value`` (or is still to be called if that is
    None).
    """
    count = len(calls)
    contexts = entered
    replaced_by: HookCall | None = None
    replacement: Any = None
    indent = 0 if contexts is None else 2 * len(contexts)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    try:
        for number in range(start, count):
            hook_call = calls[number]
            if tracer is not None:
                tracer.calling_hook(hook_call, indent, number + 1, count)
            if number == start and first_value is not None:
                value = first_value
            else:
                value = _call_hook(dispatcher, hook_call, args, kwargs)
            if value is None:
                if tracer is not None:
                    tracer.hook_returned(indent, RESULT_NONE)
                continue
            kind = result_kind(value)
            if tracer is not None:
                tracer.hook_returned(indent, kind)
            if kind == RESULT_VALUE:
                replaced_by = hook_call
                replacement = value
                continue
            context = _enter(value, kind)
            if contexts is None:
                contexts = []
            contexts.append((hook_call, context))
            indent += 2
        if tracer is not None:
            tracer.calling_original(dispatcher.slot, indent)
        _sync_defaults(dispatcher)  # a hook may have assigned them
        result = dispatcher.function(*args, **kwargs)
        if tracer is not None:
            tracer.original_returned(indent, result)
        if replaced_by is not None:
            if tracer is not None:
                tracer.result_replaced(result, replaced_by)
            result = replacement
        if contexts is not None:
            indent = 0
            for entry in contexts:  # (hook call, context)
                result = _process_result(entry[0], entry[1], result, tracer, indent)
                indent += 2
    except BaseException as exc:
        if tracer is not None:
            tracer.raised(exc)
        if contexts is None or not unwind(contexts, exc, tracer):
            raise
        return None  # a context suppressed the exception, as a `with` block would
    if contexts is not None:
        unwind(contexts, None, tracer)
    return result


async def _enter_async(value: Any, kind: int) -> Any:
    """Enter a hook's async generator or async context manager on an async slot."""
    if kind == RESULT_ASYNC_GENERATOR:
        context = AsyncGeneratorContext(value)
        try:
            context.first_value = await value.asend(None)
        except StopAsyncIteration:
            context.finished = True
        return context
    context_type = type(value)
    enter = getattr(context_type, "__aenter__", None)
    if enter is None or getattr(context_type, "__aexit__", None) is None:
        raise TypeError(
            f"'{context_type.__qualname__}' object does not support the asynchronous context manager protocol"
        )
    await enter(value)
    return value


async def call_with_hooks_async(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    tracer: CallTracer | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    entered: list[tuple[HookCall, Any, bool]] | None = None,
) -> Any:
    """Run one async slot call: hooks in order, the awaited method, result chaining, unwinding.

    As :func:`call_with_hooks`; ``first_value`` may be an :class:`Awaited` (an ``async def`` hook's
    value, already awaited). Hooks may also be ``async def`` functions (awaited), async generators
    and async context managers; contexts are exited with ``contextlib.AsyncExitStack``'s rules.
    """
    count = len(calls)
    contexts = entered
    replaced_by: HookCall | None = None
    replacement: Any = None
    indent = 0 if contexts is None else 2 * len(contexts)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    try:
        for number in range(start, count):
            hook_call = calls[number]
            if tracer is not None:
                tracer.calling_hook(hook_call, indent, number + 1, count)
            if number == start and first_value is not None:
                value = first_value
            else:
                value = _call_hook_packed(dispatcher, hook_call, args, kwargs)
            kind = RESULT_NONE
            if value is not None:
                if type(value) is Awaited:
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
            if kind == RESULT_GENERATOR or kind == RESULT_CONTEXT:
                # in this frame, as AsyncExitStack.enter_context enters it: not in a coroutine of
                # its own, where a StopIteration it raised would become a RuntimeError right away
                context = _enter(value, kind)
            else:
                context = await _enter_async(value, kind)
            if contexts is None:
                contexts = []
            contexts.append((hook_call, context, kind in (RESULT_ASYNC_CONTEXT, RESULT_ASYNC_GENERATOR)))
            indent += 2
        if tracer is not None:
            tracer.calling_original(dispatcher.slot, indent)
        _sync_defaults(dispatcher)  # a hook may have assigned them
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
                    result = _process_result(hook_call, context, result, tracer, indent)
                elif type(context) is AsyncGeneratorContext:
                    result = await _process_result_async(hook_call, context, result, tracer, indent)
                elif hasattr(context, "process_result"):
                    # an async context manager's, sync or ``async def``: called in this frame,
                    # where a StopIteration it raises stays one for the exits, as in `async with`
                    if tracer is not None:
                        tracer.processing_result(indent, hook_call)
                    try:
                        new_result = context.process_result(result)
                        if isinstance(new_result, Coroutine):
                            new_result = await new_result
                    except Exception:
                        logs.log_process_result_error(hook_call.hook)
                        raise
                    if tracer is not None:
                        tracer.result_processed(indent, hook_call, result, new_result)
                    if new_result is not None:
                        result = new_result
                indent += 2
    except BaseException as exc:
        if tracer is not None:
            tracer.raised(exc)
        if contexts is None or not await unwind_async(contexts, exc, tracer):
            if isinstance(exc, StopIteration):
                raise _coroutine_raised(exc) from exc
            raise
        return None  # a context suppressed the exception, as an `async with` block would
    if contexts is not None:
        await unwind_async(contexts, None, tracer)
    return result


def _in_progress() -> list[Any]:
    """This thread's calls in progress of slots reached from below: [dispatcher, receiver, ...]."""
    # --- only in this twin: a threading.local ---
    try:
        return _thread_state.stack  # type: ignore[no-any-return]
    except AttributeError:
        stack: list[Any] = []
        _thread_state.stack = stack
        return stack
    # --- end of only in this twin ---


def _dispatcher_of(found: Any) -> Dispatcher | None:
    """The dispatcher of the slot whose own object a class attribute ``found`` is, if any."""
    found_type = type(found)
    target = found.__func__ if found_type is classmethod or found_type is staticmethod else found
    try:
        resolved = _slot_dispatcher(target)
    except Exception:  # exotic class attributes whose __getattr__ raises anything
        return None
    if type(resolved) is not Dispatcher:
        return None
    if found is not resolved.active_value and found is not resolved.original_value:
        return None  # a functools.wraps copy of a slot function: carries __hooks__, is not the slot
    return resolved


def _position(dispatcher: Dispatcher, receiver: Any, stack: Any) -> int:
    """Apply the registry's super() rule to a call of a slot in a hierarchy (see ``_kinds``).

    ``stack`` is this thread's (or, for an async call, this task's) calls in progress of slots
    reached from below, as ``[dispatcher, receiver, ...]``, or None to read this thread's.
    """
    if dispatcher.receives_class:
        if not isinstance(receiver, type):
            return POSITION_MOST_DERIVED
        owner = receiver
    else:
        owner = type(receiver)
    # What the class's MRO holds as the name, no descriptor called.
    found = _type_lookup(owner, dispatcher.name)
    if found is NULL or found is dispatcher.active_value or found is dispatcher.original_value:
        return POSITION_MOST_DERIVED
    if dispatcher.has_children:
        resolved = _dispatcher_of(found)
        if resolved is not None and dispatcher in resolved.parents:
            return POSITION_DELEGATED
        if stack is None:
            stack = _in_progress()
        for index in range(len(stack) - 2, -1, -2):
            if stack[index + 1] is receiver and dispatcher in stack[index].parents:
                return POSITION_DELEGATED
    return POSITION_REACHED


def _sync_defaults(dispatcher: Dispatcher) -> None:
    """Give the method body the slot function's current defaults (users may assign them)."""
    source = dispatcher.source_function
    function = dispatcher.function
    if source is None:
        return
    if _defaults(function) is not _defaults(source):
        function.__defaults__ = source.__defaults__
    if _kwdefaults(function) is not _kwdefaults(source):
        function.__kwdefaults__ = source.__kwdefaults__


def _call_reached(
    dispatcher: Dispatcher, calls: tuple[HookCall, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A hooked call of a slot reached from below (POSITION_REACHED), recorded if it has parents."""
    tracer = None
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if not calls:
            return dispatcher.function(*args, **kwargs)
        tracer = tracer_for_call()
    if not dispatcher.parents:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, kwargs)
    # Record the call, so that its own super() calls (to the parents) know they are delegations.
    stack = _in_progress()
    stack.append(dispatcher)
    stack.append(args[0])
    try:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, kwargs)
    finally:
        del stack[len(stack) - 2 :]


async def _call_reached_async(
    dispatcher: Dispatcher, calls: tuple[HookCall, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A hooked call of an async slot reached from below, recorded in this task if it has parents."""
    tracer = None
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if not calls:
            return await dispatcher.function(*args, **kwargs)
        tracer = tracer_for_call()
    if not dispatcher.parents:
        return await call_with_hooks_async(dispatcher, calls, 0, None, tracer, args, kwargs)
    token = _async_in_progress.set((*_async_in_progress.get(), dispatcher, args[0]))
    try:
        return await call_with_hooks_async(dispatcher, calls, 0, None, tracer, args, kwargs)
    finally:
        _async_in_progress.reset(token)


def _call_gated(
    dispatcher: Dispatcher, calls: tuple[HookCall, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A call while the gate is open: this thread's or task's scoped skips and tracing apply."""
    calls = scoped_calls(dispatcher, calls)
    if not calls:
        return dispatcher.function(*args, **kwargs)
    # traced if this call has a tracer (with NOTICE logging, or inside a trace() block)
    return call_with_hooks(dispatcher, calls, 0, None, tracer_for_call(), args, kwargs)


def _dispatcher_vectorcall(dispatcher: Dispatcher) -> Callable[..., Any]:
    """The general path of a slot call through ``dispatcher``, with the caller's arguments.

    The compiled twin's function of this name is the dispatcher type's vectorcall; a Python
    function cannot receive the object it is called through, so here it is a closure over one
    dispatcher, and its body is that function's, line for line.
    """

    # --- only in this twin: the closure standing for the compiled twin's vectorcall ---
    def slot_dispatcher(*args: Any, **kwargs: Any) -> Any:
        # --- end of only in this twin ---
        _sync_defaults(dispatcher)
        function = dispatcher.function
        calls = dispatcher.calls
        if not calls:
            return function(*args, **kwargs)
        # --- only in this twin: the positional arguments are a tuple ---
        if dispatcher.in_hierarchy and args:
            # --- end of only in this twin ---
            position = _position(dispatcher, args[0], None)
            if position == POSITION_DELEGATED:
                if _gate():
                    logs.trace_super_call(dispatcher.slot)
                return function(*args, **kwargs)
            if position == POSITION_REACHED:
                return _call_reached(dispatcher, calls, args, kwargs)
        if _gate():
            return _call_gated(dispatcher, calls, args, kwargs)
        # The common case, lean: every hook returns None, so nothing is entered, replaced or
        # chained. The first hook returning something hands over to the general path.
        count = len(calls)
        index = 0
        value = None
        while index < count:
            value = _call_hook(dispatcher, calls[index], args, kwargs)
            if value is not None:
                break
            index += 1
        if index < count:
            return call_with_hooks(dispatcher, calls, index, value, None, args, kwargs)
        _sync_defaults(dispatcher)  # a hook may have assigned them
        return function(*args, **kwargs)

    # --- only in this twin: the closure ---
    return slot_dispatcher
    # --- end of only in this twin ---


async def dispatch_async(dispatcher: Dispatcher, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The general path of an async slot call: what its coroutine runs when the hooks run."""
    _sync_defaults(dispatcher)
    function = dispatcher.function
    calls = dispatcher.calls
    if not calls:
        return await function(*args, **kwargs)
    if dispatcher.in_hierarchy and args:
        position = _position(dispatcher, args[0], _async_in_progress.get())
        if position == POSITION_DELEGATED:
            if _gate():
                logs.trace_super_call(dispatcher.slot)
            return await function(*args, **kwargs)
        if position == POSITION_REACHED:
            return await _call_reached_async(dispatcher, calls, args, kwargs)
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if not calls:
            return await function(*args, **kwargs)
        return await call_with_hooks_async(dispatcher, calls, 0, None, tracer_for_call(), args, kwargs)
    # The common case, lean: hooks that return None, or coroutines that do. The first hook
    # returning something else hands over to the general path.
    count = len(calls)
    index = 0
    value = None
    while index < count:
        hook_call = calls[index]
        try:
            value = _call_hook_packed(dispatcher, hook_call, args, kwargs)
        except StopIteration as exc:
            raise _coroutine_raised(exc) from exc
        if value is not None:
            if type(value) is not CoroutineType:
                break
            try:  # an async def hook: awaited here, so that None keeps the loop lean
                value = await value
            except Exception:
                logs.log_hook_error(hook_call.hook)
                raise
            if value is not None:
                value = Awaited(value)
                break
        index += 1
    if index < count:
        return await call_with_hooks_async(dispatcher, calls, index, value, None, args, kwargs)
    _sync_defaults(dispatcher)  # a hook may have assigned them
    return await function(*args, **kwargs)


class Dispatcher:
    """Call machinery of one slot declaration (see the module docstring)."""

    __slots__ = (
        "_callable",
        "active_value",
        "calls",
        "function",
        "has_children",
        "in_hierarchy",
        "name",
        "original_value",
        "parents",
        "receives_class",
        "slot",
        "source_function",
    )

    def __init__(self, slot: Any) -> None:
        self.slot = slot
        #: the method body: a private copy of the slot's function, never its generated code
        self.function: Callable[..., Any] = slot.body
        #: the slot's function whose defaults the body follows (None: the body is not a copy)
        self.source_function: Any = slot.function if slot.body is not slot.function else None
        self.name: str = slot.name
        #: a classmethod slot: the first argument is a class (the super() rule needs to know)
        self.receives_class = slot.kind == SLOT_CLASSMETHOD
        self.calls: tuple[HookCall, ...] = ()
        self.original_value: Any = None
        self.active_value: Any = None
        self.parents: frozenset[Dispatcher] = frozenset()
        self.has_children = False
        self.in_hierarchy = False
        # --- only in this twin: the general path's closure (the compiled twin's vectorcall) ---
        self._callable = _function_like(_dispatcher_vectorcall(self), slot.function)
        # --- end of only in this twin ---

    def set_class_values(self, original_value: object, active_value: object) -> None:
        """The two objects the class can hold for this slot (plain, and dispatching)."""
        self.original_value = original_value
        self.active_value = active_value

    def set_hierarchy(self, parents: frozenset[Any], has_children: bool, in_hierarchy: bool) -> None:
        """Where the slot stands among the declarations of its name (decided by the registry)."""
        self.parents = parents
        self.has_children = has_children
        self.in_hierarchy = in_hierarchy

    @property
    def callable(self) -> Callable[..., Any]:
        """The general path of a call with the caller's arguments (see :func:`_dispatcher_vectorcall`)."""
        # --- only in this twin: the closure standing for the compiled twin's vectorcall ---
        return self._callable
        # --- end of only in this twin ---


# --- what generated code calls (``hookfast._codegen``): the general path, entered mid-call ---


class _Stopped:
    """What :func:`send` returns when the generator returned instead of yielding."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "STOPPED"

    def __repr__(self) -> str:
        return "STOPPED"


STOPPED = _Stopped()


def send(generator: Generator[Any, Any, Any], value: Any) -> Any:
    """``generator.send(value)``, or :data:`STOPPED` if it returned (no exception to catch)."""
    # --- only in this twin: a StopIteration caught ---
    try:
        return generator.send(value)
    except StopIteration:
        return STOPPED
    # --- end of only in this twin ---


def generator_exit(generator: Generator[Any, Any, Any]) -> None:
    """Leave a generator hook after a call that raised nothing (:meth:`GeneratorContext.exit`)."""
    GeneratorContext(generator).exit(None, None, None)


async def agenerator_exit(generator: AsyncGenerator[Any, Any]) -> None:
    """Leave an async generator hook after a call that raised nothing."""
    await AsyncGeneratorContext(generator).exit(None, None, None)


def hook_error(
    dispatcher: Dispatcher, hook_call: HookCall, exc: Exception, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Exception | None:
    """A hook raised ``exc``: the SignatureError to raise instead, or None after logging ``exc``."""
    return _hook_error(dispatcher, hook_call, exc, args, kwargs)


def hook_failed(hook_call: HookCall) -> None:
    """An ``async def`` hook's coroutine raised: log it as the hook's error."""
    logs.log_hook_error(hook_call.hook)


def process_error(hook_call: HookCall) -> None:
    """A hook's ``process_result`` raised: log it."""
    logs.log_process_result_error(hook_call.hook)


def position(dispatcher: Dispatcher, receiver: Any) -> int:
    """The ``super()`` rule for a sync call of a slot in a hierarchy (a ``POSITION_*`` kind)."""
    return _position(dispatcher, receiver, None)


def position_async(dispatcher: Dispatcher, receiver: Any) -> int:
    """The ``super()`` rule for an async call, with this task's calls in progress."""
    return _position(dispatcher, receiver, _async_in_progress.get())


def continue_call(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    entered: list[tuple[HookCall, Any]] | None,
) -> Any:
    """Carry on with :func:`call_with_hooks` from hook ``start``, the contexts ``entered`` entered."""
    return _call_with_hooks_packed(dispatcher, calls, start, first_value, None, args, kwargs, entered)


async def continue_async(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    entered: list[tuple[HookCall, Any, bool]] | None,
) -> Any:
    """Carry on with :func:`call_with_hooks_async` from hook ``start``."""
    return await call_with_hooks_async(dispatcher, calls, start, first_value, None, args, kwargs, entered)


def entered_contexts(calls: tuple[HookCall, ...], *states: tuple[int, Any, Any, bool, bool]) -> list[Any]:
    """The contexts generated code entered, as the general path keeps them.

    Each state is ``(hook index, value or None if not entered, first value, finished, is async)``.
    """
    contexts: list[Any] = []
    for index, value, first_value, _finished, _is_async in states:
        if value is None:
            continue
        if isinstance(value, Generator):
            contexts.append((calls[index], GeneratorContext(value, first_value)))
        else:
            contexts.append((calls[index], value))
    return contexts


def entered_contexts_async(
    calls: tuple[HookCall, ...], *states: tuple[int, Any, Any, bool, bool]
) -> list[Any]:
    """:func:`entered_contexts` for an async slot: ``(hook call, context, is async)`` each."""
    contexts: list[Any] = []
    for index, value, first_value, finished, is_async in states:
        if value is None:
            continue
        if isinstance(value, Generator):
            contexts.append((calls[index], GeneratorContext(value, first_value), False))
        elif isinstance(value, AsyncGenerator):
            contexts.append((calls[index], AsyncGeneratorContext(value, first_value, finished), True))
        else:
            contexts.append((calls[index], value, is_async))
    return contexts


def unwind_entered(exc: BaseException, entered: list[Any] | None) -> bool:
    """Exit what generated code entered after ``exc``; True if a context suppressed it."""
    return entered is not None and unwind(entered, exc, None)


async def unwind_entered_async(exc: BaseException, entered: list[Any] | None) -> bool:
    """:func:`unwind_entered` for an async slot."""
    return entered is not None and await unwind_async(entered, exc, None)


def exits_failed(exc: BaseException, result: Any, remaining: list[Any] | None) -> Any:
    """An exit raised ``exc`` after a call that succeeded: exit the ``remaining`` contexts with it.

    Returns ``result`` if one of them suppresses it, as :func:`unwind` does for a call.
    """
    _fix_exception_context(exc, None, _handled_exception())
    unwind(remaining or [], exc, None, True)
    return result


async def exits_failed_async(exc: BaseException, result: Any, remaining: list[Any] | None) -> Any:
    """:func:`exits_failed` for an async slot."""
    _fix_exception_context(exc, None, _handled_exception())
    await unwind_async(remaining or [], exc, None, True)
    return result


def generated_code_helpers() -> dict[str, Any]:
    """What generated code calls, by the names its markers use (see ``hookfast._codegen``)."""
    return {
        "HOOK_ERROR": hook_error,
        "HOOK_FAILED": hook_failed,
        "CONTINUE": continue_call,
        "ENTERED": entered_contexts,
        "UNWIND": unwind_entered,
        "EXITS_FAILED": exits_failed,
        "SEND": send,
        "STOPPED": STOPPED,
        "GENERATOR_EXIT": generator_exit,
        "PROCESS_ERROR": process_error,
        "POSITION": position,
        "APOSITION": position_async,
        "ASYNC_SLOW": dispatch_async,
        "ACONTINUE": continue_async,
        "AENTERED": entered_contexts_async,
        "AUNWIND": unwind_entered_async,
        "AEXITS_FAILED": exits_failed_async,
        "AGENERATOR_EXIT": agenerator_exit,
        "AWAITED": Awaited,
    }
