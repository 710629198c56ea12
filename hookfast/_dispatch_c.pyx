# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: freethreading_compatible=False
"""The hot path, compiled: calling a slot's active hooks around its original method.

The twin of ``_dispatch_py.py``: same top-level names in the same order, and the same statements in
each function (``scripts/check_twins.py`` fails CI otherwise), except inside blocks fenced by
``# --- only in this twin`` comments, and the same behaviour; read that module for the
specification. What differs is only how calls are made: the dispatcher is a ``cdef class`` with a
vectorcall slot and the method-descriptor flag, so ``obj.method(...)`` reaches it without a bound
method object or an argument tuple, and the arguments are forwarded to hooks and to the original
method as the caller's C array. The raw C it needs is in ``_dispatch_c.h``.
"""

cimport cython
from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_TYPE
from cpython.sequence cimport PySequence_Fast_ITEMS

import contextvars
from collections.abc import AsyncGenerator, Coroutine, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import CoroutineType, FunctionType

from hookfast import _kinds, logs
from hookfast._scope import scoped_calls
from hookfast._tracer import tracer_for_call
from hookfast.exceptions import diagnose_hook_call

BACKEND = "cython"

# --- only in this twin: the C API, and the helpers around it ---

cdef extern from "Python.h":
    object PyMethod_New(object func, object self)
    ctypedef PyObject* (*vectorcallfunc)(PyObject* callable, PyObject* const* args,
                                         size_t nargsf, PyObject* kwnames)
    Py_ssize_t PyVectorcall_NARGS(size_t nargsf)
    object PyObject_Vectorcall(object callable, PyObject* const* args, size_t nargsf, PyObject* kwnames)
    # the same call, unchecked: NULL with the exception set if it raised
    PyObject* _vectorcall_or_null "PyObject_Vectorcall" (
        object callable, PyObject* const* args, size_t nargsf, PyObject* kwnames)
    PyObject* _PyType_Lookup(PyTypeObject* type, object name)
    # the same two under the names the Python twin gives its own versions of them
    PyObject* _type_lookup "_PyType_Lookup" (PyTypeObject* type, object name)
    PyObject* _lookup "PyDict_GetItemWithError" (object d, object key) except? NULL
    int PyType_Check(object o)
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    PyObject* Py_True
    PyObject* PyThreadState_GetDict()
    int PyObject_GenericSetDict(object o, object value, void* context) except -1
    void Py_XDECREF(PyObject* o)
    ctypedef struct PyFunctionObject:
        PyObject* func_defaults
        PyObject* func_kwdefaults

cdef extern from "_dispatch_c.h":
    int hookfast_enable_vectorcall(PyTypeObject* tp, Py_ssize_t offset) except -1
    int hookfast_send(PyObject* gen, PyObject* arg, PyObject** result)
    int hookfast_propagate() except -1
    int hookfast_install_code(object func, object code, object closure) except -1
    int hookfast_restores_versions()
    object hookfast_handled_exception()

# The kinds of ``hookfast._kinds`` as C variables: compared on the call path like an enum.
cdef int RESULT_NONE = _kinds.RESULT_NONE
cdef int RESULT_VALUE = _kinds.RESULT_VALUE
cdef int RESULT_GENERATOR = _kinds.RESULT_GENERATOR
cdef int RESULT_CONTEXT = _kinds.RESULT_CONTEXT
cdef int RESULT_AWAITABLE = _kinds.RESULT_AWAITABLE
cdef int RESULT_ASYNC_GENERATOR = _kinds.RESULT_ASYNC_GENERATOR
cdef int RESULT_ASYNC_CONTEXT = _kinds.RESULT_ASYNC_CONTEXT
cdef int POSITION_MOST_DERIVED = _kinds.POSITION_MOST_DERIVED
cdef int POSITION_DELEGATED = _kinds.POSITION_DELEGATED
cdef int POSITION_REACHED = _kinds.POSITION_REACHED
cdef object SLOT_CLASSMETHOD = _kinds.SLOT_CLASSMETHOD

# Open while some hookfast.trace() block or scoped skip is active (set_gate): no look-up then.
cdef bint _gate_open = False
cdef object _NOTICE = logs.NOTICE
cdef object _log_cache = logs.slot_logger_cache
cdef tuple _METHOD_NAME_KWNAMES = ("method_name",)
cdef str _ENTER = "__enter__"
cdef str _EXIT = "__exit__"
cdef str _IN_PROGRESS_KEY = "hookfast._dispatch_c.in_progress"
# Hooks taking method_name are called with the arguments copied to a stack array of this size.
cdef enum:
    STACK_ARGS = 16


cdef inline bint _gate() except -1:
    # See logs._make_notice_check: the logger's memo dict is exact, and a dict read costs ~nothing.
    cdef PyObject* enabled
    if _gate_open:
        return True
    if _log_cache is not None:
        # WithError: plain PyDict_GetItem saves and restores the error state on every call
        enabled = PyDict_GetItemWithError(_log_cache, _NOTICE)
        if enabled is not NULL:
            return enabled == Py_True
    return logs.notice_enabled()


