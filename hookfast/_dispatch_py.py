"""The hot path in pure Python: calling a slot's active hooks around its original method.

This module is the readable specification of a slot call; ``_dispatch_c.pyx`` is its compiled twin.
The two keep the same top-level names in the same order (``scripts/check_twins.py`` fails CI
otherwise), except inside blocks fenced by ``# --- only in this twin`` comments. Everything that
is not on the call path (registration, states, ordering, wrapping for the class, the ``super()``
rule's inputs, error messages) lives in the thin layer, once; see ``docs/architecture.md``.

Interface (``hookfast._interfaces.Backend``):

- ``HookCall(hook, callback, method_name)``: one active hook of one slot, ready to call.
- ``Dispatcher(slot)``: the call machinery of one slot declaration. ``dispatcher.calls`` is the
  tuple of ``HookCall`` the next call runs (the registry replaces it whenever it changes);
  ``dispatcher.callable`` is what the class holds (wrapped by the registry like the original) and
  what the slot function's trampoline calls.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from contextlib import AbstractContextManager, suppress
from types import FunctionType, MethodType

from hookfast import logs
from hookfast._kinds import (
    POSITION_DELEGATED,
    POSITION_MOST_DERIVED,
    POSITION_REACHED,
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

__all__ = ["BACKEND", "Dispatcher", "HookCall", "set_gate"]

BACKEND = "python"

# --- only in this twin: what the compiled twin does with the C API ---

# The gate of the call path's slow lane (tracing, scoped skips): the NOTICE check alone, or always
# open while some trace() block or scoped skip is active (set_gate swaps it, so that otherwise a
# call pays nothing more than the NOTICE check it always made).
_gate = logs.notice_enabled  # one global look-up per call instead of two
_NOT_FOUND = object()
_thread_state = threading.local()


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


# --- end of only in this twin ---


def set_gate(open_: bool) -> None:
    """Hold the gate open while some ``hookfast.trace()`` block or scoped skip is active."""
    global _gate
    _gate = _always if open_ else logs.notice_enabled


_RESULT_KIND_CACHE_SIZE = 1024
_result_kinds: dict[type, int] = {}


def result_kind(result: Any) -> int:
    """Classify a hook's non-``None`` return value, as onETL does, with one dict look-up per call."""
    result_type = type(result)
    kind = _result_kinds.get(result_type)
    if kind is None:
        # isinstance() against these ABCs walks their registries and subclass hooks: do it once
        # per type. The cache is bounded so that types created on the fly cannot pile up.
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


class HookCall:
    """One hook of one slot, with what calling it needs, prepared when the slot's hooks change."""

    __slots__ = ("callback", "hook", "method_name")

    def __init__(self, hook: Any, callback: Callable[..., Any], method_name: str | None) -> None:
        self.hook = hook
        self.callback = callback
        #: the slot's name if the callback declares a ``method_name`` parameter, else None
        self.method_name = method_name


