"""Startup files (/etc/my_init.d/*, /etc/rc.local) and pre/post-shutdown hooks."""

import os
import stat
import time

from my_init.spawn import SpawnError
from my_init.supervisor import exit_code

STARTUP_DIRECTORY = "/etc/my_init.d"
RC_LOCAL = "/etc/rc.local"
PRE_SHUTDOWN_DIRECTORY = "/etc/my_init.pre_shutdown.d"
POST_SHUTDOWN_DIRECTORY = "/etc/my_init.post_shutdown.d"
INSECURE_KEY_COMMAND = "/usr/sbin/enable_insecure_key"


class BootFailed(Exception):
    """A startup step failed; the message is for the log, `status` is my_init's exit code."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def is_executable_file(path, log):
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if not stat.S_ISREG(mode):
        return False
    if not os.access(path, os.X_OK):
        log.debug("skipping %s: not executable" % path)
        return False
    return True


def executables_in(directory, log):
    """Executable regular files of `directory`, in lexical order (like run-parts)."""
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        return []
    except OSError as error:
        log.warn("cannot read %s (%s); skipped" % (directory, error.strerror))
        return []
    paths = (os.path.join(directory, name) for name in names)
    return [path for path in paths if is_executable_file(path, log)]


def run_startup_command(supervisor, path, stop_grace, log):
    """Run one startup step in the foreground; raise BootFailed if it fails. A stop
    requested meanwhile is forwarded to it and ends the boot without an error."""
    log.info("Running %s..." % path)
    try:
        status = supervisor.run([path], stop_grace=stop_grace)
    except SpawnError as error:
        raise BootFailed(str(error), error.status) from None
    if supervisor.stop_requested():
        return
    code = exit_code(status)
    if code != 0:
        raise BootFailed("%s failed with status %d" % (path, code))


def run_startup_files(supervisor, environment, stop_grace, log):
    """Each executable in /etc/my_init.d, then /etc/rc.local. After each one the
    environment is re-read, so a script can define variables for the ones after it."""
    steps = executables_in(STARTUP_DIRECTORY, log)
    if is_executable_file(RC_LOCAL, log):
        steps.append(RC_LOCAL)
    for path in steps:
        if supervisor.stop_requested():
            return
        run_startup_command(supervisor, path, stop_grace, log)
        environment.import_variables(clear=True, override=True)
        environment.export_variables(to_directory=False)


def run_shutdown_hooks(supervisor, hooks, hook_timeout, deadline, log):
    """Run each hook (paths from executables_in) for at most hook_timeout seconds and
    never past the deadline; one that fails or hangs is reported and the next runs."""
    for path in hooks:
        log.info("Running %s..." % path)
        hook_deadline = min(time.monotonic() + hook_timeout, deadline)
        try:
            status = supervisor.run([path], deadline=hook_deadline)
        except SpawnError as error:
            log.warn("%s; hook skipped" % error)
            continue
        code = exit_code(status)
        if code != 0:
            log.warn("%s failed with status %d; continuing the shutdown" % (path, code))
