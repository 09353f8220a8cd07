"""--wait-for-services: the main command starts only once every service that should be
up is up and, where it has a `check` script, ready (what `sv check` waits for).

runit sends no event when a service becomes ready, so the services still pending are
looked at every CHECK_INTERVAL seconds until the deadline; in between, PID 1 sits in
its usual sigtimedwait, so a stop signal ends the wait at once and zombies are reaped.
"""

import os
import time

from my_init.runit import scanned_directory
from my_init.runit_state import service_directories
from my_init.services import expected_up, has_check, read_status, why_not_up
from my_init.spawn import SpawnError
from my_init.supervisor import exit_code

CHECK_INTERVAL = 0.2
# A `check` script that hangs is killed after this long (it counts as not ready); the
# wait can overrun its deadline by this much at most.
CHECK_TIMEOUT = 5.0


def run_check(supervisor, directory, log):
    """Run DIRECTORY/check in DIRECTORY (as runit does); its exit code (137 if killed)."""
    limit = time.monotonic() + CHECK_TIMEOUT
    try:  # env -C: the directory change without a shell
        pid = supervisor.start(["env", "-C", directory, "./check"])
    except SpawnError as error:
        log.debug(str(error))
        return error.status
    # Not in the foreground (it gets no forwarded signals); killed at once on a stop.
    return exit_code(supervisor.wait_for(pid, limit, stop_grace=0))


def why_not_ready(supervisor, directory, log):
    """None when the service needs no waiting for (or is ready), else the reason."""
    status = read_status(directory)
    if not expected_up(directory, status):
        return None
    reason = why_not_up(directory, status)
    if reason is not None or not has_check(directory):
        return reason
    code = run_check(supervisor, directory, log)
    return None if code == 0 else "up, but ./check exited %d (not ready)" % code


def wait_for_services(supervisor, runsvdir_pid, seconds, log):
    """Returns {service directory: reason} for the services not ready when SECONDS have
    passed ({} when all became ready), or None when a stop signal came first. Only the
    services runsvdir supervises count (those skipped at boot are not waited for)."""
    deadline = time.monotonic() + seconds
    pending = service_directories(scanned_directory(supervisor, runsvdir_pid))
    log.info("Waiting up to %g s for %d services to be ready..." % (seconds, len(pending)))
    while True:
        reasons = {}
        for directory in pending:
            if supervisor.stop_requested():
                return None
            reason = why_not_ready(supervisor, directory, log)
            if reason is not None:
                reasons[directory] = reason
        if supervisor.stop_requested():
            return None
        if not reasons:
            log.info("All services are ready.")
            return {}
        pending = sorted(reasons)
        now = time.monotonic()
        if now >= deadline:
            return reasons
        supervisor.wait_until(supervisor.stop_requested, min(deadline, now + CHECK_INTERVAL))


def report_not_ready(reasons, seconds, log):
    for directory in sorted(reasons):
        log.error("service %s not ready after %g s: %s"
                  % (os.path.basename(directory), seconds, reasons[directory]))