cdef inline void _decref(PyObject* o) noexcept:
    Py_XDECREF(o)


cdef inline object _steal(PyObject* o):
    result = <object>o
    Py_XDECREF(o)
    return result


cdef object _class_attribute(object owner, str name):
    """``getattr(owner, name, None)`` for a class, as ExitStack reads ``__enter__``/``__exit__``.

    A plain function found in the MRO is what getattr would return too, so return it without the
    attribute machinery; anything else (a classmethod, a metaclass attribute) goes through getattr.
    """
    cdef PyObject* found = _PyType_Lookup(<PyTypeObject*>owner, name)
    if found is not NULL and type(<object>found) is FunctionType:
        return <object>found
    return getattr(owner, name, None)


cdef tuple _pack(PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """The vectorcall arguments as ``(args, kwargs)``, for the cold paths that need them."""
    cdef Py_ssize_t nargs = PyVectorcall_NARGS(nargsf)
    cdef Py_ssize_t index
    cdef tuple names
    positional = tuple([<object>args[index] for index in range(nargs)])
    keywords = {}
    if kwnames is not NULL:
        names = <tuple>kwnames
        for index in range(len(names)):
            keywords[names[index]] = <object>args[nargs + index]
    return positional, keywords


cdef tuple _vector(tuple args, dict kwargs):
    """``(args, kwargs)`` as the tuple whose items are the vectorcall array, and the keyword names."""
    if not kwargs:
        return args, None
    return args + tuple(kwargs.values()), tuple(kwargs)


cdef inline PyObject* _defaults(object function) noexcept:
    # ``function.__defaults__`` of a Python function, read without the attribute machinery
    return (<PyFunctionObject*>function).func_defaults


cdef inline PyObject* _kwdefaults(object function) noexcept:
    return (<PyFunctionObject*>function).func_kwdefaults


cdef inline object _invoke_hook(HookCall hook_call, PyObject* const* args, size_t nargsf, PyObject* kwnames):
    # The hook called with the caller's argument array; ``method_name=`` appended when it asks.
    cdef PyObject* stack[STACK_ARGS]
    cdef Py_ssize_t nargs, index
    if hook_call.method_name is None:
        return PyObject_Vectorcall(hook_call.callback, args, nargsf, kwnames)
    nargs = PyVectorcall_NARGS(nargsf)
    if kwnames is NULL and nargs < STACK_ARGS:
        for index in range(nargs):
            stack[index] = args[index]
        stack[nargs] = <PyObject*>hook_call.method_name
        return PyObject_Vectorcall(hook_call.callback, stack, nargs, <PyObject*>_METHOD_NAME_KWNAMES)
    positional, keywords = _pack(args, nargsf, kwnames)
    return hook_call.callback(*positional, method_name=hook_call.method_name, **keywords)


cdef int _enable_vectorcall() except -1:
    """Make calls of a ``Dispatcher`` land in ``_dispatcher_vectorcall`` (once, at import)."""
    cdef Dispatcher sample = Dispatcher.__new__(Dispatcher)
    return hookfast_enable_vectorcall(
        <PyTypeObject*>Dispatcher,
        <Py_ssize_t>(<char*>&sample._vectorcall - <char*><PyObject*>sample),
    )


#: Whether :func:`install_code` can give a function a closure of another size (a C-only power).
SETS_CLOSURES = True
#: Whether functions get their CPython 3.13+ version back after a code swap (always before 3.13).
RESTORES_VERSIONS = bool(hookfast_restores_versions())


def install_code(function, code, closure):
    """Make ``function`` run ``code`` with ``closure`` (a tuple of cells, or None), at once."""
    hookfast_install_code(function, code, closure)


# --- end of only in this twin ---

#: The async calls in progress of slots reached from below in this task: (dispatcher, receiver, ...).
_async_in_progress = contextvars.ContextVar("hookfast_async_in_progress", default=())


def set_gate(bint open_):
    """Hold the gate open while some ``hookfast.trace()`` block or scoped skip is active."""
    global _gate_open
    _gate_open = open_


cdef Py_ssize_t _RESULT_KIND_CACHE_SIZE = 1024
cdef dict _result_kinds = {}
cdef dict _async_result_kinds = {}


cdef int result_kind(object result) except -1:
    """Classify a hook's non-``None`` return value, as onETL does, with one dict look-up per call."""
    cdef object result_type = type(result)
    cdef PyObject* cached = _lookup(_result_kinds, result_type)
    cdef int kind
    if cached is not NULL:
        return <int><object>cached
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


cdef int async_result_kind(object result) except -1:
    """Classify a hook's non-``None`` return value on an async slot, once per type."""
    cdef object result_type = type(result)
    cdef PyObject* cached = _lookup(_async_result_kinds, result_type)
    cdef int kind
    if cached is not NULL:
        return <int><object>cached
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


@cython.final
cdef class HookCall:
    """One hook of one slot, with what calling it needs, prepared when the slot's hooks change."""

    cdef readonly object hook
    cdef readonly object callback
    cdef readonly object method_name

    def __init__(self, hook, callback, method_name):
        self.hook = hook
        self.callback = callback
        self.method_name = method_name

    def __reduce__(self):
        return (HookCall, (self.hook, self.callback, self.method_name))


@cython.final
cdef class GeneratorContext:
    """Drives a generator returned by a hook like ``contextlib.contextmanager`` does."""

    cdef readonly object generator
    cdef readonly object first_value

    def __init__(self, generator, first_value=None):
        self.generator = generator
        self.first_value = first_value

    cdef int enter(self) except -1:
        # --- only in this twin: a send that makes no StopIteration ---
        cdef PyObject* value = NULL
        cdef int status = hookfast_send(<PyObject*>self.generator, <PyObject*>None, &value)
        if status < 0:
            hookfast_propagate()
        if status == 1:  # yielded: remember the value (a bare return leaves None, as onETL)
            self.first_value = <object>value
        _decref(value)
        return 0
        # --- end of only in this twin ---

    cdef object process_result(self, object result):
        # --- only in this twin: a send that makes no StopIteration ---
        cdef PyObject* value = NULL
        cdef int status = hookfast_send(<PyObject*>self.generator, <PyObject*>result, &value)
        if status < 0:
            hookfast_propagate()
        if status == 0:  # finished: `yield value` alone means the value yielded on entry replaces
            _decref(value)
            return self.first_value
        return _steal(value)
        # --- end of only in this twin ---

    cdef bint exit(self, object exc_type, object exc, object traceback) except -1:
        # A copy of contextlib._GeneratorContextManager.__exit__ (3.12), as onETL 0.17 uses.
        cdef PyObject* value
        cdef int status
        generator = self.generator
        if exc is None:
            # --- only in this twin: a send that makes no StopIteration ---
            value = NULL
            status = hookfast_send(<PyObject*>generator, <PyObject*>None, &value)
            if status < 0:
                hookfast_propagate()
            _decref(value)
            if status == 0:
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


@cython.final
cdef class AsyncGeneratorContext:
    """Drives an async generator returned by a hook like ``contextlib.asynccontextmanager`` does."""

    cdef readonly object generator
    cdef public object first_value
    cdef public bint finished

    def __init__(self, generator, first_value=None, finished=False):
        self.generator = generator
        self.first_value = first_value
        # A finished generator is left alone on exit: CPython's athrow() on an exhausted async
        # generator returns instead of raising, unlike a sync generator's throw().
        self.finished = finished

    async def exit(self, exc_type, exc, traceback):
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


@cython.final
cdef class Awaited:
    """A value an ``async def`` hook's coroutine returned, handed to the general path: the hook's
    result, not something to await again."""

    cdef readonly object value

    def __init__(self, value):
        self.value = value


cdef bint _exit_context(object context, object exc) except -1:
    if type(context) is GeneratorContext:
        if exc is None:
            return (<GeneratorContext>context).exit(None, None, None)
        return (<GeneratorContext>context).exit(type(exc), exc, exc.__traceback__)
    exit_method = _class_attribute(type(context), _EXIT)
    if exit_method is None:  # deleted from the class since it was entered
        raise AttributeError(_EXIT)
    if exc is None:
        return bool(exit_method(context, None, None, None))
    return bool(exit_method(context, type(exc), exc, exc.__traceback__))


async def _exit_context_async(context, exc):
    if type(context) is AsyncGeneratorContext:
        if (<AsyncGeneratorContext>context).finished:  # as a finished sync generator: nothing runs
            return False
        if exc is None:
            return await context.exit(None, None, None)
        return await context.exit(type(exc), exc, exc.__traceback__)
    if exc is None:
        return bool(await type(context).__aexit__(context, None, None, None))
    return bool(await type(context).__aexit__(context, type(exc), exc, exc.__traceback__))


cdef inline object _handled_exception():
    """The exception being handled where this is called (``sys.exc_info()[1]``)."""
    # --- only in this twin: the thread state, read in C (the Python twin calls sys.exc_info()) ---
    return hookfast_handled_exception()
    # --- end of only in this twin ---


cdef _fix_exception_context(object new_exc, object old_exc, object frame_exc):
    # As in contextlib.ExitStack: make the chain look as if the contexts were nested `with`s.
    while True:
        exc_context = new_exc.__context__
        if exc_context is None or exc_context is old_exc:
            return
        if exc_context is frame_exc:
            break
        new_exc = exc_context
    new_exc.__context__ = old_exc


cdef _reraise(object exc):
    """Raise ``exc`` keeping the ``__context__`` the exits gave it (raising would replace it)."""
    fixed_context = exc.__context__
    try:
        raise exc
    except BaseException:
        exc.__context__ = fixed_context
        raise


cdef bint unwind(list contexts, object exc, object tracer, bint pending_raise=False) except -1:
    """Exit the entered contexts in reverse order with ``contextlib.ExitStack``'s rules.

    Returns True if ``exc`` (not None) was suppressed by one of them; raises whatever exception
    an exit raised last; returns False if ``exc`` must be re-raised by the caller. With
    ``pending_raise``, ``exc`` was raised by an exit before these (on the way out of a call that
    succeeded): it is raised at the end unless one of these exits suppresses it.
    """
    cdef bint received = exc is not None and not pending_raise
    # The exception being handled where the contexts are exited, which ExitStack reads from
    # sys.exc_info(): ``exc`` when unwinding from an error, else whatever the slot's caller is
    # handling (a call made in an except block, or from another call's exit).
    cdef object frame_exc = exc if received else _handled_exception()
    cdef bint suppressed = False
    cdef bint exit_suppresses
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


cdef object _coroutine_raised(object exc):
    """What a StopIteration leaving a coroutine becomes, worded as CPython words it (raised
    ``from`` it by the caller): a compiled coroutine would say "generator raised StopIteration"."""
    return RuntimeError("coroutine raised StopIteration")


async def unwind_async(list contexts, exc, tracer, pending_raise=False):
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


cdef object _hook_error(Dispatcher dispatcher, HookCall hook_call, object exc, tuple args, dict kwargs):
    """A hook raised ``exc``: the SignatureError to raise instead, or None after logging ``exc``."""
    signature_error = None
    if isinstance(exc, TypeError):
        signature_error = diagnose_hook_call(
            dispatcher.function, hook_call.callback, hook_call.method_name, args, kwargs
        )
    if signature_error is None:
        logs.log_hook_error(hook_call.hook)
    return signature_error


cdef object _call_hook(Dispatcher dispatcher, HookCall hook_call,
                       PyObject* const* args, size_t nargsf, PyObject* kwnames):
    cdef PyObject* value
    # --- only in this twin: entering a Cython try block saves and restores the handled-exception
    # state, a cost on every hook: call first, and enter it only when the hook raised ---
    if hook_call.method_name is None:
        value = _vectorcall_or_null(hook_call.callback, args, nargsf, kwnames)
        if value is not NULL:
            return _steal(value)
    # --- end of only in this twin ---
    try:
        # --- only in this twin: the hook's exception, pending: raised here, handled below ---
        if hook_call.method_name is None:
            hookfast_propagate()
        # --- end of only in this twin ---
        return _invoke_hook(hook_call, args, nargsf, kwnames)
    except Exception as exc:
        positional, keywords = _pack(args, nargsf, kwnames)
        signature_error = _hook_error(dispatcher, hook_call, exc, positional, keywords)
        if signature_error is None:
            raise
        raise signature_error from signature_error.__cause__


# --- only in this twin: the async path has its arguments as (args, kwargs) ---
cdef object _call_hook_packed(Dispatcher dispatcher, HookCall hook_call, tuple args, dict kwargs):
    vector, kwnames = _vector(args, kwargs)
    return _call_hook(dispatcher, hook_call, PySequence_Fast_ITEMS(vector), len(args),
                      <PyObject*>kwnames if kwnames is not None else NULL)
# --- end of only in this twin ---


cdef object _process_result(HookCall hook_call, object context, object result, object tracer, int indent):
    if type(context) is GeneratorContext:
        if tracer is not None:
            tracer.processing_result(indent, hook_call)
        try:
            new_result = (<GeneratorContext>context).process_result(result)
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


async def _process_result_async(HookCall hook_call, AsyncGeneratorContext context, result, tracer, int indent):
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


cdef object _enter(object value, int kind):
    """Enter a hook's generator or context manager; returns the context to exit later."""
    if kind == RESULT_GENERATOR:
        context = GeneratorContext(value)
        (<GeneratorContext>context).enter()
        return context
    context_type = type(value)
    enter = _class_attribute(context_type, _ENTER)
    if enter is None or _class_attribute(context_type, _EXIT) is None:
        raise TypeError(f"'{context_type.__qualname__}' object does not support the context manager protocol")
    enter(value)
    return value


cdef object call_with_hooks(Dispatcher dispatcher, tuple calls, Py_ssize_t start, object first_value,
                            object tracer, PyObject* const* args, size_t nargsf, PyObject* kwnames,
                            list entered=None):
    """Run one slot call: hooks in order, the original method, result chaining, unwinding.

    The hooks before ``start`` already ran and returned None, or were entered: ``entered`` holds
    their contexts; hook ``start`` returned ``first_value`` (or is still to be called if that is
    None).
    """
    cdef Py_ssize_t count = len(calls)
    cdef Py_ssize_t number
    cdef list contexts = entered
    cdef HookCall hook_call
    cdef HookCall replaced_by = None
    cdef object replacement = None
    cdef object value, context, result
    cdef int kind
    cdef int indent = 0 if contexts is None else 2 * len(contexts)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    try:
        for number in range(start, count):
            hook_call = <HookCall>calls[number]
            if tracer is not None:
                tracer.calling_hook(hook_call, indent, number + 1, count)
            if number == start and first_value is not None:
                value = first_value
            else:
                value = _call_hook(dispatcher, hook_call, args, nargsf, kwnames)
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
        result = PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
        if tracer is not None:
            tracer.original_returned(indent, result)
        if replaced_by is not None:
            if tracer is not None:
                tracer.result_replaced(result, replaced_by)
            result = replacement
        if contexts is not None:
            indent = 0
            for entry in contexts:  # (hook call, context); typed by the casts, unchecked
                result = _process_result(<HookCall>(<tuple>entry)[0], (<tuple>entry)[1], result, tracer, indent)
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


# --- only in this twin: the helpers of generated code have the arguments as (args, kwargs) ---
cdef object _call_with_hooks_packed(Dispatcher dispatcher, tuple calls, Py_ssize_t start, object first_value,
                                    object tracer, tuple args, dict kwargs, list entered):
    vector, kwnames = _vector(args, kwargs)
    return call_with_hooks(dispatcher, calls, start, first_value, tracer, PySequence_Fast_ITEMS(vector),
                           len(args), <PyObject*>kwnames if kwnames is not None else NULL, entered)
# --- end of only in this twin ---


async def _enter_async(value, int kind):
    """Enter a hook's async generator or async context manager on an async slot."""
    if kind == RESULT_ASYNC_GENERATOR:
        context = AsyncGeneratorContext(value)
        try:
            (<AsyncGeneratorContext>context).first_value = await value.asend(None)
        except StopAsyncIteration:
            (<AsyncGeneratorContext>context).finished = True
        return context
    context_type = type(value)
    enter = getattr(context_type, "__aenter__", None)
    if enter is None or getattr(context_type, "__aexit__", None) is None:
        raise TypeError(
            f"'{context_type.__qualname__}' object does not support the asynchronous context manager protocol"
        )
    await enter(value)
    return value


async def call_with_hooks_async(Dispatcher dispatcher, tuple calls, Py_ssize_t start, first_value, tracer,
                                tuple args, dict kwargs, list entered=None):
    """Run one async slot call: hooks in order, the awaited method, result chaining, unwinding."""
    cdef Py_ssize_t count = len(calls)
    cdef Py_ssize_t number
    cdef list contexts = entered
    cdef HookCall hook_call
    cdef HookCall replaced_by = None
    cdef object replacement = None
    cdef int kind
    cdef int indent = 0 if contexts is None else 2 * len(contexts)
    if tracer is not None:
        tracer.started(dispatcher.slot, count)
    try:
        for number in range(start, count):
            hook_call = <HookCall>calls[number]
            if tracer is not None:
                tracer.calling_hook(hook_call, indent, number + 1, count)
            if number == start and first_value is not None:
                value = first_value
            else:
                value = _call_hook_packed(dispatcher, hook_call, args, kwargs)
            kind = RESULT_NONE
            if value is not None:
                if type(value) is Awaited:
                    value = (<Awaited>value).value
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


cdef list _in_progress():
    """This thread's calls in progress of slots reached from below: [dispatcher, receiver, ...]."""
    # --- only in this twin: the thread state's dict ---
    cdef PyObject* state = PyThreadState_GetDict()
    cdef PyObject* found
    if state is NULL:
        raise RuntimeError("hookfast: no thread state dict")
    found = PyDict_GetItemWithError(<object>state, _IN_PROGRESS_KEY)
    if found is not NULL:
        return <list>found
    stack = []
    (<dict>state)[_IN_PROGRESS_KEY] = stack
    return stack
    # --- end of only in this twin ---


# --- only in this twin: the slot's own objects first, without the attribute machinery ---
cdef object _slot_dispatcher(object target):
    # what stands behind a class attribute carrying a slot's marker
    if type(target) is Dispatcher:
        return target
    if type(target) is FunctionType:
        declaration = (<dict>target.__dict__).get("__hooks__")
        return getattr(declaration, "dispatcher", None) if declaration is not None else None
    return getattr(getattr(target, "__hooks__", None), "dispatcher", None)
# --- end of only in this twin ---


cdef object _dispatcher_of(object found):
    """The dispatcher of the slot whose own object a class attribute ``found`` is, if any."""
    found_type = type(found)
    target = found.__func__ if found_type is classmethod or found_type is staticmethod else found
    try:
        resolved = _slot_dispatcher(target)
    except Exception:  # exotic class attributes whose __getattr__ raises anything
        return None
    if type(resolved) is not Dispatcher:
        return None
    if (found is not (<Dispatcher>resolved).active_value
            and found is not (<Dispatcher>resolved).original_value):
        return None  # a functools.wraps copy of a slot function: carries __hooks__, is not the slot
    return resolved


# --- only in this twin: the per-class memo of _position ---
cdef Py_ssize_t _hierarchy_epoch = 0  # moves whenever a dispatcher's place in a hierarchy does


cdef inline void _remember(Dispatcher dispatcher, PyTypeObject* owner, int position) noexcept:
    dispatcher._known_class = owner  # compared, never dereferenced: a borrowed pointer will do
    dispatcher._known_tag = owner.tp_version_tag
    dispatcher._known_epoch = _hierarchy_epoch
    dispatcher._known_position = position
# --- end of only in this twin ---


cdef int _position(Dispatcher dispatcher, object receiver, object stack) except -1:
    """Apply the registry's super() rule to a call of a slot in a hierarchy (see ``_kinds``).

    ``stack`` is this thread's (or, for an async call, this task's) calls in progress of slots
    reached from below, as ``[dispatcher, receiver, ...]``, or None to read this thread's.
    """
    cdef PyTypeObject* owner
    cdef PyObject* found
    cdef Py_ssize_t index
    if dispatcher.receives_class:
        if not isinstance(receiver, type):
            return POSITION_MOST_DERIVED
        owner = <PyTypeObject*>receiver
    else:
        owner = Py_TYPE(receiver)
    # What the class's MRO holds as the name, no descriptor called; the type's method cache
    # answers, so the common case costs two compares.
    # --- only in this twin: what the class resolves the name to, kept per class while its
    # version tag and the hierarchies stay the same ---
    if (owner == dispatcher._known_class and owner.tp_version_tag == dispatcher._known_tag
            and dispatcher._known_epoch == _hierarchy_epoch and owner.tp_version_tag != 0):
        return dispatcher._known_position
    # --- end of only in this twin ---
    found = _type_lookup(owner, dispatcher.name)
    if (found is NULL or found is <PyObject*>dispatcher.active_value
            or found is <PyObject*>dispatcher.original_value):
        # --- only in this twin: the memo above ---
        _remember(dispatcher, owner, POSITION_MOST_DERIVED)
        # --- end of only in this twin ---
        return POSITION_MOST_DERIVED
    if dispatcher.has_children:
        resolved = _dispatcher_of(<object>found)
        if resolved is not None and dispatcher in (<Dispatcher>resolved).parents:
            # --- only in this twin: the memo above ---
            _remember(dispatcher, owner, POSITION_DELEGATED)
            # --- end of only in this twin ---
            return POSITION_DELEGATED
        if stack is None:
            stack = _in_progress()
        for index in range(len(stack) - 2, -1, -2):
            if stack[index + 1] is receiver and dispatcher in (<Dispatcher>stack[index]).parents:
                return POSITION_DELEGATED
    return POSITION_REACHED


cdef inline int _sync_defaults(Dispatcher dispatcher) except -1:
    """Give the method body the slot function's current defaults (users may assign them)."""
    source = dispatcher.source_function
    function = dispatcher.function
    if source is None:
        return 0
    if _defaults(function) is not _defaults(source):
        function.__defaults__ = source.__defaults__
    if _kwdefaults(function) is not _kwdefaults(source):
        function.__kwdefaults__ = source.__kwdefaults__


cdef object _call_reached(Dispatcher dispatcher, tuple calls,
                          PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """A hooked call of a slot reached from below (POSITION_REACHED), recorded if it has parents."""
    cdef list stack
    cdef object tracer = None
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if not calls:
            return PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
        tracer = tracer_for_call()
    if not dispatcher.parents:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, nargsf, kwnames)
    # Record the call, so that its own super() calls (to the parents) know they are delegations.
    stack = _in_progress()
    stack.append(dispatcher)
    stack.append(<object>args[0])
    try:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, nargsf, kwnames)
    finally:
        del stack[len(stack) - 2:]


