# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: freethreading_compatible=False
"""The hot path, compiled: calling a slot's active hooks around its original method.

The twin of ``_dispatch_py.py``: same top-level names in the same order (``scripts/check_twins.py``
fails CI otherwise), except inside blocks fenced by ``# --- only in this twin`` comments, and the
same behaviour; read that module for the specification. What differs is only how calls are made:
the dispatcher is a ``cdef class`` with a vectorcall slot and the method-descriptor flag, so
``obj.method(...)`` reaches it without a bound method object or an argument tuple, and the
arguments are forwarded to hooks and to the original method as the caller's C array. The raw C
it needs is in ``_dispatch_c.h``.
"""

cimport cython
from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_TYPE

from collections.abc import Generator
from contextlib import AbstractContextManager
from types import FunctionType

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
    int PyType_Check(object o)
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    PyObject* Py_True
    PyObject* PyThreadState_GetDict()
    int PyObject_GenericSetDict(object o, object value, void* context) except -1
    void Py_XDECREF(PyObject* o)

cdef extern from "_dispatch_c.h":
    int hookfast_enable_vectorcall(PyTypeObject* tp, Py_ssize_t offset) except -1
    int hookfast_send(PyObject* gen, PyObject* arg, PyObject** result)
    int hookfast_propagate() except -1

# The kinds of ``hookfast._kinds`` as C variables: compared on the call path like an enum.
cdef int RESULT_NONE = _kinds.RESULT_NONE
cdef int RESULT_VALUE = _kinds.RESULT_VALUE
cdef int RESULT_GENERATOR = _kinds.RESULT_GENERATOR
cdef int RESULT_CONTEXT = _kinds.RESULT_CONTEXT
cdef int POSITION_MOST_DERIVED = _kinds.POSITION_MOST_DERIVED
cdef int POSITION_DELEGATED = _kinds.POSITION_DELEGATED
cdef int POSITION_REACHED = _kinds.POSITION_REACHED

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


# --- end of only in this twin ---


def set_gate(bint open_):
    """Hold the gate open while some ``hookfast.trace()`` block or scoped skip is active."""
    global _gate_open
    _gate_open = open_


cdef Py_ssize_t _RESULT_KIND_CACHE_SIZE = 1024
cdef dict _result_kinds = {}


cdef int result_kind(object result) except -1:
    """Classify a hook's non-``None`` return value, as onETL does, with one dict look-up per call."""
    cdef object result_type = type(result)
    cdef PyObject* cached = PyDict_GetItemWithError(_result_kinds, result_type)
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


@cython.final
cdef class GeneratorContext:
    """Drives a generator returned by a hook like ``contextlib.contextmanager`` does."""

    cdef readonly object generator
    cdef readonly object first_value

    def __init__(self, generator):
        self.generator = generator
        self.first_value = None

    cdef int enter(self) except -1:
        cdef PyObject* value = NULL
        cdef int status = hookfast_send(<PyObject*>self.generator, <PyObject*>None, &value)
        if status < 0:
            hookfast_propagate()
        if status == 1:  # yielded: remember the value (a bare return leaves None, as onETL)
            self.first_value = <object>value
        _decref(value)
        return 0

    cdef object process_result(self, object result):
        cdef PyObject* value = NULL
        cdef int status = hookfast_send(<PyObject*>self.generator, <PyObject*>result, &value)
        if status < 0:
            hookfast_propagate()
        if status == 0:  # finished: `yield value` alone means the value yielded on entry replaces
            _decref(value)
            return self.first_value
        return _steal(value)

    cdef bint exit(self, object exc_type, object exc, object traceback) except -1:
        # A copy of contextlib._GeneratorContextManager.__exit__ (3.12), as onETL 0.17 uses.
        cdef PyObject* value = NULL
        cdef int status
        generator = self.generator
        if exc is None:
            status = hookfast_send(<PyObject*>generator, <PyObject*>None, &value)
            if status < 0:
                hookfast_propagate()
            _decref(value)
            if status == 0:
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


cdef bint _exit_context(object context, object exc) except -1:
    if type(context) is GeneratorContext:
        if exc is None:
            return (<GeneratorContext>context).exit(None, None, None)
        return (<GeneratorContext>context).exit(type(exc), exc, exc.__traceback__)
    exit_method = _class_attribute(type(context), _EXIT)
    if exit_method is None:
        raise AttributeError(_EXIT)
    if exc is None:
        return bool(exit_method(context, None, None, None))
    return bool(exit_method(context, type(exc), exc, exc.__traceback__))


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


