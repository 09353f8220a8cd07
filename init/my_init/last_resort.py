"""The last resort: an exception nobody foresaw must not end PID 1.

When PID 1 dies the kernel kills every process of the container at once: no service is
stopped, nothing is flushed. So an unexpected exception while booting or running is
reported in one line and the normal shutdown follows; one inside a shutdown step is
reported and the next step runs. my_init then exits with UNEXPECTED_ERROR. The
traceback is shown with --verbose only (traceback is imported then, never before).
The PID-1 suite injects such an exception through probes.py.
"""

from my_init.messages import DEBUG

# sysexits.h's EX_SOFTWARE, "an internal software error": a bug in my_init.
UNEXPECTED_ERROR = 70


def report_unexpected(error, log):
    """One line naming the exception; the traceback too at debug level (--verbose)."""
    try:
        text = ("%s: %s" % (type(error).__name__, error)).replace("\n", " ")
        log.error("unexpected error in my_init: %s%s" % (
            text, "" if log.level >= DEBUG else " (traceback with --verbose)"))
        if log.level >= DEBUG:
            import traceback

            for chunk in traceback.format_exception(type(error), error, error.__traceback__):
                for line in chunk.rstrip("\n").split("\n"):
                    log.debug(line)
    except Exception:  # reporting must not be what ends PID 1 (e.g. MemoryError again)
        pass


def survive(log, step, *args):
    """step(*args) under the last resort: True if it ended normally, False if it raised
    (then it has been reported)."""
    try:
        step(*args)
    except Exception as error:
        report_unexpected(error, log)
        return False
    return True