async def _call_reached_async(Dispatcher dispatcher, tuple calls, tuple args, dict kwargs):
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


cdef object _call_gated(Dispatcher dispatcher, tuple calls,
                        PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """A call while the gate is open: this thread's or task's scoped skips and tracing apply."""
    calls = scoped_calls(dispatcher, calls)
    if not calls:
        return PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
    # traced if this call has a tracer (with NOTICE logging, or inside a trace() block)
    return call_with_hooks(dispatcher, calls, 0, None, tracer_for_call(), args, nargsf, kwnames)


cdef object _dispatcher_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                   PyObject* kwnames):
    """The general path of a slot call through a ``Dispatcher``: the type's vectorcall, so
    ``obj.method(*a, **kw)`` lands here with obj in args[0]."""
    # --- only in this twin: the dispatcher is the callable the call was made through ---
    cdef Dispatcher dispatcher = <Dispatcher><object>callable
    # --- end of only in this twin ---
    _sync_defaults(dispatcher)
    cdef object function = dispatcher.function
    cdef tuple calls = dispatcher.calls
    cdef int position
    if not calls:
        return PyObject_Vectorcall(function, args, nargsf, kwnames)
    # --- only in this twin: the number of positional arguments is in nargsf ---
    if dispatcher.in_hierarchy and PyVectorcall_NARGS(nargsf) > 0:
        # --- end of only in this twin ---
        position = _position(dispatcher, <object>args[0], None)
        if position == POSITION_DELEGATED:
            if _gate():
                logs.trace_super_call(dispatcher.slot)
            return PyObject_Vectorcall(function, args, nargsf, kwnames)
        if position == POSITION_REACHED:
            return _call_reached(dispatcher, calls, args, nargsf, kwnames)
    if _gate():
        return _call_gated(dispatcher, calls, args, nargsf, kwnames)
    # The common case, lean: every hook returns None, so nothing is entered, replaced or chained.
    # The first hook returning something hands over to the general path, which carries on from it.
    cdef Py_ssize_t count = len(calls)
    cdef Py_ssize_t index = 0
    cdef object value = None
    while index < count:
        value = _call_hook(dispatcher, <HookCall>calls[index], args, nargsf, kwnames)
        if value is not None:
            break
        index += 1
    if index < count:
        return call_with_hooks(dispatcher, calls, index, value, None, args, nargsf, kwnames)
    _sync_defaults(dispatcher)  # a hook may have assigned them
    return PyObject_Vectorcall(function, args, nargsf, kwnames)


