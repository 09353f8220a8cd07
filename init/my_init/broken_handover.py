"""A copy of my_init that found the handover's state but cannot read it (handover.py).

Booting again would run the startup files a second time and start a second runsvdir and
main command beside the first ones. So the copy takes charge of what the first process
started and stops it as a normal stop would: SIGTERM (or what --rewrite-signal makes of
it) to its other children, the main command among them, with KILL_PROCESS_TIMEOUT to
exit; then the usual shutdown (hooks, runit, kill-all); then it exits HANDOVER_BROKEN.
Loaded only then.
"""

from my_init.cli import Options, UsageError, parse_args
from my_init.handover import Running
from my_init.last_resort import survive
from my_init.proc import child_pids
from my_init.runit import find_runsvdir
from my_init.signals import SIGTERM, configure_signals
from my_init.supervisor import Supervisor

# sysexits.h's EX_PROTOCOL: the two processes of the handover did not understand each
# other. Documented in docs/my_init.md (the boot, step 7) and the README's exit status.
HANDOVER_BROKEN = 76


def take_charge(error, argv, log):
    """(Running, Supervisor) for run_and_shut_down: the stop begun, the children but
    runsvdir stopped, running.code HANDOVER_BROKEN."""
    options = read_options(argv)
    log.level = options.log_level()
    log.error("cannot read the state of the handover (%s): not booting again" % error)
    supervisor = Supervisor(log, configure_signals(), options.signal_process_group)
    running = Running(options, log.level)
    running.code = HANDOVER_BROKEN
    supervisor.begin_stop(SIGTERM, "handover failed")
    running.runsvdir_pid = find_runsvdir(supervisor)
    stop_signal = options.signal_rewrites.get(SIGTERM, SIGTERM)
    survive(log, stop_children, supervisor, running.runsvdir_pid, stop_signal,
            supervisor.stop_time + running.kill_process_timeout)
    return running, supervisor


def read_options(argv):
    """The options the first process booted with: the copy has the same command line and
    environment."""
    try:
        return parse_args(argv) or Options()
    except UsageError:
        return Options()


def stop_children(supervisor, runsvdir_pid, signum, deadline):
    """SIGNUM (0: none) to each child but runsvdir (the main command among them), then
    until DEADLINE for them to exit; those left get the shutdown's kill-all step."""
    pids = [pid for pid in child_pids() if pid != runsvdir_pid]
    for pid in pids:
        supervisor.watch(pid)
        if signum:
            supervisor.kill(pid, signum)
    supervisor.wait_until(lambda: all(supervisor.has_exited(pid) for pid in pids), deadline)
    for pid in pids:
        supervisor.release(pid)
