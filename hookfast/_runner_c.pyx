# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: freethreading_compatible=False
"""The runner's hot path, compiled: ``runner.call_hook(point, ...)``, mmcv's loop over a plan.

The twin of ``_runner_py.py``: same names in the same order and the same statements in each
function (``scripts/check_twins.py``), except inside ``# --- only in this twin`` fences, and the
same behaviour; read that module for the specification. ``CallHook`` is a ``cdef class`` with a vectorcall slot and the method-descriptor
flag (set up with ``_dispatch_c.h``, like the slot dispatcher), so ``runner.call_hook(name)``
reaches it without a bound method, an argument tuple or a keyword dict, and the hooks are called
with the caller's arguments from a C array. Where the Python twin compares a position's witnesses
(two ``getattr`` on the hook's class), this one first compares the class's version tag
(``_runner_c.h``), which CPython changes whenever the class or any of its bases changes: only
then does it ask ``hookfast.runner`` to look at the witnesses.
"""

cimport cython
from cpython.bytearray cimport PyByteArray_AS_STRING
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject, PyTypeObject

BACKEND = "cython"

# --- only in this twin: the C API, and the helpers around it ---

cdef extern from "Python.h":
    ctypedef PyObject* (*vectorcallfunc)(PyObject* callable, PyObject* const* args,
                                         size_t nargsf, PyObject* kwnames)
    Py_ssize_t PyVectorcall_NARGS(size_t nargsf)
    size_t PY_VECTORCALL_ARGUMENTS_OFFSET
    # unchecked: returns NULL with the exception set
    PyObject* _vectorcall "PyObject_Vectorcall" (PyObject* callable, PyObject* const* args, size_t nargsf,
                                                  PyObject* kwnames)
    PyObject* PyList_GET_ITEM(object o, Py_ssize_t i)
    PyObject* PyTuple_GET_ITEM(object o, Py_ssize_t i)
    Py_ssize_t PyTuple_GET_SIZE(object o)
    void Py_INCREF(PyObject* o)
    PyTypeObject* Py_TYPE(PyObject* o)
    void Py_DECREF(PyObject* o)
    # unchecked: with exact str keys, a look-up in a dict cannot raise; the same name as the
    # Python twin's dict.get
    PyObject* _lookup "PyDict_GetItemWithError" (PyObject* d, PyObject* key)
    # the weak reference to a plan, under the name the Python twin gives weakref.ref
    object _weak_ref "PyWeakref_NewRef" (object ob, object callback)
    object PyMethod_New(object func, object self)

cdef extern from "_dispatch_c.h":
    int hookfast_enable_vectorcall(PyTypeObject* tp, Py_ssize_t offset) except -1

cdef extern from "_runner_c.h":
    ctypedef struct _Position "hookfast_position":
        PyObject* hook
        unsigned int tag
        PyObject* function
        PyObject* self
    Py_ssize_t hookfast_pass_idle(PyObject* listed, const _Position* positions, Py_ssize_t size,
                                  Py_ssize_t index)
    int hookfast_runner_raise() except -1
    object hookfast_weak_target(PyObject* ref)
    # the runner's instance dict, borrowed, or NULL (the same name in the Python twin)
    PyObject* _instance_dict "hookfast_instance_dict" (PyObject* o)
    unsigned int hookfast_type_tag(PyTypeObject* tp)
    unsigned int hookfast_assign_tag(PyTypeObject* tp, object name)

cdef str _HOOKS = "_hooks"
cdef str _PLANS = "_hookfast_calls"
# Any interned name: 3.9-3.11 assign a type's version tag as a side effect of a look-up.
cdef str _TAG_LOOKUP = "__init__"
# Calls with more arguments than this take them from a heap array (never in practice).
cdef enum:
    STACK_ARGS = 16


cdef tuple _pack(PyObject* const* args, size_t nargsf, PyObject* kwnames):
    """The caller's arguments after the runner and the point's name, as ``(args, kwargs)``."""
    cdef Py_ssize_t nargs = PyVectorcall_NARGS(nargsf)
    cdef Py_ssize_t nkwargs = 0 if kwnames is NULL else PyTuple_GET_SIZE(<object>kwnames)
    return (
        tuple([<object>args[index] for index in range(2, nargs)]),
        {(<tuple>kwnames)[index]: <object>args[nargs + index] for index in range(nkwargs)},
    )


