"""Starting children: fork, optional own process group, clean signal state, exec.

A fork (or exec) that fails for lack of processes or memory (a full pids cgroup,
RLIMIT_NPROC, a memory limit) is retried with a short backoff, since such a shortage
often passes in a moment (a zombie reaped, a service restarted); see spawn_patiently.
"""

import errno
import os
import time

from my_init.signals import ignored_signals, reset_signals_for_child

NOT_FOUND = 127
NOT_EXECUTABLE = 126
# sysexits.h's EX_OSERR, meant for "cannot fork": the command could not be started
# because the system is out of processes, memory or file descriptors.
NO_RESOURCES = 71
SHORTAGES = frozenset((errno.EAGAIN, errno.ENOMEM, errno.EMFILE, errno.ENFILE))
# Retrying: first pause, longest pause, and the whole window when the step has no
# deadline of its own (a shortage that lasts longer is reported, not waited out).
FIRST_PAUSE = 0.01
LONGEST_PAUSE = 0.25
RETRY_WINDOW = 1.0


class SpawnError(Exception):
    """The command could not be started. `status` is 127 (not found), 126 (not
    executable) or 71 (no resources: `shortage` is True)."""

    def __init__(self, command, error_number, stage="exec"):
        self.shortage = error_number in SHORTAGES
        if self.shortage:
            self.status = NO_RESOURCES
        elif error_number in (errno.ENOENT, errno.ENOTDIR):
            self.status = NOT_FOUND
        else:
            self.status = NOT_EXECUTABLE
        reason = os.strerror(error_number)
        if stage == "exec":
            super().__init__("cannot run %s: %s" % (command, reason))
        else:
            super().__init__("cannot start %s: %s failed: %s" % (command, stage, reason))


def spawn_patiently(argv, pause, deadline=None, **options):
    """spawn(argv, **options), retried while it fails for lack of resources, for at most
    RETRY_WINDOW seconds and never past the deadline. `pause(until)` waits until a
    monotonic time while handling signals (reaping zombies frees process slots).
    Raises the last SpawnError."""
    limit = time.monotonic() + RETRY_WINDOW
    if deadline is not None:
        limit = min(limit, deadline)
    delay = FIRST_PAUSE
    while True:
        try:
            return spawn(argv, **options)
        except SpawnError as error:
            if not error.shortage or time.monotonic() + delay > limit:
                raise
        pause(time.monotonic() + delay)
        delay = min(delay * 2, LONGEST_PAUSE)


def spawn(argv, own_process_group=False, take_terminal=False):
    """Start argv (searched on PATH) and return its PID once it has exec'd. Raises
    SpawnError when fork or exec fails, before the caller waits.

    Always fork and exec, never posix_spawn: glibc's posix_spawn leaves its two internal
    signals (32 and 33) ignored in the child, an ignored disposition survives exec, and
    Python cannot name them to reset them. A forked child has PID 1's dispositions for
    them (never ignored), so every child starts as under tini: nothing ignored, nothing
    blocked (tests/init/test_signals.py)."""
    # Worked out here, not in the child: the child then runs only a few calls before exec.
    ignored = ignored_signals()
    try:
        error_read, error_write = os.pipe2(os.O_CLOEXEC)
    except OSError as error:
        raise SpawnError(argv[0], error.errno, "pipe") from None
    try:
        pid = os.fork()
    except OSError as error:
        os.close(error_read)
        os.close(error_write)
        raise SpawnError(argv[0], error.errno, "fork") from None
    if pid == 0:  # child: only async-safe work and exec; never return into the caller
        try:
            os.close(error_read)
            if own_process_group:
                os.setpgid(0, 0)
                if take_terminal:
                    _take_terminal()
            reset_signals_for_child(ignored)
            os.execvp(argv[0], argv)
        except OSError as error:
            _report(error_write, error.errno or errno.EINVAL)
        except BaseException:
            _report(error_write, errno.EINVAL)
        finally:
            os._exit(NOT_FOUND)
    os.close(error_write)
    if own_process_group:
        try:  # also in the parent, so signalling the group cannot race the child's setpgid
            os.setpgid(pid, pid)
        except OSError:
            pass
    # Read to the end: the pipe closes at the child's exec (close-on-exec), or carries
    # exec's error number.
    with open(error_read, "rb", closefd=True) as pipe:
        report = pipe.read()
    if report:
        os.waitpid(pid, 0)
        raise SpawnError(argv[0], int(report))
    return pid


def _take_terminal():
    """Make the child's group the terminal's foreground group (as tini does), so an
    interactive main command gets Ctrl-C and can read the terminal. SIGTTOU is still
    blocked here, which is what allows a background group to do this."""
    try:
        if os.isatty(0):
            os.tcsetpgrp(0, os.getpid())
    except OSError:
        pass


def _report(fd, error_number):
    try:
        os.write(fd, str(error_number).encode())
    except OSError:
        pass