async def dispatch_async(Dispatcher dispatcher, tuple args, dict kwargs):
    """The general path of an async slot call: what its coroutine runs when the hooks run."""
    _sync_defaults(dispatcher)
    function = dispatcher.function
    cdef tuple calls = dispatcher.calls
    cdef int position
    cdef HookCall hook_call
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
    cdef Py_ssize_t count = len(calls)
    cdef Py_ssize_t index = 0
    value = None
    while index < count:
        hook_call = <HookCall>calls[index]
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


@cython.final
cdef class Dispatcher:
    """Call machinery of one slot declaration, and the object the class holds on the dispatcher path.

    It stands in for the slot's function there, so it behaves like one: it shares the function's
    attribute dict, passes ``isinstance(..., FunctionType)``, reads and assigns the function's
    defaults, pickles by its qualified name, copies as itself and takes weak references.
    """

    cdef vectorcallfunc _vectorcall
    cdef dict __dict__
    cdef object __weakref__
    cdef readonly object slot
    cdef readonly object function
    cdef readonly object source_function
    cdef readonly str name
    cdef readonly bint receives_class
    cdef public tuple calls
    cdef readonly object original_value
    cdef readonly object active_value
    cdef readonly frozenset parents
    cdef readonly bint has_children
    cdef readonly bint in_hierarchy
    cdef PyTypeObject* _known_class
    cdef unsigned int _known_tag
    cdef Py_ssize_t _known_epoch
    cdef int _known_position

    # --- only in this twin: every instance is called through _dispatcher_vectorcall ---
    def __cinit__(self, *args, **kwargs):
        self._vectorcall = <vectorcallfunc>_dispatcher_vectorcall
        self.calls = ()
        self.parents = frozenset()
    # --- end of only in this twin ---

    def __init__(self, slot):
        self.slot = slot
        # the method body: a private copy of the slot's function, never its generated code
        self.function = slot.body
        # the slot's function whose defaults the body follows (None: the body is not a copy)
        self.source_function = slot.function if slot.body is not slot.function else None
        self.name = slot.name
        # a classmethod slot: the first argument is a class (the super() rule needs to know)
        self.receives_class = slot.kind == SLOT_CLASSMETHOD
        self.calls = ()
        self.original_value = None
        self.active_value = None
        self.parents = frozenset()
        self.has_children = False
        self.in_hierarchy = False
        # --- only in this twin: look like the slot's function (bind, __hooks__, __wrapped__ and
        # whatever users set live in the same dict as the function's) ---
        PyObject_GenericSetDict(self, slot.function.__dict__, NULL)
        # --- end of only in this twin ---

    def set_class_values(self, object original_value, object active_value):
        """The two objects the class can hold for this slot (plain, and dispatching)."""
        self.original_value = original_value
        self.active_value = active_value

    def set_hierarchy(self, frozenset parents, bint has_children, bint in_hierarchy):
        """Where the slot stands among the declarations of its name (decided by the registry)."""
        self.parents = parents
        self.has_children = has_children
        self.in_hierarchy = in_hierarchy
        # --- only in this twin: the memos of _position are stale ---
        global _hierarchy_epoch
        _hierarchy_epoch += 1
        # --- end of only in this twin ---

    @property
    def callable(self):
        """The general path of a call with the caller's arguments (the dispatcher itself)."""
        # --- only in this twin: the dispatcher's type has the vectorcall ---
        return self
        # --- end of only in this twin ---

    # --- only in this twin: function-like, for code that receives `Cls.method` (inspect, pickle,
    # copy, decorators); the pure-Python twin's class keeps the function itself ---

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return PyMethod_New(self, instance)

    @property
    def __class__(self):
        return FunctionType if type(self.slot.function) is FunctionType else Dispatcher

    @property
    def __name__(self):
        return self.slot.function.__name__

    @__name__.setter
    def __name__(self, value):
        self.slot.function.__name__ = value

    @property
    def __qualname__(self):
        return self.slot.function.__qualname__

    @__qualname__.setter
    def __qualname__(self, value):
        self.slot.function.__qualname__ = value

    @property
    def __module__(self):
        return self.slot.function.__module__

    @__module__.setter
    def __module__(self, value):
        self.slot.function.__module__ = value

    @property
    def __doc__(self):
        return self.slot.function.__doc__

    @__doc__.setter
    def __doc__(self, value):
        self.slot.function.__doc__ = value

    @property
    def __defaults__(self):
        return self.slot.function.__defaults__

    @__defaults__.setter
    def __defaults__(self, value):
        self.slot.function.__defaults__ = value

    @property
    def __kwdefaults__(self):
        return self.slot.function.__kwdefaults__

    @__kwdefaults__.setter
    def __kwdefaults__(self, value):
        self.slot.function.__kwdefaults__ = value

    def __getattr__(self, name):
        # what the function has outside its dict: __code__, __globals__, __annotations__, ...
        return getattr(self.slot.function, name)

    def __reduce__(self):
        # as pickle does for a function: by reference to its qualified name in its module
        return self.slot.function.__qualname__

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return f"<hookfast slot dispatcher {self.slot.function.__qualname__!r}>"

    # --- end of only in this twin ---


