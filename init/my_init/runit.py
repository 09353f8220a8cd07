"""Booting runit (runsvdir on /etc/service) and stopping its services.

Stopping: runsvdir is killed first, so no runsv is restarted behind our back; its runsv
processes are then our children. `sv exit` tells each runsv to stop its
service and exit (runit's own stage-3 command). A runsv too young to have opened its
control pipe (upstream issue #315) gets SIGTERM, which runsv treats as that same exit
command. Completion is seen in SIGCHLD events; no status polling. A service still
running at the deadline is killed as `sv kill` does it, by a `k` written to its control
pipe: no process to start when the shutdown may be short of them.
"""

import os
import time

from my_init import signals
from my_init.proc import child_pids, command_line, process_name
from my_init.runit_state import SERVICE_DIRECTORY, scan_directory, service_directories
from my_init.services import runsv_answers, send_command
from my_init.spawn import SpawnError
from my_init.supervisor import KILL_GRACE, exit_code

# A forked runsvdir child is still called runsvdir until it has exec'd runsv.
SUPERVISOR_NAMES = ("runsv", "runsvdir")
# A file in a service directory: stop this service after all the others.
STOP_LAST = "stop-last"
LAST_ROUND_RESERVE = 1.0


def start_runit(supervisor, log):
    """Start runsvdir and return its PID; None when there is no /etc/service (an image
    that only copied my_init in) or, with one warning, when this user cannot supervise
    the services (see runit_state)."""
    if not os.path.isdir(SERVICE_DIRECTORY):
        log.info("No %s: runit not started" % SERVICE_DIRECTORY)
        return None
    directory = scan_directory(log)
    if directory is None:
        return None
    log.info("Booting runit daemon...")
    pid = supervisor.start(["runsvdir", "-P", directory])
    log.info("Runit started as PID %d" % pid)
    return pid


def find_runsvdir(supervisor):
    """runsvdir's PID among my_init's children, watched again (None if there is none):
    for a shutdown after an unexpected error lost track of it."""
    try:
        children = child_pids()
    except OSError:  # no /proc: nothing to find
        return None
    for pid in children:
        if process_name(pid) == "runsvdir":
            supervisor.watch(pid)
            return pid
    return None


def scanned_directory(supervisor, runsvdir_pid):
    """The directory a running runsvdir scans (`runsvdir -P DIR`): from the argv it was
    started with, or (found again after an unexpected error) its command line."""
    argv = supervisor.commands.get(runsvdir_pid) or [word for word in command_line(runsvdir_pid) if word]
    return os.fsdecode(argv[-1]) if len(argv) >= 3 else SERVICE_DIRECTORY


def sv_exit(supervisor, services, deadline, log):
    """`sv exit SERVICE...`. Returns True if sv reported success for all; False (the
    caller sends SIGTERM instead) when it failed or could not be started."""
    try:
        status = supervisor.run(["sv", "exit"] + services, deadline=deadline)
    except SpawnError as error:
        log.warn("%s; sending SIGTERM to each runsv instead (runsv takes it as `sv exit`)"
                 % error)
        return False
    return exit_code(status) == 0


def kill_services(supervisor, directory, runsv_pids, log):
    """SIGKILL to the service of each runsv, through the runsv (`k` on its control pipe,
    as `sv kill` sends it); a forked runsvdir that supervises nothing yet is killed itself."""
    for pid in runsv_pids:
        service = service_of(pid, directory)
        if service is None:
            supervisor.kill(pid, signals.SIGKILL)
        elif not send_command(service, b"k"):
            log.warn("cannot send SIGKILL to %s: its runsv does not answer" % service)


def service_of(pid, directory):
    """The service directory a runsv supervises, from its command line `runsv NAME`."""
    argv = command_line(pid)
    if len(argv) < 2 or not argv[0].endswith(b"runsv"):
        return None
    return os.path.join(directory, os.fsdecode(argv[1]))


def stop_services(supervisor, directory, services, runsv_pids, deadline, log):
    """`sv exit` the services (in `directory`, the one runsvdir scanned) and wait for
    their runsv processes to exit; past the deadline, kill the services still running."""
    if not runsv_pids:
        return
    for pid in runsv_pids:
        supervisor.watch(pid)
    # Only runsv processes that answer get `sv exit`: sv would print "unable to open
    # supervise/ok" for one too young to have created it (a one-shot command that ends
    # right after boot). The others get SIGTERM, which runsv takes as the same command.
    answering = [path for path in services if runsv_answers(path)]
    if not (answering and sv_exit(supervisor, answering, deadline, log)):
        answering = []
    for pid in runsv_pids:
        if service_of(pid, directory) not in answering:
            supervisor.kill(pid, signals.SIGTERM)

    def all_exited():
        return all(supervisor.has_exited(pid) for pid in runsv_pids)

    if not supervisor.wait_until(all_exited, deadline):
        log.warn("runit services still running after KILL_PROCESS_TIMEOUT; sending SIGKILL")
        kill_services(supervisor, directory,
                      [pid for pid in runsv_pids if not supervisor.has_exited(pid)], log)
        supervisor.wait_until(all_exited, time.monotonic() + KILL_GRACE)
    for pid in runsv_pids:
        supervisor.release(pid)


def stop_runit(supervisor, runsvdir_pid, deadline, log):
    """Stop every service and runit itself by the deadline; services still running then
    are killed. Services marked with a `stop-last` file (syslog-ng: the others log while
    they stop) are stopped once the others are gone."""
    log.info("Shutting down runit daemon (PID %d)..." % runsvdir_pid)
    directory = scanned_directory(supervisor, runsvdir_pid)
    if not supervisor.has_exited(runsvdir_pid):
        # Not SIGTERM: runsvdir only acts on it when its scan loop next wakes, up to 5 s
        # later. It holds no state; its runsv processes live on as our children.
        supervisor.kill(runsvdir_pid, signals.SIGKILL)
        supervisor.wait_until(lambda: supervisor.has_exited(runsvdir_pid), deadline)
    supervisor.release(runsvdir_pid)

    runsv_pids = [pid for pid in child_pids() if process_name(pid) in SUPERVISOR_NAMES]
    services = service_directories(directory)
    last = [path for path in services if os.path.exists(os.path.join(path, STOP_LAST))]
    last_pids = [pid for pid in runsv_pids if service_of(pid, directory) in last]
    # The last round keeps a share of the time even when a stubborn service used the rest.
    reserve = min(LAST_ROUND_RESERVE, max(deadline - time.monotonic(), 0) / 2) if last else 0
    stop_services(supervisor, directory, [path for path in services if path not in last],
                  [pid for pid in runsv_pids if pid not in last_pids], deadline - reserve, log)
    stop_services(supervisor, directory, last, last_pids, deadline, log)
