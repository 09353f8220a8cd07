"""Starting children: fork, clean signal state, optional own process group, exec."""

import errno
import os

from my_init.signals import reset_signals_for_child

NOT_FOUND = 127
NOT_EXECUTABLE = 126


class SpawnError(Exception):
    """The command could not be executed. `status` is 127 (not found) or 126."""

    def __init__(self, command, error_number):
        self.status = NOT_FOUND if error_number in (errno.ENOENT, errno.ENOTDIR) else NOT_EXECUTABLE
        reason = os.strerror(error_number)
        super().__init__("cannot run %s: %s" % (command, reason))


def spawn(argv, own_process_group=False, take_terminal=False):
    """Start argv (searched on PATH) and return its PID. Raises SpawnError when exec fails,
    reported back through a close-on-exec pipe so the caller knows before it waits."""
    error_read, error_write = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # child: only async-safe work and exec; never return into the caller
        try:
            os.close(error_read)
            if own_process_group:
                os.setpgid(0, 0)
                if take_terminal:
                    _take_terminal()
            reset_signals_for_child()
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
