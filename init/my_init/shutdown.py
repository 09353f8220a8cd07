"""Ending everything: the last step of a shutdown, SIGTERM then SIGKILL to all processes."""

import os
import time

from my_init import signals
from my_init.proc import descendants
from my_init.supervisor import KILL_GRACE


def signal_all(signum):
    if os.getpid() == 1:
        try:
            os.kill(-1, signum)  # every process of the namespace but PID 1
        except ProcessLookupError:
            pass
        return
    # Not PID 1: kill(-1) would reach every process of the user, far outside the container.
    for pid in descendants():
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def kill_all_processes(supervisor, deadline, log):
    """SIGTERM (and SIGCONT, so stopped processes can act on it) to all, wait for them
    until the deadline, then SIGKILL."""
    if not supervisor.has_children():
        return
    log.info("Killing all processes...")
    signal_all(signals.SIGTERM)
    signal_all(signals.SIGCONT)
    if supervisor.wait_until(lambda: not supervisor.has_children(), deadline):
        return
    log.warn("processes still running after KILL_ALL_PROCESSES_TIMEOUT; sending SIGKILL")
    signal_all(signals.SIGKILL)
    supervisor.wait_until(lambda: not supervisor.has_children(), time.monotonic() + KILL_GRACE)
