// A small C API over CPython's embedding API, for PythonBridge.
//
// Python.h is included only in cpython_shim.c: importing it into Swift directly clashes with the C
// library's module map (fd_set), and many of its entry points are macros. Objects are opaque here;
// every function that returns a PyObject * returns a new reference, or NULL with a Python exception
// set.
#ifndef RECURRENT_CPYTHON_SHIM_H
#define RECURRENT_CPYTHON_SHIM_H

#include <stddef.h>

typedef struct _object PyObject;

/// Starts the interpreter once (without signal handlers) and releases the GIL it took.
void recurrent_python_initialize(void);
/// The interpreter's version string (`sys.version`).
const char *recurrent_python_version(void);

/// Takes the GIL from any thread; pass the result to recurrent_gil_release.
int recurrent_gil_ensure(void);
void recurrent_gil_release(int state);

void recurrent_incref(PyObject *object);
void recurrent_decref(PyObject *object);

PyObject *recurrent_string(const char *utf8);
PyObject *recurrent_int(long long value);
PyObject *recurrent_float(double value);
PyObject *recurrent_bytes(const void *data, ptrdiff_t length);
/// A tuple of `count` objects (the tuple takes references of its own).
PyObject *recurrent_tuple(PyObject *const *items, ptrdiff_t count);
PyObject *recurrent_none(void);
int recurrent_is_none(PyObject *object);

PyObject *recurrent_getattr(PyObject *object, const char *name);
PyObject *recurrent_call(PyObject *callable, PyObject *arguments);
PyObject *recurrent_item(PyObject *sequence, ptrdiff_t index);
/// The length of a sequence, or -1 with an exception set.
ptrdiff_t recurrent_length(PyObject *sequence);
PyObject *recurrent_str(PyObject *object);
/// The UTF-8 contents of a str, borrowed from it; NULL with an exception set.
const char *recurrent_utf8(PyObject *string);
/// 0 on success, -1 with an exception set.
int recurrent_as_int64(PyObject *object, long long *value);
/// The contents of a bytes object, borrowed from it: 0 on success, -1 with an exception set.
int recurrent_bytes_contents(PyObject *bytes, const char **data, ptrdiff_t *length);

PyObject *recurrent_import(const char *name);
/// A new module `name` whose namespace is the result of running `source`.
PyObject *recurrent_module_from_source(const char *name, const char *source);

/// Takes the pending exception: its type name, str() and formatted traceback as malloc'd strings
/// (free them). Returns 0 when there was none.
int recurrent_fetch_exception(char **type, char **message, char **traceback);

#endif