# --- what generated code calls (``hookfast._codegen``): the general path, entered mid-call ---


@cython.final
cdef class _Stopped:
    """What :func:`send` returns when the generator returned instead of yielding."""

    def __reduce__(self):
        return "STOPPED"

    def __repr__(self):
        return "STOPPED"


STOPPED = _Stopped()
cdef object _STOPPED = STOPPED


def send(generator, value):
    """``generator.send(value)``, or :data:`STOPPED` if it returned (no exception to catch)."""
    # --- only in this twin: a send that makes no StopIteration ---
    cdef PyObject* result = NULL
    cdef int status = hookfast_send(<PyObject*>generator, <PyObject*>value, &result)
    if status < 0:
        hookfast_propagate()
    if status == 0:
        _decref(result)
        return _STOPPED
    return _steal(result)
    # --- end of only in this twin ---


def generator_exit(generator):
    """Leave a generator hook after a call that raised nothing (:meth:`GeneratorContext.exit`)."""
    GeneratorContext(generator).exit(None, None, None)


async def agenerator_exit(generator):
    """Leave an async generator hook after a call that raised nothing."""
    await AsyncGeneratorContext(generator).exit(None, None, None)


def hook_error(Dispatcher dispatcher, HookCall hook_call, exc, tuple args, dict kwargs):
    """A hook raised ``exc``: the SignatureError to raise instead, or None after logging ``exc``."""
    return _hook_error(dispatcher, hook_call, exc, args, kwargs)