cdef int _enable_vectorcall() except -1:
    """Make calls of a ``CallHook`` land in ``_call_hook_vectorcall`` (once, at import)."""
    cdef CallHook sample = CallHook.__new__(CallHook)
    return hookfast_enable_vectorcall(
        <PyTypeObject*>CallHook,
        <Py_ssize_t>(<char*>&sample._vectorcall - <char*><PyObject*>sample),
    )


# --- end of only in this twin ---

cdef unsigned long long _generation = 0


def points_changed():
    """A point attribute of some hook was set or deleted (called by ``hookfast.runner``)."""
    global _generation
    _generation += 1


@cython.final
@cython.auto_pickle(False)  # a cache: runners pickle their plans as empty (hookfast.runner._Plans)
cdef class Plan:
    """What a runner calls at one point, for each position of its hook list (see ``_runner_py.py``)."""

    cdef readonly object hooks_list
    cdef readonly tuple hooks
    cdef readonly tuple types
    cdef list _functions
    cdef list _selves
    cdef readonly list witness_n
    cdef readonly list witness_g
    cdef readonly tuple instance
    cdef readonly object forward
    cdef readonly bint own
    cdef readonly Py_ssize_t size
    cdef readonly unsigned long long generation
    # --- only in this twin: what the call path reads, position by position ---
    # borrowed from hooks, _functions and _selves (which the GC sees); tag: see _Position
    cdef _Position* positions
    # CallHook.recent refers to plans weakly
    cdef object __weakref__

    def __cinit__(self, *args, **kwargs):
        self.positions = NULL

    def __dealloc__(self):
        PyMem_Free(self.positions)
    # --- end of only in this twin ---

    def __init__(self, hooks_list, hooks, types, functions, selves, witness_n, witness_g, instance,
                 forward, bint own):
        cdef Py_ssize_t size = len(hooks)
        cdef Py_ssize_t index
        if not len(types) == len(functions) == len(selves) == len(witness_n) == len(witness_g) == size:
            raise ValueError("a plan needs one entry per hook in each of its sequences")
        if len(instance) != size:
            raise ValueError("a plan needs one entry per hook in each of its sequences")
        if not isinstance(hooks_list, list):
            raise TypeError(f"a plan's hook list must be a list, got {hooks_list!r}")
        # --- only in this twin: the C array of the positions, made once; the classes checked, as
        # their version tags are read ---
        if self.positions is not NULL:
            raise TypeError("a Plan is initialised once")
        types = tuple(types)
        for cls in types:
            if not isinstance(cls, type):
                raise TypeError(f"a plan's types must be classes, got {cls!r}")
        self.positions = <_Position*>PyMem_Malloc((size if size else 1) * sizeof(_Position))
        if self.positions is NULL:
            raise MemoryError()
        # --- end of only in this twin ---
        self.hooks_list = hooks_list
        self.hooks = tuple(hooks)
        self.types = tuple(types)
        self._functions = list(functions)
        self._selves = list(selves)
        self.witness_n = list(witness_n)
        self.witness_g = list(witness_g)
        self.instance = tuple(instance)
        self.forward = forward
        self.own = own
        self.size = size
        self.generation = _generation
        for index in range(size):
            self.positions[index].hook = PyTuple_GET_ITEM(self.hooks, index)
            self.positions[index].function = PyList_GET_ITEM(self._functions, index)
            self.positions[index].self = PyList_GET_ITEM(self._selves, index)
            # --- only in this twin: the version tag of the position's class (see _runner_c.h) ---
            self.positions[index].tag = hookfast_assign_tag(<PyTypeObject*>self.types[index], _TAG_LOOKUP)
            # --- end of only in this twin ---

    @property
    def functions(self):
        """What each position calls (None: nothing)."""
        return tuple(self._functions)

    @property
    def selves(self):
        """The first argument of each position's call (None: the call starts with the runner)."""
        return tuple(self._selves)

    def decide(self, Py_ssize_t index, function, self_, witness, forward_witness):
        """Set what position ``index`` calls, and the witnesses it was decided on."""
        # --- only in this twin: a C array has no bounds of its own ---
        if not 0 <= index < self.size:
            raise IndexError(f"no position {index} in a plan of {self.size}")
        # --- end of only in this twin ---
        self._functions[index] = function
        self._selves[index] = self_
        self.witness_n[index] = witness
        self.witness_g[index] = forward_witness
        self.positions[index].function = PyList_GET_ITEM(self._functions, index)
        self.positions[index].self = PyList_GET_ITEM(self._selves, index)


