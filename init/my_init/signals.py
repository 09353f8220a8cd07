"""Which signals PID 1 takes, and the clean signal state every child starts with.

Uses `_signal`, the C module that `signal` wraps with enums: the same functions and
constants within PID 1's import budget (tests/init/test_import_budget.py).
"""

import _signal
import os
from _signal import (  # noqa: F401  (re-exported for the other modules)
    SIGCHLD,
    SIGCONT,
    SIGINT,
    SIGKILL,
    SIGPIPE,
    SIGPWR,
    SIGSTOP,
    SIGTERM,
    SIGTSTP,
    SIGTTIN,
    SIGTTOU,
    sigtimedwait,
    sigwaitinfo,
)

# Job-control signals: the init must never be stopped by them, and forwarding a stop
# to the main command would leave the container hung with nobody to resume it.
JOB_CONTROL = frozenset((SIGTSTP, SIGTTIN, SIGTTOU))
UNCATCHABLE = frozenset((SIGKILL, SIGSTOP))
# my_init_exit's signal: "read /run/my_init" (exit_request.py).
EXIT_REQUEST = SIGPWR
# The signals that start a shutdown (after being passed to the main command, if any).
SHUTDOWN = frozenset((SIGTERM, SIGINT))


def handled_signals():
    """Every catchable signal except job control: the set my_init blocks and waits on."""
    return frozenset(_signal.valid_signals()) - UNCATCHABLE - JOB_CONTROL


def configure_signals():
    """Block the handled signals (they are taken synchronously with sigtimedwait) and
    ignore job control. Returns the handled set."""
    handled = handled_signals()
    for signum in JOB_CONTROL:
        _signal.signal(signum, _signal.SIG_IGN)
    _signal.pthread_sigmask(_signal.SIG_BLOCK, handled)
    return handled


def ignored_signals():
    """The signals this process ignores: Python's start-up ignores SIGPIPE and SIGXFSZ,
    my_init job control, and whoever started my_init may have ignored more. An ignored
    disposition survives exec; a caught one does not."""
    return [signum for signum in _signal.valid_signals()
            if signum not in UNCATCHABLE and _signal.getsignal(signum) == _signal.SIG_IGN]


def reset_signals_for_child(ignored):
    """In a forked child before exec: the IGNORED signals (ignored_signals(), taken in
    the parent) back to their default, and an empty mask: a child starts as after a
    plain fork and exec from a shell."""
    for signum in ignored:
        _signal.signal(signum, _signal.SIG_DFL)
    _signal.pthread_sigmask(_signal.SIG_SETMASK, ())


def is_own_broken_pipe(info):
    """True for the SIGPIPE the kernel raises in my_init itself when it writes a log line
    to a pipe nobody reads any more: the sender is my_init. SIGPIPE is blocked like the
    others, so this one waits in the queue; it is dropped, not passed to the main
    command (a SIGPIPE someone else sends is passed on as usual)."""
    return info.si_signo == SIGPIPE and info.si_pid == os.getpid()


def describe(signum):
    """SIGTERM for 15, SIGRTMIN+3 for a real-time signal."""
    for name in dir(_signal):
        if (name.startswith("SIG") and not name.startswith("SIG_") and name not in ALIASES
                and getattr(_signal, name) == signum):
            return name
    if _signal.SIGRTMIN <= signum <= _signal.SIGRTMAX:
        offset = signum - _signal.SIGRTMIN
        return "SIGRTMIN+%d" % offset if offset else "SIGRTMIN"
    return "signal %d" % signum


# Second names of the same numbers; the usual name is reported instead.
ALIASES = frozenset(("SIGIOT", "SIGCLD", "SIGPOLL", "SIGRTMIN", "SIGRTMAX"))