cdef bint unwind(list contexts, object exc, object tracer) except -1:
    """Exit the entered contexts in reverse order with ``contextlib.ExitStack``'s rules.

    Returns True if ``exc`` (not None) was suppressed by one of them; raises whatever exception
    an exit raised last; returns False if ``exc`` must be re-raised by the caller.
    """
    cdef object frame_exc = exc
    cdef bint received = exc is not None
    cdef bint suppressed = False
    cdef bint pending_raise = False
    cdef bint exit_suppresses
    cdef tuple entry
    cdef Py_ssize_t index
    for index in range(len(contexts) - 1, -1, -1):
        entry = <tuple>contexts[index]  # (hook_call, context)
        try:
            exit_suppresses = _exit_context(entry[1], exc)
        except BaseException as new_exc:
            if tracer is not None:
                tracer.exit_raised(entry[0], new_exc)
            _fix_exception_context(new_exc, exc, frame_exc)
            pending_raise = True
            exc = new_exc
            continue
        if tracer is not None:
            tracer.exited(entry[0], exit_suppresses and exc is not None)
        if exit_suppresses:
            suppressed = True
            pending_raise = False
            exc = None
    if pending_raise:
        fixed_context = exc.__context__
        try:
            raise exc
        except BaseException:
            exc.__context__ = fixed_context
            raise
    return received and suppressed


