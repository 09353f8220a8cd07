"""Log lines on stderr, in upstream my_init's format: `*** message`, `--- debug`."""

import sys

ERROR, WARN, INFO, DEBUG = 1, 2, 3, 4


class Log:
    def __init__(self, level=INFO, stream=None):
        self.level = level
        self.stream = stream if stream is not None else sys.stderr

    def _write(self, prefix, message):
        try:
            self.stream.write(prefix + message + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            # stderr closed or gone: PID 1 must never die because it cannot log.
            pass

    def error(self, message):
        if self.level >= ERROR:
            self._write("*** ", message)

    def warn(self, message):
        if self.level >= WARN:
            self._write("*** WARNING: ", message)

    def info(self, message):
        if self.level >= INFO:
            self._write("*** ", message)

    def debug(self, message):
        if self.level >= DEBUG:
            self._write("--- ", message)
