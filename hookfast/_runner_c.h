/* Raw C used by _runner_c.pyx: a type's version tag, which Cython cannot read, a plan's positions
   and the scan over them, an instance dict and a weak reference's target read across versions,
   and an error helper. Included once, by that module.

   CPython gives a type a version tag when it caches a look-up through it, and takes the tag away
   whenever the type or any of its bases changes (an attribute set or deleted, __bases__): a type
   whose tag is still the one a plan recorded resolves every name as it did then. The tag is
   checked differently per version: 3.9-3.11 clear Py_TPFLAGS_VALID_VERSION_TAG (3.9 keeps the old
   number), 3.12+ set the tag to 0 (3.13 no longer maintains the flag). 0 is never a valid tag. */
#ifndef HOOKFAST_RUNNER_C_H
#define HOOKFAST_RUNNER_C_H

#include <Python.h>

/* Returns -1 with the exception already set: lets Cython code propagate a C-API error. */
static int hookfast_runner_raise(void) { return -1; }

/* The type's current version tag, or 0 if it has none (changed since, or never looked up). */
static inline unsigned int hookfast_type_tag(PyTypeObject *tp) {
#if PY_VERSION_HEX >= 0x030C0000
    return tp->tp_version_tag;
#else
    return (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) ? tp->tp_version_tag : 0;
#endif
}

/* Give the type a version tag if it has none, and return it; 0 if CPython will not give it one
   (a type changed too often on 3.12+), in which case every call checks it the slow way.
   ``name``: any interned str, for 3.9-3.11, which assign tags as a side effect of a cached look-up. */
static unsigned int hookfast_assign_tag(PyTypeObject *tp, PyObject *name) {
#if PY_VERSION_HEX >= 0x030C0000
    (void)name;
    if (!PyUnstable_Type_AssignVersionTag(tp)) {
        return 0;
    }
#else
    (void)_PyType_Lookup(tp, name); /* never sets an exception */
#endif
    return hookfast_type_tag(tp);
}

/* The instance dict of ``o``, borrowed (the object holds it), or NULL if it has none; never sets an
   exception. ``_PyObject_GetDictPtr`` saves the reference counting up to 3.13; from 3.14 the
   public call is used, as that private one may go. */
static inline PyObject *hookfast_instance_dict(PyObject *o) {
#if PY_VERSION_HEX < 0x030E0000
    PyObject **slot = _PyObject_GetDictPtr(o);
    return slot == NULL ? NULL : *slot;
#else
    PyObject *dict = PyObject_GenericGetDict(o, NULL);
    if (dict == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(dict);
    return dict;
#endif
}

/* The object a weak reference points to, as a new reference, or a new reference to None. */
static inline PyObject *hookfast_weak_target(PyObject *ref) {
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *target;
    if (PyWeakref_GetRef(ref, &target) <= 0) {
        PyErr_Clear();  /* not a weak reference (cannot happen) or dead */
        Py_RETURN_NONE;
    }
    return target;
#else
    PyObject *target = PyWeakref_GET_OBJECT(ref);
    Py_INCREF(target);
    return target;
#endif
}

/* One position of a plan, as the call path reads it: the hook expected there, the version tag of
   its class when the position was decided (0: none, so checked every time), and what to call
   (function(self, runner, ...), or function(runner, ...) when self is None; nothing when
   function is None). The pointers are borrowed from the plan's own tuple and lists. */
typedef struct {
    PyObject *hook;
    unsigned int tag;
    PyObject *function;
    PyObject *self;
} hookfast_position;

/* From ``index``, pass the positions of ``list`` that still hold their hook, with its class's tag
   unchanged, and call nothing; return the first index that needs more: a call to make, a position
   to check again, or the end of the list or of the plan. Runs no Python code, so nothing can
   change the list or the classes while it runs. */
static inline Py_ssize_t hookfast_pass_idle(PyObject *list, const hookfast_position *positions,
                                            Py_ssize_t size, Py_ssize_t index) {
    Py_ssize_t end = PyList_GET_SIZE(list);
    PyObject **items = ((PyListObject *)list)->ob_item;
    if (end > size) {
        end = size;
    }
    while (index < end) {
        const hookfast_position *position = &positions[index];
        PyObject *hook = items[index];
        if (hook != position->hook || position->function != Py_None || position->tag == 0
                || hookfast_type_tag(Py_TYPE(hook)) != position->tag) {
            break;
        }
        index++;
    }
    return index;
}

#endif /* HOOKFAST_RUNNER_C_H */
