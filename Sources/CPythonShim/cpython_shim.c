#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

#include "cpython_shim.h"

void recurrent_python_initialize(void) {
    if (Py_IsInitialized()) return;
    Py_InitializeEx(0);
    PyRun_SimpleString("import sys\nsys.argv = ['recurrent']\n");
    PyEval_SaveThread();
}

const char *recurrent_python_version(void) { return Py_GetVersion(); }

int recurrent_gil_ensure(void) { return (int)PyGILState_Ensure(); }
void recurrent_gil_release(int state) { PyGILState_Release((PyGILState_STATE)state); }

void recurrent_incref(PyObject *object) { Py_XINCREF(object); }
void recurrent_decref(PyObject *object) { Py_XDECREF(object); }

PyObject *recurrent_string(const char *utf8) { return PyUnicode_FromString(utf8); }
PyObject *recurrent_int(long long value) { return PyLong_FromLongLong(value); }
PyObject *recurrent_float(double value) { return PyFloat_FromDouble(value); }
PyObject *recurrent_bytes(const void *data, ptrdiff_t length) {
    return PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)length);
}

PyObject *recurrent_tuple(PyObject *const *items, ptrdiff_t count) {
    PyObject *tuple = PyTuple_New((Py_ssize_t)count);
    if (!tuple) return NULL;
    for (ptrdiff_t i = 0; i < count; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(tuple, i, items[i]);
    }
    return tuple;
}

PyObject *recurrent_none(void) { Py_RETURN_NONE; }
int recurrent_is_none(PyObject *object) { return object == Py_None; }

PyObject *recurrent_getattr(PyObject *object, const char *name) { return PyObject_GetAttrString(object, name); }
PyObject *recurrent_call(PyObject *callable, PyObject *arguments) { return PyObject_Call(callable, arguments, NULL); }
PyObject *recurrent_item(PyObject *sequence, ptrdiff_t index) { return PySequence_GetItem(sequence, (Py_ssize_t)index); }
ptrdiff_t recurrent_length(PyObject *sequence) { return (ptrdiff_t)PySequence_Size(sequence); }
PyObject *recurrent_str(PyObject *object) { return PyObject_Str(object); }
const char *recurrent_utf8(PyObject *string) { return PyUnicode_AsUTF8(string); }

int recurrent_as_int64(PyObject *object, long long *value) {
    *value = PyLong_AsLongLong(object);
    return (*value == -1 && PyErr_Occurred()) ? -1 : 0;
}

int recurrent_bytes_contents(PyObject *bytes, const char **data, ptrdiff_t *length) {
    char *buffer = NULL;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(bytes, &buffer, &size) != 0) return -1;
    *data = buffer;
    *length = (ptrdiff_t)size;
    return 0;
}

PyObject *recurrent_import(const char *name) { return PyImport_ImportModule(name); }

PyObject *recurrent_module_from_source(const char *name, const char *source) {
    PyObject *module = PyModule_New(name);
    if (!module) return NULL;
    PyObject *namespace = PyModule_GetDict(module);
    if (PyDict_SetItemString(namespace, "__builtins__", PyEval_GetBuiltins()) != 0) {
        Py_DECREF(module);
        return NULL;
    }
    PyObject *result = PyRun_String(source, Py_file_input, namespace, namespace);
    if (!result) {
        Py_DECREF(module);
        return NULL;
    }
    Py_DECREF(result);
    return module;
}

static char *copy_utf8(PyObject *object) {
    if (!object) return strdup("");
    PyObject *text = PyObject_Str(object);
    const char *utf8 = text ? PyUnicode_AsUTF8(text) : NULL;
    char *copy = strdup(utf8 ? utf8 : "");
    Py_XDECREF(text);
    PyErr_Clear();
    return copy;
}

int recurrent_fetch_exception(char **type, char **message, char **traceback) {
    PyObject *exception_type = NULL, *value = NULL, *trace = NULL;
    PyErr_Fetch(&exception_type, &value, &trace);
    if (!exception_type) return 0;
    PyErr_NormalizeException(&exception_type, &value, &trace);
    PyObject *name = PyObject_GetAttrString(exception_type, "__name__");
    *type = copy_utf8(name);
    Py_XDECREF(name);
    *message = copy_utf8(value);

    *traceback = NULL;
    PyObject *module = PyImport_ImportModule("traceback");
    PyObject *lines = module ? PyObject_CallMethod(module, "format_exception", "OOO", exception_type,
                                                   value ? value : Py_None, trace ? trace : Py_None)
                             : NULL;
    if (lines) {
        PyObject *empty = PyUnicode_FromString("");
        PyObject *joined = empty ? PyUnicode_Join(empty, lines) : NULL;
        if (joined) *traceback = copy_utf8(joined);
        Py_XDECREF(joined);
        Py_XDECREF(empty);
    }
    if (!*traceback) *traceback = strdup("");
    Py_XDECREF(lines);
    Py_XDECREF(module);
    Py_XDECREF(exception_type);
    Py_XDECREF(value);
    Py_XDECREF(trace);
    PyErr_Clear();
    return 1;
}
