"""Start a program with its stdout or stderr gone, and SIGPIPE at a chosen disposition.

    lose_output.py MODE SIGPIPE -- ARGV...

MODE: broken-stderr / broken-stdout (a pipe whose reader has already exited),
closed-stderr / closed-stdout (the fd is closed), full-stderr / full-stdout (/dev/full:
every write fails with ENOSPC); SIGPIPE: default or ignore (inherited
across exec, as from a parent shell or supervisor). Then exec ARGV in this process.
"""

import os
import signal
import sys


def main(argv):
    mode, disposition, separator, command = argv[0], argv[1], argv[2], argv[3:]
    assert separator == "--" and command, __doc__
    how, _, stream = mode.partition("-")
    fd = {"stdout": 1, "stderr": 2}[stream]
    if how == "broken":
        read_end, write_end = os.pipe()
        os.close(read_end)
        os.dup2(write_end, fd)
        os.close(write_end)
    elif how == "closed":
        os.close(fd)
    elif how == "full":
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
    else:
        sys.exit("lose_output.py: unknown mode %s" % mode)
    handler = {"default": signal.SIG_DFL, "ignore": signal.SIG_IGN}[disposition]
    signal.signal(signal.SIGPIPE, handler)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