cdef bint _current(Plan plan, list hooks):
    """Whether ``hooks`` holds what ``plan`` was built for: the same hooks and classes, and generation."""
    cdef Py_ssize_t index
    cdef PyObject* hook
    if plan.generation != _generation or len(hooks) != plan.size:
        return False
    for index in range(plan.size):
        hook = PyList_GET_ITEM(hooks, index)
        if hook is not plan.positions[index].hook or <PyObject*>Py_TYPE(hook) is not PyTuple_GET_ITEM(plan.types, index):
            return False
    return True


cdef inline int _run(CallHook call_hook, object runner, object fn_name, list hooks, Plan plan,
                     PyObject* const* args, size_t nargsf, PyObject* kwnames) except -1:
    """mmcv's loop over the live ``hooks``, position by position with ``plan`` while it holds: each
    hook gets the runner, then the caller's arguments after the point's name."""
    # --- only in this twin: the arguments each hook gets after its self, on a stack array:
    # stack[2:] holds the runner, the caller's arguments after the name, then the values of
    # kwnames; stack[0] is free for the callee (PY_VECTORCALL_ARGUMENTS_OFFSET), stack[1] for the
    # hook when it is called as a method's self: no bound method, no copy of the arguments ---
    cdef Py_ssize_t nargs = PyVectorcall_NARGS(nargsf)
    cdef Py_ssize_t count = nargs - 1 + (0 if kwnames is NULL else PyTuple_GET_SIZE(<object>kwnames))
    cdef size_t plain = <size_t>(nargs - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET
    cdef size_t with_self = <size_t>nargs | PY_VECTORCALL_ARGUMENTS_OFFSET
    cdef PyObject* small[STACK_ARGS + 2]
    cdef PyObject** stack = small
    cdef bytearray heap  # the array, when a call has more arguments (never in practice)
    cdef Py_ssize_t index
    cdef Py_ssize_t renewed
    cdef PyObject* hook
    cdef PyObject* function
    cdef PyObject* hook_self
    cdef PyObject* result
    cdef _Position* position
    cdef bint changed
    if count > STACK_ARGS:
        heap = bytearray((count + 2) * sizeof(PyObject*))
        stack = <PyObject**>PyByteArray_AS_STRING(heap)
    stack[2] = args[0]
    for index in range(2, count + 1):
        stack[index + 1] = args[index]
    # --- end of only in this twin ---
    index = 0
    renewed = -1
    while index < len(hooks):
        # --- only in this twin: the positions that still hold their hook, of a class whose tag
        # has not moved, and call nothing, passed in C (_runner_c.h) ---
        if plan.generation == _generation:
            index = hookfast_pass_idle(<PyObject*>hooks, plan.positions, plan.size, index)
            if index >= len(hooks):
                break
        # --- end of only in this twin ---
        hook = PyList_GET_ITEM(hooks, index)
        if index >= plan.size or hook is not plan.positions[index].hook or plan.generation != _generation:
            plan = <Plan?>call_hook.rebuild(runner, fn_name, hooks)
            renewed = index  # its positions were decided just now
            continue
        position = &plan.positions[index]
        # --- only in this twin: a tag is one state of one class: the same nonzero tag is the same,
        # unchanged class; another class, a change of the class (or a base), or no tag: the
        # witnesses decide ---
        changed = position.tag == 0 or hookfast_type_tag(Py_TYPE(hook)) != position.tag
        # --- end of only in this twin ---
        if renewed != index and changed:
            plan = <Plan?>call_hook.renew(runner, plan, fn_name, hooks, index)
            # --- only in this twin: the tag the class has now that the witnesses were checked ---
            plan.positions[index].tag = hookfast_assign_tag(Py_TYPE(hook), _TAG_LOOKUP)
            # --- end of only in this twin ---
            renewed = index
            continue  # renew ran Python code: check the position again
        renewed = -1
        function = position.function
        index += 1
        if function is <PyObject*>None:
            continue
        hook_self = position.self
        # --- only in this twin: the call, from the stack array; function and self owned during
        # the call, which may change the plan's positions ---
        Py_INCREF(function)
        Py_INCREF(hook_self)
        if hook_self is <PyObject*>None:
            result = _vectorcall(function, &stack[2], plain, kwnames)
        else:
            stack[1] = hook_self
            result = _vectorcall(function, &stack[1], with_self, kwnames)
        Py_DECREF(function)
        Py_DECREF(hook_self)
        if result is NULL:
            hookfast_runner_raise()
        Py_DECREF(result)
        # --- end of only in this twin ---


cdef object _call_hook_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                  PyObject* kwnames):
    """``runner.call_hook(fn_name, *args, **kwargs)``: the type's vectorcall, with the runner in
    args[0] and the point's name in args[1]."""
    # --- only in this twin: the callable the call was made through, and the arguments, borrowed
    # (the caller holds them during the call) ---
    cdef CallHook call_hook = <CallHook><object>callable
    cdef Py_ssize_t nargs = PyVectorcall_NARGS(nargsf)
    cdef PyObject* runner
    cdef PyObject* fn_name
    cdef PyObject* state
    cdef PyObject* item
    if nargs < 2:
        raise TypeError(
            f"call_hook() needs the runner and the name of a point, got {nargs} positional argument(s)"
        )
    runner = args[0]
    fn_name = args[1]
    # --- end of only in this twin ---
    hooks = None
    found = None
    # runner._hooks, read from the instance dict directly: the attribute machinery would first
    # search the runner's class for a descriptor of that name
    state = _instance_dict(runner)
    if state is not NULL:  # else no instance dict (__slots__)
        item = _lookup(state, <PyObject*>_HOOKS)
        if item is not NULL:
            hooks = <object>item
    if type(<object>fn_name) is str:
        # The plan used last at this point, by any runner: a plan is good for any runner whose
        # _hooks is the list it was built for, and most programs have one runner per class.
        # Else the runner's own: runner._hookfast_calls[fn_name].
        item = _lookup(<PyObject*>call_hook.recent, fn_name)
        if item is not NULL:
            found = hookfast_weak_target(item)
        if (type(found) is not Plan or (<Plan>found).hooks_list is not hooks) and state is not NULL:
            found = None
            item = _lookup(state, <PyObject*>_PLANS)
            if item is not NULL and isinstance(<object>item, dict):
                item = _lookup(item, fn_name)
                if item is not NULL:
                    found = <object>item
            if type(found) is Plan and (<Plan>found).hooks_list is hooks:
                call_hook.recent[<object>fn_name] = _weak_ref(found, None)
    # an own point is a point only while some hook's class has it: decided at the start
    if (type(found) is not Plan or (<Plan>found).hooks_list is not hooks
            or ((<Plan>found).own and not _current(<Plan>found, <list>hooks))):
        found = call_hook.start(<object>runner, <object>fn_name)
        if found is None:
            positional, keywords = _pack(args, nargsf, kwnames)
            call_hook.slow(<object>runner, <object>fn_name, positional, keywords)
            return None
        hooks = (<Plan?>found).hooks_list
        if type(<object>fn_name) is str:
            call_hook.recent[<object>fn_name] = _weak_ref(found, None)
    _run(call_hook, <object>runner, <object>fn_name, <list>hooks, <Plan>found, args, nargsf, kwnames)
    return None


