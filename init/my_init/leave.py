"""Leaving the process once its work is done."""

import os
import sys


def exit_now(code):
    """Exit with `code` without finalising the interpreter: once the output is flushed the
    kernel frees everything at once, where finalisation would free each object (~9 ms).
    A standard stream may be gone (closed, a broken pipe, a full disk): the exit code
    still counts."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
