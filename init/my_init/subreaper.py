"""When my_init is not PID 1, orphans only come back to it as a child subreaper."""

import os

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper(log):
    import ctypes  # only when not PID 1, which is rare in a container

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0:
        log.debug("not PID 1: registered as a child subreaper")
        return True
    error = ctypes.get_errno()
    log.warn("not running as PID 1 and could not become a child subreaper (%s): "
             "orphaned processes will not be reaped" % os.strerror(error))
    return False
