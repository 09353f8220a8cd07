"""my_init: boot, run, shut down. See README.md for the behaviour of each step."""

import os
import sys
import time

from my_init import log as logging
from my_init.cli import UsageError, parse_args
from my_init.environment import ContainerEnvironment
from my_init.exit_request import install_exit_requests, link_finish_scripts
from my_init.hooks import (
    INSECURE_KEY_COMMAND,
    POST_SHUTDOWN_DIRECTORY,
    PRE_SHUTDOWN_DIRECTORY,
    BootFailed,
    executables_in,
    run_shutdown_hooks,
    run_startup_command,
    run_startup_files,
)
from my_init.last_resort import UNEXPECTED_ERROR, report_unexpected, survive
from my_init.readiness import report_not_ready, wait_for_services
from my_init.runit import find_runsvdir, start_runit, stop_runit
from my_init.runit_state import SERVICE_DIRECTORY
from my_init.runtime import mark_stopping, prepare_runtime_directory
from my_init.shutdown import kill_all_processes
from my_init.signals import configure_signals, describe
from my_init.spawn import SpawnError
from my_init.supervisor import Supervisor, exit_code

# Services that stop cleanly need far less than this; it only keeps runit from being
# skipped when the main command used up the whole KILL_PROCESS_TIMEOUT.
MIN_RUNIT_GRACE = 1.0


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


def run_main_command(options, supervisor, log):
    """Run MAIN_COMMAND in its own process group; return its exit code (128+N if killed)."""
    command = options.main_command
    name = " ".join(command)
    log.info("Running %s..." % name)
    try:
        status = supervisor.run(command, stop_grace=options.kill_process_timeout,
                                own_process_group=True, rewrites=options.signal_rewrites)
    except SpawnError as error:
        log.error(str(error))
        return error.status
    code = exit_code(status)
    if status is None:
        log.error("%s could not be killed" % name)
    elif os.WIFSIGNALED(status):
        log.info("%s was killed by %s (exit code %d)." % (name, describe(os.WTERMSIG(status)), code))
    else:
        log.info("%s exited with exit code %d." % (name, code))
    return code


def wait_for_stop(supervisor, runsvdir_pid, log):
    """Runit mode: run until a stop signal (exit 0) or until runsvdir dies by itself."""
    supervisor.wait_until(
        lambda: supervisor.stop_requested() or supervisor.has_exited(runsvdir_pid))
    if supervisor.stop_requested():
        return 0
    code = exit_code(supervisor.exited[runsvdir_pid])
    log.error("runit exited unexpectedly with status %d" % code)
    return code or 1


def run(options, supervisor, environment, log):
    """Boot and run; returns (exit code, runsvdir PID or None)."""
    try:
        runsvdir = boot(options, supervisor, environment, log)
    except BootFailed as failure:
        log.error(str(failure))
        return failure.status, None
    if options.main_command:
        if runsvdir is not None and options.wait_for_services and not supervisor.stop_requested():
            not_ready = wait_for_services(supervisor, runsvdir, options.wait_for_services, log)
            if not_ready:
                report_not_ready(not_ready, options.wait_for_services, log)
                return 1, runsvdir
        if supervisor.stop_requested():  # stopped during boot: the command never ran
            return 128 + supervisor.stop_signal, runsvdir
        return run_main_command(options, supervisor, log), runsvdir
    if runsvdir is None and not supervisor.stop_requested():
        if not os.path.isdir(SERVICE_DIRECTORY):
            log.info("Nothing to run: no main command, and runit not started")
            return 0, None
        # Every service was skipped (runit_state says why): stay up as runit mode does.
        log.info("No service can be supervised; waiting for a stop signal")
        supervisor.wait_until(supervisor.stop_requested)
    if runsvdir is None or supervisor.stop_requested():
        return 0, runsvdir
    return wait_for_stop(supervisor, runsvdir, log), runsvdir


def shut_down(options, supervisor, runsvdir_pid, log):
    """Pre-shutdown hooks, runit services, all other processes, post-shutdown hooks, all
    within one deadline: KILL_PROCESS_TIMEOUT + KILL_ALL_PROCESSES_TIMEOUT after the stop
    began (the stop signal, or the main command's exit). A step that fails unexpectedly
    is reported and the next one runs; returns False if one did."""
    started = supervisor.stop_time if supervisor.stop_time is not None else time.monotonic()
    stop_deadline = started + options.kill_process_timeout
    final_deadline = stop_deadline + options.kill_all_processes_timeout
    hook_timeout = options.hook_timeout

    pre_hooks = executables_in(PRE_SHUTDOWN_DIRECTORY, log)
    intact = survive(log, run_shutdown_hooks, supervisor, pre_hooks, hook_timeout,
                     final_deadline, log)
    if runsvdir_pid is not None:
        runit_deadline = min(max(stop_deadline, time.monotonic() + MIN_RUNIT_GRACE), final_deadline)
        intact &= survive(log, stop_runit, supervisor, runsvdir_pid, runit_deadline, log)
    post_hooks = executables_in(POST_SHUTDOWN_DIRECTORY, log)
    if options.kill_all_on_exit:
        # Keep time for the post-shutdown hooks, which run after everything else is gone.
        reserve = min(hook_timeout * len(post_hooks), max(final_deadline - time.monotonic(), 0) / 2)
        intact &= survive(log, kill_all_processes, supervisor, final_deadline - reserve, log)
    intact &= survive(log, run_shutdown_hooks, supervisor, post_hooks, hook_timeout,
                      final_deadline, log)
    return intact


def main(argv=None):
    logging.fill_closed_standard_fds()
    log = logging.Log()
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        logging.write_line("my_init: %s" % error)
        return 2
    if options is None:
        return 0
    if options.quiet:
        log.level = logging.ERROR
    elif options.verbose:
        log.level = logging.DEBUG

    handled = configure_signals()
    if os.getpid() != 1:
        from my_init.subreaper import become_subreaper

        become_subreaper(log)
    supervisor = Supervisor(log, handled, options.signal_process_group)
    try:
        environment = ContainerEnvironment(log)
        environment.import_variables(clear=False, override=False)
        environment.export_variables(to_directory=True)
        if prepare_runtime_directory(log):
            supervisor.stop_listeners.append(lambda: mark_stopping(log))
            install_exit_requests(supervisor, log)
        code, runsvdir_pid = run(options, supervisor, environment, log)
    except Exception as error:  # the last resort: PID 1 shuts down properly, whatever it was
        report_unexpected(error, log)
        code, runsvdir_pid = UNEXPECTED_ERROR, find_runsvdir(supervisor)
    mark_stopping(log)
    if not shut_down(options, supervisor, runsvdir_pid, log):
        return UNEXPECTED_ERROR
    return final_exit_code(options, supervisor, code, log)


def final_exit_code(options, supervisor, code, log):
    """A code asked for (my_init_exit, a critical service) wins; then --map-exit-code."""
    if supervisor.requested_exit is not None:
        code = supervisor.requested_exit
    mapped = options.exit_code_map.get(code, code)
    if mapped != code:
        log.info("exit code %d mapped to %d" % (code, mapped))
    return mapped