cdef object _hook_error(Dispatcher dispatcher, HookCall hook_call, object exc,
                        PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """A hook raised ``exc``: the SignatureError to raise instead, or None after logging ``exc``."""
    signature_error = None
    if isinstance(exc, TypeError):
        positional, keywords = _pack(args, nargsf, kwnames)
        signature_error = diagnose_hook_call(
            dispatcher.function, hook_call.callback, hook_call.method_name, positional, keywords
        )
    if signature_error is None:
        logs.log_hook_error(hook_call.hook)
    return signature_error


cdef object _call_hook(Dispatcher dispatcher, HookCall hook_call,
                       PyObject* const* args, size_t nargsf, PyObject* kwnames):
    cdef PyObject* value
    if hook_call.method_name is None:
        # Entering a Cython try block saves and restores the handled-exception state, a cost on
        # every hook: call first, and enter it only when the hook raised.
        value = _vectorcall_or_null(hook_call.callback, args, nargsf, kwnames)
        if value is not NULL:
            return _steal(value)
    try:
        if hook_call.method_name is None:
            hookfast_propagate()  # the hook's exception, pending: handled below
        return _invoke_hook(hook_call, args, nargsf, kwnames)
    except Exception as exc:
        signature_error = _hook_error(dispatcher, hook_call, exc, args, nargsf, kwnames)
        if signature_error is None:
            raise
        raise signature_error from signature_error.__cause__


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


cdef object call_with_hooks(Dispatcher dispatcher, tuple calls, Py_ssize_t start, object first_value,
                            object tracer, PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """Run one slot call: hooks in order, the original method, result chaining, unwinding.

    The hooks before ``start`` already ran and returned None; hook ``start`` returned
    ``first_value`` (or is still to be called if that is None).
    """
    cdef Py_ssize_t count = len(calls)
    cdef Py_ssize_t number
    cdef list contexts = None
    cdef HookCall hook_call
    cdef HookCall replaced_by = None
    cdef object replacement = None
    cdef object value, context, result
    cdef int kind
    cdef int indent = 0
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
            if kind == RESULT_GENERATOR:
                context = GeneratorContext(value)
                (<GeneratorContext>context).enter()
            else:
                context = value
                enter = _class_attribute(type(value), _ENTER)
                if enter is None or _class_attribute(type(value), _EXIT) is None:
                    raise TypeError(
                        f"'{type(value).__qualname__}' object does not support the context manager protocol"
                    )
                enter(value)
            if contexts is None:
                contexts = []
            contexts.append((hook_call, context))
            indent += 2
        if tracer is not None:
            tracer.calling_original(dispatcher.slot, indent)
        result = PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
        if tracer is not None:
            tracer.original_returned(indent, result)
        if replaced_by is not None:
            if tracer is not None:
                tracer.result_replaced(result, replaced_by)
            result = replacement
        if contexts is not None:
            indent = 0
            for number in range(len(contexts)):
                entry = <tuple>contexts[number]
                result = _process_result(<HookCall>entry[0], entry[1], result, tracer, indent)
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


cdef list _in_progress():
    """This thread's calls in progress of slots reached from below: [dispatcher, receiver, ...]."""
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


cdef object _dispatcher_of(object found):
    """The dispatcher of the slot whose own object a class attribute ``found`` is, if any."""
    found_type = type(found)
    target = found.__func__ if found_type is classmethod or found_type is staticmethod else found
    if type(target) is Dispatcher:
        resolved = target
    else:
        try:
            resolved = getattr(getattr(target, "__hooks__", None), "dispatcher", None)
        except Exception:  # exotic class attributes whose __getattr__ raises anything
            return None
        if type(resolved) is not Dispatcher:
            return None
    if (found is not (<Dispatcher>resolved).active_value
            and found is not (<Dispatcher>resolved).original_value):
        return None  # a functools.wraps copy of a slot function: carries __hooks__, is not the slot
    return resolved


cdef int _position(Dispatcher dispatcher, object receiver) except -1:
    """Apply the registry's super() rule to a call of a slot in a hierarchy (see ``_kinds``)."""
    cdef PyTypeObject* owner
    cdef PyObject* found
    cdef list stack
    cdef Py_ssize_t index
    if dispatcher.receives_class:
        if not PyType_Check(receiver):
            return POSITION_MOST_DERIVED
        owner = <PyTypeObject*>receiver
    else:
        owner = Py_TYPE(receiver)
    # What the class's MRO holds as the name, no descriptor called; the type's method cache
    # answers, so the common case costs two compares.
    found = _PyType_Lookup(owner, dispatcher.name)
    if (found is NULL or found == <PyObject*>dispatcher.active_value
            or found == <PyObject*>dispatcher.original_value):
        return POSITION_MOST_DERIVED
    if dispatcher.has_children:
        resolved = _dispatcher_of(<object>found)
        if resolved is not None and dispatcher in (<Dispatcher>resolved).parents:
            return POSITION_DELEGATED
        stack = _in_progress()
        for index in range(len(stack) - 2, -1, -2):
            if stack[index + 1] is receiver and dispatcher in (<Dispatcher>stack[index]).parents:
                return POSITION_DELEGATED
    return POSITION_REACHED


cdef object _call_reached(Dispatcher dispatcher, tuple calls,
                          PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """A hooked call of a slot reached from below (POSITION_REACHED), recorded if it has parents."""
    cdef list stack
    cdef object tracer = None
    if _gate():
        calls = scoped_calls(dispatcher, calls)
        if len(calls) == 0:
            return PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
        tracer = tracer_for_call()
    if len(dispatcher.parents) == 0:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, nargsf, kwnames)
    # Record the call, so that its own super() calls (to the parents) know they are delegations.
    stack = _in_progress()
    stack.append(dispatcher)
    stack.append(<object>args[0])
    try:
        return call_with_hooks(dispatcher, calls, 0, None, tracer, args, nargsf, kwnames)
    finally:
        del stack[len(stack) - 2:]


cdef object _call_gated(Dispatcher dispatcher, tuple calls,
                        PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """A call while the gate is open: this thread's or task's scoped skips and tracing apply."""
    calls = scoped_calls(dispatcher, calls)
    if len(calls) == 0:
        return PyObject_Vectorcall(dispatcher.function, args, nargsf, kwnames)
    # traced if this call has a tracer (with NOTICE logging, or inside a trace() block)
    return call_with_hooks(dispatcher, calls, 0, None, tracer_for_call(), args, nargsf, kwnames)


cdef object _dispatcher_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                   PyObject* kwnames):
    """The slot call through a ``Dispatcher``: the type's vectorcall, so ``obj.method(*a, **kw)``
    lands here with obj in args[0]."""
    cdef Dispatcher dispatcher = <Dispatcher><object>callable
    cdef object function = dispatcher.function
    cdef tuple calls = dispatcher.calls
    cdef int position
    if len(calls) == 0:
        return PyObject_Vectorcall(function, args, nargsf, kwnames)
    if dispatcher.in_hierarchy and PyVectorcall_NARGS(nargsf) > 0:
        position = _position(dispatcher, <object>args[0])
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
    return PyObject_Vectorcall(function, args, nargsf, kwnames)


@cython.final
cdef class Dispatcher:
    """Call machinery of one slot declaration, and the object installed in the class while hooks can run.

    It stands in for the slot's function there, so it behaves like one: it shares the function's
    attribute dict, passes ``isinstance(..., FunctionType)``, pickles by its qualified name,
    copies as itself and takes weak references.
    """

    cdef vectorcallfunc _vectorcall
    cdef dict __dict__
    cdef object __weakref__
    cdef readonly object slot
    cdef readonly object function
    cdef readonly str name
    cdef readonly bint receives_class
    cdef public tuple calls
    cdef readonly object original_value
    cdef readonly object active_value
    cdef readonly frozenset parents
    cdef readonly bint has_children
    cdef readonly bint in_hierarchy

    # --- only in this twin: every instance is called through _dispatcher_vectorcall ---
    def __cinit__(self, *args, **kwargs):
        self._vectorcall = <vectorcallfunc>_dispatcher_vectorcall
        self.calls = ()
        self.parents = frozenset()
    # --- end of only in this twin ---

    def __init__(self, slot):
        self.slot = slot
        # the method body: a private copy of the slot's function, never its trampoline
        self.function = slot.body
        self.name = slot.name
        # a classmethod slot: the first argument is a class (the super() rule needs to know)
        self.receives_class = slot.kind == _kinds.SLOT_CLASSMETHOD
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

    @property
    def callable(self):
        """What the class holds (wrapped like the original) and the slot's trampoline calls."""
        return self

    # --- only in this twin: function-like, for code that receives `Cls.method` (inspect, pickle,
    # copy, decorators); the pure-Python twin's callable is a real function ---

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

    def __getattr__(self, name):
        # what the function has outside its dict: __code__, __defaults__, __annotations__, ...
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


_enable_vectorcall()
