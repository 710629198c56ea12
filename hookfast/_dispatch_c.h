/* Raw C used by _dispatch_c.pyx (and _runner_c.pyx for hookfast_propagate): what Cython cannot
   express for a cdef class, a generator send that does not create a StopIteration on return, and
   the swap of a function's code and closure. Every function is static: each module that includes
   this header gets its own copy. setup.py lists it as a dependency of both modules. */
#ifndef HOOKFAST_DISPATCH_C_H
#define HOOKFAST_DISPATCH_C_H

#include <Python.h>

/* The exception being handled where this is called (sys.exc_info()[1]) or None, a new reference:
   read from the thread state, where Python-level code would call sys.exc_info(). */
static PyObject *hookfast_handled_exception(void) {
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *handled = PyErr_GetHandledException();
#else
    PyObject *type, *handled, *traceback;
    PyErr_GetExcInfo(&type, &handled, &traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
#endif
    if (handled == NULL) {
        Py_RETURN_NONE;
    }
    return handled;
}

/* Returns -1 with the exception already set: lets Cython code propagate a C-API error. */
static int hookfast_propagate(void) { return -1; }

/* Give the dispatcher type a vectorcall slot and the method-descriptor flag: Cython does not
   generate them for cdef classes. Done once, at import, before any instance is used. */
static int hookfast_enable_vectorcall(PyTypeObject *tp, Py_ssize_t offset) {
    tp->tp_vectorcall_offset = offset;
    tp->tp_call = PyVectorcall_Call;
    tp->tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR;
    PyType_Modified(tp);
    return 0;
}

/* Send a value into a generator without creating StopIteration on return.
   Returns 1 (yielded, *result set), 0 (returned, *result set), -1 (raised). */
static int hookfast_send(PyObject *gen, PyObject *arg, PyObject **result) {
#if PY_VERSION_HEX >= 0x030A0000
    return (int)PyIter_Send(gen, arg, result);
#else
    PyObject *value;
    if (arg == Py_None && Py_TYPE(gen)->tp_iternext != NULL) {
        value = Py_TYPE(gen)->tp_iternext(gen);
    } else {
        value = PyObject_CallMethod(gen, "send", "(O)", arg);
    }
    if (value != NULL) {
        *result = value;
        return 1;
    }
    if (PyErr_Occurred() == NULL || PyErr_ExceptionMatches(PyExc_StopIteration)) {
        if (_PyGen_FetchStopIterationValue(result) == 0) {
            return 0;
        }
    }
    *result = NULL;
    return -1;
#endif
}

/* CPython 3.13+ specialises calls only to functions with a version, which executing a `def`
   gives (MAKE_FUNCTION: the code object's co_version) and assigning __code__ takes away. After a
   swap, the function gets the version a `def` of its new code would have given it. The setter is
   exported (PyAPI_FUNC) but private: it is looked up at run time, and without it the function
   simply stays unversioned (slower, never wrong). */
#if PY_VERSION_HEX >= 0x030D0000 && !defined(_WIN32)
#include <dlfcn.h>
typedef void (*hookfast_set_version_fn)(PyFunctionObject *, uint32_t);
static hookfast_set_version_fn hookfast_set_version = NULL;
static int hookfast_set_version_looked_up = 0;

static void hookfast_give_version(PyFunctionObject *f, PyCodeObject *code) {
    if (!hookfast_set_version_looked_up) {
        hookfast_set_version_looked_up = 1;
        hookfast_set_version = (hookfast_set_version_fn)dlsym(RTLD_DEFAULT, "_PyFunction_SetVersion");
    }
    if (hookfast_set_version != NULL) {
        hookfast_set_version(f, code->co_version);
    }
}
#endif

/* Whether the function versions of CPython 3.13+ can be restored here (hookfast_install_code). */
static int hookfast_restores_versions(void) {
#if PY_VERSION_HEX >= 0x030D0000 && !defined(_WIN32)
    if (!hookfast_set_version_looked_up) {
        hookfast_set_version_looked_up = 1;
        hookfast_set_version = (hookfast_set_version_fn)dlsym(RTLD_DEFAULT, "_PyFunction_SetVersion");
    }
    return hookfast_set_version != NULL;
#else
    return PY_VERSION_HEX < 0x030D0000;
#endif
}

/* Give a Python function another code and closure at once. Assigning __code__ from Python checks
   that the code's free variables match the current closure, which cannot change from Python; here
   both change together, with no Python code running in between, so no call can ever see one
   without the other. As the __code__ setter does, the function loses its version (3.11+); on
   3.13+ it then gets the version a `def` would give it. Returns -1 with an exception set on a
   mismatch. */
static int hookfast_install_code(PyObject *func, PyObject *code, PyObject *closure) {
    PyFunctionObject *f;
    PyObject *old_code, *old_closure;
    Py_ssize_t nfree, nclosure;
    if (!PyFunction_Check(func) || !PyCode_Check(code)) {
        PyErr_SetString(PyExc_TypeError, "hookfast: install_code needs a function and a code object");
        return -1;
    }
    if (closure != Py_None && !PyTuple_Check(closure)) {
        PyErr_SetString(PyExc_TypeError, "hookfast: a closure is a tuple of cells or None");
        return -1;
    }
#if PY_VERSION_HEX >= 0x030B0000
    nfree = ((PyCodeObject *)code)->co_nfreevars;
#else
    nfree = PyTuple_GET_SIZE(((PyCodeObject *)code)->co_freevars);
#endif
    nclosure = closure == Py_None ? 0 : PyTuple_GET_SIZE(closure);
    if (nfree != nclosure) {
        PyErr_Format(PyExc_ValueError, "hookfast: code with %zd free variables, closure of %zd cells",
                     nfree, nclosure);
        return -1;
    }
    f = (PyFunctionObject *)func;
    old_code = f->func_code;
    old_closure = f->func_closure;
    Py_INCREF(code);
    f->func_code = code;
    if (closure == Py_None) {
        f->func_closure = NULL;
    } else {
        Py_INCREF(closure);
        f->func_closure = closure;
    }
#if PY_VERSION_HEX >= 0x030D0000 && !defined(_WIN32)
    hookfast_give_version(f, (PyCodeObject *)code);
#elif PY_VERSION_HEX >= 0x030B0000
    f->func_version = 0;
#endif
    /* last: releasing the old objects may run arbitrary finalizers */
    Py_DECREF(old_code);
    Py_XDECREF(old_closure);
    return 0;
}

#endif /* HOOKFAST_DISPATCH_C_H */
