"""Which signals PID 1 takes, and the clean signal state every child starts with."""

import signal

# Job-control signals: the init must never be stopped by them, and forwarding a stop
# to the main command would leave the container hung with nobody to resume it.
JOB_CONTROL = frozenset((signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU))
UNCATCHABLE = frozenset((signal.SIGKILL, signal.SIGSTOP))
# The signals that start a shutdown (after being passed to the main command, if any).
SHUTDOWN = frozenset((signal.SIGTERM, signal.SIGINT))


def handled_signals():
    """Every catchable signal except job control: the set my_init blocks and waits on."""
    return frozenset(signal.valid_signals()) - UNCATCHABLE - JOB_CONTROL


def configure_signals():
    """Block the handled signals (they are taken synchronously with sigtimedwait) and
    ignore job control. Returns the handled set."""
    handled = handled_signals()
    for signum in JOB_CONTROL:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, handled)
    return handled


def reset_signals_for_child():
    """In a forked child before exec: default dispositions (Python itself ignores SIGPIPE
    and SIGXFSZ, and my_init ignores job control; ignored dispositions survive exec) and
    an empty mask."""
    for signum in signal.valid_signals():
        if signum in UNCATCHABLE:
            continue
        try:
            signal.signal(signum, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, ())


def describe(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "signal %d" % signum
