"""Log lines on stderr, in upstream my_init's format: `*** message`, `--- debug`.

Each line is one unbuffered write(2) on fd 2, not sys.stderr: a buffered stream keeps
what it could not write and fails again when the interpreter flushes it at exit (exit
status 120), and Python sets sys.stderr to None when fd 2 was closed at start. A line
that cannot be written (EPIPE, EIO, ENOSPC, a closed fd) is dropped: PID 1 must never
die because nobody reads its log.
"""

import os

ERROR, WARN, INFO, DEBUG = 1, 2, 3, 4
STDERR = 2


def encode_line(text):
    """UTF-8 bytes of a log line. Names read from the system keep their undecodable
    bytes as surrogates (surrogateescape); they are shown escaped as the bytes they
    were: `caf\\xe9`, not `caf\\udce9`."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace").encode("utf-8")


def write_line(text):
    """Write one line; drop it when the output is gone."""
    data = encode_line(text + "\n")
    try:
        while data:
            data = data[os.write(STDERR, data):]
    except OSError:
        pass


def fill_closed_standard_fds():
    """Put /dev/null on fd 0, 1 or 2 if one was closed when my_init started. Otherwise
    the next file PID 1 opens would take that number: log lines would be written into
    it, and children would get it as their stdin/stdout/stderr. (The compiled init's
    runtime already puts a close-on-exec /dev/null there: children would still find
    the fd closed, so that one is replaced too.)"""
    for fd in (0, 1, 2):
        try:
            if os.get_inheritable(fd):
                continue
        except OSError:
            pass  # closed
        try:
            null = os.open("/dev/null", os.O_RDWR)
        except OSError:
            return
        if null == fd:
            os.set_inheritable(fd, True)
        else:
            os.dup2(null, fd)  # inheritable
            os.close(null)


# Level -> prefix of its lines.
PREFIXES = {ERROR: "*** ", WARN: "*** WARNING: ", INFO: "*** ", DEBUG: "--- "}


class Log:
    def __init__(self, level=INFO):
        self.level = level

    def say(self, level, message):
        """Write `message` if the log's level lets `level` through."""
        if self.level >= level:
            write_line(PREFIXES[level] + message)

    def error(self, message):
        self.say(ERROR, message)

    def warn(self, message):
        self.say(WARN, message)

    def info(self, message):
        self.say(INFO, message)

    def debug(self, message):
        self.say(DEBUG, message)
