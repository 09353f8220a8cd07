"""Ending everything: the last step of a shutdown, SIGTERM then SIGKILL to all processes."""

import os
import time

from my_init import signals
from my_init.runit import child_pids
from my_init.supervisor import KILL_GRACE


def descendants():
    """PIDs below this process. Only needed when my_init is not PID 1, where kill(-1)
    would reach every process of the user, far outside the container."""
    children_of = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as file:
                parent = int(file.read().rpartition(b")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children_of.setdefault(parent, []).append(int(entry))
    found, pending = [], list(child_pids())
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children_of.get(pid, ()))
    return found


def signal_all(signum):
    if os.getpid() == 1:
        try:
            os.kill(-1, signum)  # every process of the namespace but PID 1
        except ProcessLookupError:
            pass
        return
    for pid in descendants():
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def kill_all_processes(supervisor, deadline, log):
    """SIGTERM (and SIGCONT, so stopped processes can act on it) to all, wait for them
    until the deadline, then SIGKILL. Returns True if everything exited on SIGTERM."""
    if not supervisor.has_children():
        return True
    log.info("Killing all processes...")
    signal_all(signals.SIGTERM)
    signal_all(signals.SIGCONT)
    if supervisor.wait_until(lambda: not supervisor.has_children(), deadline):
        return True
    log.warn("processes still running after KILL_ALL_PROCESSES_TIMEOUT; sending SIGKILL")
    signal_all(signals.SIGKILL)
    supervisor.wait_until(lambda: not supervisor.has_children(), time.monotonic() + KILL_GRACE)
    return False
