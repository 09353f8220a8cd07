"""The one wait loop of the tests and the benchmarks, for conditions no event announces
(a file written by another process, a container's state, a service's supervise/stat)."""

import time


def sleep_until(condition, timeout, what="", interval=0.05):
    """Calls CONDITION every INTERVAL seconds until it returns something truthy, and returns
    that. After TIMEOUT seconds raises TimeoutError naming WHAT: a text, or a function
    that returns one, called then (e.g. to show a container's logs as they are at the end).
    An exception CONDITION raises (e.g. "the process under test has exited") ends the
    wait at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            if callable(what):
                what = what()
            raise TimeoutError("timed out after %g s waiting for %s" % (timeout, what or condition))
        time.sleep(interval)