def hook_failed(HookCall hook_call):
    """An ``async def`` hook's coroutine raised: log it as the hook's error."""
    logs.log_hook_error(hook_call.hook)


def process_error(HookCall hook_call):
    """A hook's ``process_result`` raised: log it."""
    logs.log_process_result_error(hook_call.hook)


def position(Dispatcher dispatcher, receiver):
    """The ``super()`` rule for a sync call of a slot in a hierarchy (a ``POSITION_*`` kind)."""
    return _position(dispatcher, receiver, None)


def position_async(Dispatcher dispatcher, receiver):
    """The ``super()`` rule for an async call, with this task's calls in progress."""
    return _position(dispatcher, receiver, _async_in_progress.get())


def continue_call(Dispatcher dispatcher, tuple calls, Py_ssize_t start, first_value, tuple args, dict kwargs,
                  list entered):
    """Carry on with :func:`call_with_hooks` from hook ``start``, the contexts ``entered`` entered."""
    return _call_with_hooks_packed(dispatcher, calls, start, first_value, None, args, kwargs, entered)


async def continue_async(Dispatcher dispatcher, tuple calls, Py_ssize_t start, first_value, tuple args,
                         dict kwargs, list entered):
    """Carry on with :func:`call_with_hooks_async` from hook ``start``."""
    return await call_with_hooks_async(dispatcher, calls, start, first_value, None, args, kwargs, entered)


