"""When my_init is not PID 1, orphans only come back to it as a child subreaper."""

import os

PR_SET_CHILD_SUBREAPER = 36


def prctl_function():
    """prctl(option, arg2) raising OSError: the static build's built-in _prctl module
    (build/static/prctlmodule.c; a static program cannot load libc for ctypes), else
    libc's through ctypes (the interpreted init, on any CPython)."""
    try:
        from _prctl import prctl
        return prctl
    except ImportError:
        pass
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def prctl(option, arg2):
        if libc.prctl(option, ctypes.c_ulong(arg2), 0, 0, 0) == -1:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
        return 0

    return prctl


def become_subreaper(log):
    try:
        prctl_function()(PR_SET_CHILD_SUBREAPER, 1)
    except OSError as error:
        log.warn("not running as PID 1 and could not become a child subreaper (%s): "
                 "orphaned processes will not be reaped" % error.strerror)
        return False
    log.debug("not PID 1: registered as a child subreaper")
    return True
