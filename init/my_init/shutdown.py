"""The shutdown: pre-shutdown hooks, runit, all other processes (SIGTERM, then SIGKILL),
post-shutdown hooks. Loaded when the stop begins (main.py)."""

import os
import time

from my_init import signals
from my_init.hooks import POST_SHUTDOWN_DIRECTORY, PRE_SHUTDOWN_DIRECTORY, executables_in, run_shutdown_hooks
from my_init.last_resort import UNEXPECTED_ERROR, survive
from my_init.proc import descendants
from my_init.runit import find_runsvdir, stop_runit
from my_init.supervisor import KILL_GRACE

# Services that stop cleanly need far less than this; it only keeps runit from being
# skipped when the main command used up the whole KILL_PROCESS_TIMEOUT.
MIN_RUNIT_GRACE = 1.0


def shut_down(running, supervisor, log):
    """Pre-shutdown hooks, runit services, all other processes, post-shutdown hooks, all
    within one deadline: KILL_PROCESS_TIMEOUT + KILL_ALL_PROCESSES_TIMEOUT after the stop
    began (the stop signal, or the main command's exit). A step that fails unexpectedly
    is reported and the next one runs; returns False if one did."""
    started = supervisor.stop_time if supervisor.stop_time is not None else time.monotonic()
    stop_deadline = started + running.kill_process_timeout
    final_deadline = stop_deadline + running.kill_all_processes_timeout
    hook_timeout = running.hook_timeout
    if running.code == UNEXPECTED_ERROR:  # the error may have lost track of runit
        running.runsvdir_pid = find_runsvdir(supervisor)

    pre_hooks = executables_in(PRE_SHUTDOWN_DIRECTORY, log)
    intact = survive(log, run_shutdown_hooks, supervisor, pre_hooks, hook_timeout,
                     final_deadline, log)
    if running.runsvdir_pid is not None:
        runit_deadline = min(max(stop_deadline, time.monotonic() + MIN_RUNIT_GRACE), final_deadline)
        intact &= survive(log, stop_runit, supervisor, running.runsvdir_pid, runit_deadline, log)
    post_hooks = executables_in(POST_SHUTDOWN_DIRECTORY, log)
    if running.kill_all_on_exit:
        # Keep time for the post-shutdown hooks, which run after everything else is gone.
        reserve = min(hook_timeout * len(post_hooks), max(final_deadline - time.monotonic(), 0) / 2)
        intact &= survive(log, kill_all_processes, supervisor, final_deadline - reserve, log)
    intact &= survive(log, run_shutdown_hooks, supervisor, post_hooks, hook_timeout,
                      final_deadline, log)
    return intact


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
