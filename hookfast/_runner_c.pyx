# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: freethreading_compatible=False
"""The runner's hot path, compiled: ``runner.call_hook(point, ...)`` over a precomputed call list.

The twin of ``_runner_py.py``: same top-level names in the same order (``scripts/check_twins.py``),
except inside ``# --- only in this twin`` fences, and the same behaviour; read that module for the
specification. ``CallHook`` is a ``cdef class`` with a vectorcall slot and the method-descriptor
flag (set up with ``_dispatch_c.h``, like the slot dispatcher), so ``runner.call_hook(name)``
reaches it without a bound method, an argument tuple or a keyword dict, and the hooks are called
with the caller's arguments from a C array.
"""

cimport cython
from cpython.object cimport PyObject, PyTypeObject

BACKEND = "cython"

# --- only in this twin: the C API, and the helpers around it ---

cdef extern from "Python.h":
    ctypedef PyObject* (*vectorcallfunc)(PyObject* callable, PyObject* const* args,
                                         size_t nargsf, PyObject* kwnames)
    Py_ssize_t PyVectorcall_NARGS(size_t nargsf)
    size_t PY_VECTORCALL_ARGUMENTS_OFFSET
    object PyObject_Vectorcall(object callable, PyObject* const* args, size_t nargsf, PyObject* kwnames)
    int PyDict_CheckExact(object o)
    PyObject* PyObject_GenericGetDict(object o, void* context)
    void Py_DECREF(PyObject* o)
    void PyErr_Clear()
    int PyUnicode_CheckExact(object o)
    # unchecked: with exact str keys, a look-up in a dict cannot raise
    PyObject* _dict_get "PyDict_GetItemWithError" (object d, object key)
    object PyMethod_New(object func, object self)

cdef extern from "_dispatch_c.h":
    int hookfast_enable_vectorcall(PyTypeObject* tp, Py_ssize_t offset) except -1

cdef str _CALLS = "_hookfast_calls"
# Calls with more arguments than this go through a Python-level call (never in practice).
cdef enum:
    STACK_ARGS = 16


cdef object _cached_calls(object runner, object fn_name):
    """``runner._hookfast_calls[fn_name]``, or None when there is no such entry yet.

    Read from the instance dict directly: the attribute machinery would first search the
    runner's class for a descriptor of that name, which it never has.
    """
    cdef PyObject* state
    cdef PyObject* cache
    cdef PyObject* found = NULL
    if not PyUnicode_CheckExact(fn_name):
        return None  # the builder says what is wrong with it
    state = PyObject_GenericGetDict(runner, NULL)
    if state is NULL:  # no instance dict (a runner class with __slots__)
        PyErr_Clear()
        return None
    cache = _dict_get(<object>state, _CALLS)
    if cache is not NULL and PyDict_CheckExact(<object>cache):
        found = _dict_get(<object>cache, fn_name)
    Py_DECREF(state)
    if found is NULL:
        return None
    return <object>found


cdef int _enable_vectorcall() except -1:
    """Make calls of a ``CallHook`` land in ``_call_hook_vectorcall`` (once, at import)."""
    cdef CallHook sample = CallHook.__new__(CallHook)
    return hookfast_enable_vectorcall(
        <PyTypeObject*>CallHook,
        <Py_ssize_t>(<char*>&sample._vectorcall - <char*><PyObject*>sample),
    )


# --- end of only in this twin ---


cdef object _call_hook_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                  PyObject* kwnames):
    """``runner.call_hook(fn_name, *args, **kwargs)``: the type's vectorcall, with the runner in
    args[0] and the point's name in args[1]."""
    cdef CallHook call_hook = <CallHook><object>callable
    cdef Py_ssize_t nargs = PyVectorcall_NARGS(nargsf)
    cdef Py_ssize_t nkwargs = 0 if kwnames is NULL else len(<tuple>kwnames)
    cdef Py_ssize_t index
    cdef tuple calls
    # stack[0] is free for the callee (PY_VECTORCALL_ARGUMENTS_OFFSET): a bound method puts its
    # self there instead of copying the arguments.
    cdef PyObject* stack[STACK_ARGS + 1]
    if nargs < 2:
        raise TypeError(
            f"call_hook() needs the runner and the name of a point, got {nargs} positional argument(s)"
        )
    runner = <object>args[0]
    fn_name = <object>args[1]
    found = _cached_calls(runner, fn_name)
    calls = call_hook.build(runner, fn_name) if found is None else found
    if len(calls) == 0:
        return None
    if nargs - 1 + nkwargs > STACK_ARGS:
        positional = tuple([<object>args[index] for index in range(2, nargs)])
        keywords = {}
        for index in range(nkwargs):
            keywords[(<tuple>kwnames)[index]] = <object>args[nargs + index]
        for call in calls:
            call(runner, *positional, **keywords)
        return None
    # the arguments each hook receives: the runner, then the caller's, after the point's name
    stack[1] = args[0]
    for index in range(2, nargs + nkwargs):
        stack[index] = args[index]
    for call in calls:
        PyObject_Vectorcall(call, &stack[1], <size_t>(nargs - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET,
                            kwnames)
    return None


@cython.final
@cython.auto_pickle(False)  # holds the thin layer's builder: nothing to pickle
cdef class CallHook:
    """The ``call_hook`` method of the runners of one class (see ``_runner_py.py``)."""

    cdef vectorcallfunc _vectorcall
    cdef readonly object build

    # --- only in this twin: every instance is called through _call_hook_vectorcall ---
    def __cinit__(self, *args, **kwargs):
        self._vectorcall = <vectorcallfunc>_call_hook_vectorcall
    # --- end of only in this twin ---

    def __init__(self, build):
        # build(runner, point): the point's call list, stored in runner._hookfast_calls
        self.build = build

    @property
    def callable(self):
        """What the runner class holds as ``call_hook``."""
        return self

    # --- only in this twin: a method of the runner class, like a function ---

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return PyMethod_New(self, instance)

    def __repr__(self):
        return "<hookfast compiled HookRunner.call_hook>"

    # --- end of only in this twin ---

_enable_vectorcall()