def entered_contexts(tuple calls, *states):
    """The contexts generated code entered, as the general path keeps them.

    Each state is ``(hook index, value or None if not entered, first value, finished, is async)``.
    """
    contexts = []
    for index, value, first_value, _finished, _is_async in states:
        if value is None:
            continue
        if isinstance(value, Generator):
            contexts.append((calls[index], GeneratorContext(value, first_value)))
        else:
            contexts.append((calls[index], value))
    return contexts


def entered_contexts_async(tuple calls, *states):
    """:func:`entered_contexts` for an async slot: ``(hook call, context, is async)`` each."""
    contexts = []
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


def unwind_entered(exc, list entered):
    """Exit what generated code entered after ``exc``; True if a context suppressed it."""
    return entered is not None and unwind(entered, exc, None)


async def unwind_entered_async(exc, list entered):
    """:func:`unwind_entered` for an async slot."""
    return entered is not None and await unwind_async(entered, exc, None)


def exits_failed(exc, result, list remaining):
    """An exit raised ``exc`` after a call that succeeded: exit the ``remaining`` contexts with it.

    Returns ``result`` if one of them suppresses it, as :func:`unwind` does for a call.
    """
    _fix_exception_context(exc, None, _handled_exception())
    unwind(remaining or [], exc, None, True)
    return result


async def exits_failed_async(exc, result, list remaining):
    """:func:`exits_failed` for an async slot."""
    _fix_exception_context(exc, None, _handled_exception())
    await unwind_async(remaining or [], exc, None, True)
    return result


def generated_code_helpers():
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


_enable_vectorcall()
