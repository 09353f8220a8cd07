"""The last resort: an exception nobody foresaw must not end PID 1.

When PID 1 dies the kernel kills every process of the container at once: no service is
stopped, nothing is flushed. So an unexpected exception while booting or running is
reported in one line and the normal shutdown follows; one inside a shutdown step is
reported and the next step runs. my_init then exits with UNEXPECTED_ERROR. The
traceback is shown with --verbose only. The PID-1 suite injects such an exception from
outside (tests/init/test_last_resort.py).
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
            for line in traceback_lines(error):
                log.debug(line)
    except Exception:  # reporting must not be what ends PID 1 (e.g. MemoryError again)
        pass


CAUSE = "The above exception was the direct cause of the following exception:"
CONTEXT = "During handling of the above exception, another exception occurred:"


def exception_chain(error):
    """ERROR and the exceptions it was raised from or during, first the earliest, each
    with the line that links it to the one before (None for the first)."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if error.__cause__ is not None:
            chain.append((error, CAUSE))
            error = error.__cause__
        elif error.__context__ is not None and not error.__suppress_context__:
            chain.append((error, CONTEXT))
            error = error.__context__
        else:
            chain.append((error, None))
            error = None
    return chain[::-1]


def traceback_lines(error):
    """The lines traceback.format_exception() gives for ERROR, without the source lines
    (a compiled my_init has no sources): written out because the traceback module brings
    re, enum, tokenize and a dozen more modules, 0.66 MB of the dist, for a report that
    only --verbose ever shows."""
    lines = []
    for exception, link in exception_chain(error):
        if link is not None:
            lines += ["", link, ""]
        frame = exception.__traceback__
        if frame is not None:
            lines.append("Traceback (most recent call last):")
        while frame is not None:
            code = frame.tb_frame.f_code
            lines.append('  File "%s", line %d, in %s' % (code.co_filename, frame.tb_lineno, code.co_name))
            frame = frame.tb_next
        name = type(exception).__qualname__
        if type(exception).__module__ not in ("__main__", "builtins"):
            name = "%s.%s" % (type(exception).__module__, name)
        text = str(exception)
        lines.extend(("%s: %s" % (name, text) if text else name).split("\n"))
    return lines


def survive(log, step, *args):
    """step(*args) under the last resort: True if it ended normally, False if it raised
    (then it has been reported)."""
    try:
        step(*args)
    except Exception as error:
        report_unexpected(error, log)
        return False
    return True
