/* Raw C used by _dispatch_c.pyx: what Cython cannot express for a cdef class, and a generator
   send that does not create a StopIteration on return. Included once, by that module. */
#ifndef HOOKFAST_DISPATCH_C_H
#define HOOKFAST_DISPATCH_C_H

#include <Python.h>

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

#endif /* HOOKFAST_DISPATCH_C_H */