@cython.final
@cython.auto_pickle(False)  # holds the thin layer's builder: nothing to pickle
cdef class CallHook:
    """The ``call_hook`` method of the runners of one class (see ``_runner_py.py``)."""

    cdef vectorcallfunc _vectorcall
    cdef readonly object builder
    # point name -> weak reference to the plan used there last (see _call_hook_vectorcall)
    cdef dict recent
    cdef object start
    cdef object rebuild
    cdef object renew
    cdef object slow

    # --- only in this twin: every instance is called through _call_hook_vectorcall ---
    def __cinit__(self, *args, **kwargs):
        self._vectorcall = <vectorcallfunc>_call_hook_vectorcall
        self.recent = {}
    # --- end of only in this twin ---

    def __init__(self, builder):
        # hookfast.runner's _Builder: start, rebuild, renew, slow
        self.builder = builder
        self.start = builder.start
        self.rebuild = builder.rebuild
        self.renew = builder.renew
        self.slow = builder.slow

    @property
    def callable(self):
        """What the runner class holds as ``call_hook``."""
        # --- only in this twin: the type has the vectorcall ---
        return self
        # --- end of only in this twin ---

    # --- only in this twin: a method of the runner class, like a function ---

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return PyMethod_New(self, instance)

    def __repr__(self):
        return "<hookfast compiled HookRunner.call_hook>"

    # --- end of only in this twin ---

_enable_vectorcall()
