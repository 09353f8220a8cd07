"""Ending the container from inside it: `my_init_exit CODE` (any script) and critical
services (a `critical` file in the service directory).

runit reports a service's exit only to its `finish` script (runsv runs `./finish EXIT
SIGNAL`, EXIT being -1 when a signal killed it). At boot a critical service without a
`finish` gets one: a link to /sbin/my_init_exit, which acts as `my_init_exit --finish`
under that name. my_init_exit writes a one-line request into /run/my_init and sends
SIGPWR to my_init, so my_init learns of it in its usual signal wait, without polling:

    exit CODE [REASON]                 stop the container, exit with CODE
    service EXIT SIGNAL DIRECTORY      a service's process exited (from its finish)

A service exit counts only when the directory holds `critical`, the service is still
wanted up (not after `sv down`/`sv stop`/`sv once`) and my_init is not already stopping.
A SIGPWR without a request is passed on to the main command like any other signal.
"""

import os

from my_init import signals
from my_init.runit_state import service_directories
from my_init.runtime import RUNTIME_DIRECTORY, path_of
from my_init.services import read_status

REQUEST_PREFIX = "exit-request."
CRITICAL_FILE = "critical"
FINISH_SCRIPT = "finish"
EXIT_COMMAND = "/sbin/my_init_exit"


def link_finish_scripts(log):
    """Give every critical service without a `finish` the reporting one."""
    for directory in service_directories():
        if not os.path.exists(os.path.join(directory, CRITICAL_FILE)):
            continue
        finish = os.path.join(directory, FINISH_SCRIPT)
        if os.path.lexists(finish):
            continue
        try:
            os.symlink(EXIT_COMMAND, finish)
        except OSError as error:
            log.warn("%s is critical but has no finish script, and %s cannot be created (%s): "
                     "its exit will not stop the container" % (directory, finish, error.strerror))


def pending_requests():
    try:
        names = os.listdir(RUNTIME_DIRECTORY)
    except OSError:
        return []
    return sorted(name for name in names if name.startswith(REQUEST_PREFIX))


def take_requests(supervisor, log):
    """Act on every pending request. False when there was none and no stop is under way
    (the SIGPWR then came from someone else and is passed on)."""
    names = pending_requests()
    if not names:
        return supervisor.stop_requested()  # a late signal of a request already taken
    for name in names:
        try:
            with open(path_of(name), "rb") as file:  # bytes: see runtime.write_file
                line = file.readline().rstrip(b"\n").decode("utf-8", "replace")
            os.unlink(path_of(name))
        except OSError as error:
            log.warn("cannot read exit request %s (%s)" % (path_of(name), error.strerror))
            continue
        act_on(supervisor, line, log)
    return True


def act_on(supervisor, line, log):
    words = line.split(" ", 4)
    try:
        if words[0] == "exit" and len(words) >= 2:
            code = int(words[1])
            reason = " ".join(words[2:]) or "no reason given"
            supervisor.request_exit(code, "my_init_exit %d (%s)" % (code, reason))
            return
        if words[0] == "service" and len(words) >= 4:
            directory = line.split(" ", 3)[3]
            report_service_exit(supervisor, directory, int(words[1]), int(words[2]), log)
            return
    except ValueError:
        pass
    log.warn("ignored a malformed exit request: %r" % line)


def service_status_code(exit_code, signal_number):
    """runsv passes EXIT=-1 and the wait status' low byte when a signal killed it."""
    return 128 + (signal_number & 0x7F) if exit_code < 0 else exit_code


def report_service_exit(supervisor, directory, exit_code, signal_number, log):
    name = os.path.basename(directory.rstrip("/"))
    if not os.path.exists(os.path.join(directory, CRITICAL_FILE)):
        log.debug("service %s exited; not critical" % name)
        return
    if supervisor.stop_requested():
        log.debug("critical service %s exited during the shutdown" % name)
        return
    status = read_status(directory)
    if status is not None and status.want != "u":
        log.info("critical service %s stopped on request (sv down); the container keeps running"
                 % name)
        return
    code = service_status_code(exit_code, signal_number)
    how = ("killed by %s" % signals.describe(signal_number & 0x7F) if exit_code < 0
           else "exited with %d" % exit_code)
    supervisor.request_exit(code, "critical service %s %s" % (name, how))
