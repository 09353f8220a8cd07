/* How the PID-1 suite's shims (fail_fork.c, pid1_faults.c) reach the functions they
 * replace, in either of the two ways they get into my_init:
 *
 * - LD_PRELOAD, into a dynamic program (the interpreted init's python): the shim defines
 *   NAME itself and finds libc's with dlsym(RTLD_NEXT).
 * - Linked into a test-only build of the static my_init, which loads no library
 *   (-DWRAPPED and -Wl,--wrap=NAME, tests/init/conftest.py): the linker sends every call
 *   of NAME to __wrap_NAME, and __real_NAME is libc's.
 *
 *     DECLARE_REAL(int, execve, (const char *, char *const[], char *const[]))
 *     int SHIM(execve)(const char *path, ...) { ... return REAL(execve)(path, ...); }
 */
#ifndef SHIM_H
#define SHIM_H
#define _GNU_SOURCE
#include <dlfcn.h>

#ifdef WRAPPED
#define SHIM(name) __wrap_##name
#define DECLARE_REAL(type, name, parameters) type __real_##name parameters;
#define REAL(name) __real_##name
#else
#define SHIM(name) name
#define DECLARE_REAL(type, name, parameters)                                 \
    static type (*real_##name(void)) parameters                             \
    {                                                                       \
        static type (*function) parameters;                                 \
        if (function == NULL)                                               \
            function = (type (*) parameters)dlsym(RTLD_NEXT, #name);        \
        return function;                                                    \
    }
#define REAL(name) real_##name()
#endif

#endif
