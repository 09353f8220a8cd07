/* _prctl: prctl(2) for my_init's static build, built into its CPython
 * (build/static-python.sh adds it to Modules/Setup.local).
 *
 * Why: a statically linked program cannot dlopen, so ctypes cannot reach libc's prctl
 * there, and the standard library has no prctl. my_init needs it to become a child
 * subreaper when it is not PID 1 (init/my_init/subreaper.py, which falls back to ctypes
 * on a Python without this module).
 *
 *     prctl(option, arg2=0, arg3=0, arg4=0, arg5=0) -> int    raises OSError on -1
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sys/prctl.h>

static PyObject *
prctl_call(PyObject *module, PyObject *args)
{
    int option;
    unsigned long arg2 = 0, arg3 = 0, arg4 = 0, arg5 = 0;
    int result;

    if (!PyArg_ParseTuple(args, "i|kkkk:prctl", &option, &arg2, &arg3, &arg4, &arg5))
        return NULL;
    result = prctl(option, arg2, arg3, arg4, arg5);
    if (result == -1)
        return PyErr_SetFromErrno(PyExc_OSError);
    return PyLong_FromLong(result);
}

static PyMethodDef prctl_methods[] = {
    {"prctl", prctl_call, METH_VARARGS,
     "prctl(option, arg2=0, arg3=0, arg4=0, arg5=0) -> int: the prctl(2) system call."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef prctl_module = {
    PyModuleDef_HEAD_INIT, "_prctl", "prctl(2), for a static build without ctypes.", 0, prctl_methods,
};

PyMODINIT_FUNC
PyInit__prctl(void)
{
    return PyModuleDef_Init(&prctl_module);
}
