"""The boot: what the first PID 1 does before it hands over (handover.py). Signals, the
container environment, /run/my_init, startup files, runit, the readiness wait and the
main command's start. None of this file's modules is loaded in the copy that waits."""

import os

from my_init.environment import ContainerEnvironment
from my_init.exit_request import link_finish_scripts
from my_init.handover import COMMAND, IDLE, RUNIT, Running
from my_init.hooks import INSECURE_KEY_COMMAND, BootFailed, run_startup_command, run_startup_files
from my_init.last_resort import UNEXPECTED_ERROR, report_unexpected
from my_init.readiness import report_not_ready, wait_for_services
from my_init.runit import start_runit
from my_init.runit_state import SERVICE_DIRECTORY
from my_init.runtime_setup import set_up_runtime_directory
from my_init.signals import configure_signals
from my_init.spawn import SpawnError
from my_init.supervisor import Supervisor


def boot_container(options, log):
    """Boot as `options` say. Returns (Running, Supervisor); Running.code is set when the
    boot already decided how my_init ends (then it only shuts down)."""
    log.level = options.log_level()
    handled = configure_signals()
    if os.getpid() != 1:
        from my_init.subreaper import become_subreaper

        become_subreaper(log)
    supervisor = Supervisor(log, handled, options.signal_process_group)
    running = Running(options, log.level)
    try:
        environment = ContainerEnvironment(log)
        environment.import_variables(clear=False, override=False)
        environment.export_variables(to_directory=True)
        running.runtime_ready = set_up_runtime_directory(supervisor, log)
        start(options, running, supervisor, environment, log)
    except Exception as error:  # the last resort: PID 1 shuts down properly, whatever it was
        report_unexpected(error, log)
        running.code = UNEXPECTED_ERROR  # the shutdown looks for runsvdir
    return running, supervisor


def boot(options, supervisor, environment, log):
    """Startup files and runit. Returns runsvdir's PID (or None). Raises BootFailed."""
    grace = options.kill_process_timeout
    if options.enable_insecure_key:
        log.info("Installing insecure SSH key for user root")
        run_startup_command(supervisor, INSECURE_KEY_COMMAND, grace, log)
    if not options.skip_startup_files:
        run_startup_files(supervisor, environment, grace, log)
    if options.skip_runit or supervisor.stop_requested():
        return None
    link_finish_scripts(log)
    try:
        return start_runit(supervisor, log)
    except SpawnError as error:
        raise BootFailed(str(error), error.status) from None


def start(options, running, supervisor, environment, log):
    """Boot, then start what PID 1 waits for (running.mode), or set running.code."""
    try:
        running.runsvdir_pid = boot(options, supervisor, environment, log)
    except BootFailed as failure:
        log.error(str(failure))
        running.code = failure.status
        return
    runsvdir = running.runsvdir_pid
    if options.main_command:
        if runsvdir is not None and options.wait_for_services and not supervisor.stop_requested():
            not_ready = wait_for_services(supervisor, runsvdir, options.wait_for_services, log)
            if not_ready:
                report_not_ready(not_ready, options.wait_for_services, log)
                running.code = 1
                return
        if supervisor.stop_requested():  # stopped during boot: the command never ran
            running.code = 128 + supervisor.stop_signal
            return
        start_main_command(options, running, supervisor, log)
    elif supervisor.stop_requested():
        running.code = 0
    elif runsvdir is not None:
        running.mode = RUNIT
    elif not os.path.isdir(SERVICE_DIRECTORY):
        log.info("Nothing to run: no main command, and runit not started")
        running.code = 0
    else:
        # Every service was skipped (runit_state says why): stay up as runit mode does.
        log.info("No service can be supervised; waiting for a stop signal")
        running.mode = IDLE


def start_main_command(options, running, supervisor, log):
    """Start MAIN_COMMAND in its own process group, in the foreground."""
    command = options.main_command
    running.main_name = " ".join(command)
    log.info("Running %s..." % running.main_name)
    try:
        running.main_pid = supervisor.start(command, foreground=True, own_process_group=True,
                                            rewrites=options.signal_rewrites)
    except SpawnError as error:
        log.error(str(error))
        running.code = error.status
        return
    running.mode = COMMAND