class GeneratorContext:
    """Drives a generator returned by a hook like ``contextlib.contextmanager`` does.

    The code before the first ``yield`` runs on entry; ``process_result`` sends the method's result
    into that ``yield``; exit advances the generator to its end, or throws the pending exception in.
    """

    __slots__ = ("first_value", "generator")

    def __init__(self, generator: Generator[Any, Any, Any]) -> None:
        self.generator = generator
        self.first_value: Any = None

    def enter(self) -> None:
        try:
            self.first_value = self.generator.send(None)
        except StopIteration:  # a generator that yields nothing: no value, no effect
            return

    def process_result(self, result: Any) -> Any:
        try:
            return self.generator.send(result)
        except StopIteration:
            # `yield value` alone: the value yielded on entry replaces the result
            return self.first_value

    def exit(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        # A copy of contextlib._GeneratorContextManager.__exit__ (3.12), as onETL 0.17 uses.
        generator = self.generator
        if exc is None:
            try:
                next(generator)
            except StopIteration:
                return False
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


def _exit_context(context: Any, exc: BaseException | None) -> bool:
    if type(context) is GeneratorContext:
        if exc is None:
            return context.exit(None, None, None)
        return context.exit(type(exc), exc, exc.__traceback__)
    exit_method = type(context).__exit__
    if exc is None:
        return bool(exit_method(context, None, None, None))
    return bool(exit_method(context, type(exc), exc, exc.__traceback__))


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


def unwind(contexts: list[tuple[Any, Any]], exc: BaseException | None, tracer: CallTracer | None) -> bool:
    """Exit the entered contexts in reverse order with ``contextlib.ExitStack``'s rules.

    Returns True if ``exc`` (not None) was suppressed by one of them; raises whatever exception
    an exit raised last; returns False if ``exc`` must be re-raised by the caller.
    """
    # The exception being handled where the contexts are exited: ``exc`` itself when unwinding
    # from an error, nothing otherwise (ExitStack reads sys.exc_info(); this avoids that call).
    frame_exc = exc
    received = exc is not None
    suppressed = False
    pending_raise = False
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
        fixed_context = exc.__context__
        try:
            raise exc
        except BaseException:
            exc.__context__ = fixed_context
            raise
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
        if hook_call.method_name is None:
            return hook_call.callback(*args, **kwargs)
        return hook_call.callback(*args, method_name=hook_call.method_name, **kwargs)
    except Exception as exc:
        signature_error = _hook_error(dispatcher, hook_call, exc, args, kwargs)
        if signature_error is None:
            raise
        raise signature_error from signature_error.__cause__


def _process_result(
    hook_call: HookCall, context: Any, result: Any, tracer: CallTracer | None, indent: int
) -> Any:
    process_result: Callable[[Any], Any] | None
    if type(context) is GeneratorContext:
        process_result = context.process_result
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


def call_with_hooks(
    dispatcher: Dispatcher,
    calls: tuple[HookCall, ...],
    start: int,
    first_value: Any,
    tracer: CallTracer | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run one slot call: hooks in order, the original method, result chaining, unwinding.

    The hooks before ``start`` already ran and returned None; hook ``start`` returned
    ``first_value`` (or is still to be called if that is None).
    """
    count = len(calls)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    contexts: list[tuple[HookCall, Any]] | None = None
    replaced_by: HookCall | None = None
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
            if kind == RESULT_GENERATOR:
                context: Any = GeneratorContext(value)
                context.enter()
            else:
                context = value
                context_type = type(value)
                enter = getattr(context_type, "__enter__", None)
                if enter is None or getattr(context_type, "__exit__", None) is None:
                    raise TypeError(
                        f"'{context_type.__qualname__}' object does not support the context manager protocol"
                    )
                enter(value)
            if contexts is None:
                contexts = []
            contexts.append((hook_call, context))
            indent += 2
        if tracer is not None:
            tracer.calling_original(dispatcher.slot, indent)
        result = dispatcher.function(*args, **kwargs)
        if tracer is not None:
            tracer.original_returned(indent, result)
        if replaced_by is not None:
            if tracer is not None:
                tracer.result_replaced(result, replaced_by)
            result = replacement
        if contexts is not None:
            indent = 0
            for hook_call, context in contexts:
                result = _process_result(hook_call, context, result, tracer, indent)
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


def _in_progress() -> list[Any]:
    """This thread's calls in progress of slots reached from below: [dispatcher, receiver, ...]."""
    try:
        return _thread_state.stack  # type: ignore[no-any-return]
    except AttributeError:
        stack: list[Any] = []
        _thread_state.stack = stack
        return stack


def _dispatcher_of(found: Any) -> Dispatcher | None:
    """The dispatcher of the slot whose own object a class attribute ``found`` is, if any."""
    target = found.__func__ if type(found) is classmethod or type(found) is staticmethod else found
    try:
        resolved = getattr(getattr(target, "__hooks__", None), "dispatcher", None)
    except Exception:  # exotic class attributes whose __getattr__ raises anything
        return None
    if type(resolved) is not Dispatcher:
        return None
    if found is not resolved.active_value and found is not resolved.original_value:
        return None  # a functools.wraps copy of a slot function: carries __hooks__, is not the slot
    return resolved


def _position(dispatcher: Dispatcher, receiver: Any) -> int:
    """Apply the registry's super() rule to a call of a slot in a hierarchy (see ``_kinds``)."""
    if dispatcher.receives_class:
        if not isinstance(receiver, type):
            return POSITION_MOST_DERIVED
        owner = receiver
    else:
        owner = type(receiver)
    # What the class's MRO holds as the name, no descriptor called (C: _PyType_Lookup).
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
        stack = _in_progress()
        for index in range(len(stack) - 2, -1, -2):
            if stack[index + 1] is receiver and dispatcher in stack[index].parents:
                return POSITION_DELEGATED
    return POSITION_REACHED


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
        del stack[-2:]


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
    """The slot call through ``dispatcher``: what the class holds while some hook can run.

    The compiled twin's function of this name is the dispatcher type's vectorcall; a Python
    function cannot receive the object it is called through, so here it is a closure over one
    dispatcher, and its body is that function's, line for line.
    """
    function = dispatcher.function

    def slot_dispatcher(*args: Any, **kwargs: Any) -> Any:
        calls = dispatcher.calls
        if not calls:
            return function(*args, **kwargs)
        if dispatcher.in_hierarchy and args:
            position = _position(dispatcher, args[0])
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
        return function(*args, **kwargs)

    return slot_dispatcher


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
    )

    def __init__(self, slot: Any) -> None:
        self.slot = slot
        #: the method body: a private copy of the slot's function, never its trampoline
        self.function: Callable[..., Any] = slot.body
        self.name: str = slot.name
        #: a classmethod slot: the first argument is a class (the super() rule needs to know)
        self.receives_class = slot.kind == SLOT_CLASSMETHOD
        self.calls: tuple[HookCall, ...] = ()
        self.original_value: Any = None
        self.active_value: Any = None
        self.parents: frozenset[Dispatcher] = frozenset()
        self.has_children = False
        self.in_hierarchy = False
        self._callable = _function_like(_dispatcher_vectorcall(self), slot.function)

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
        """What the class holds (wrapped like the original) and the slot's trampoline calls."""
        return self._callable
