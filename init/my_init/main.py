"""my_init: boot, run, shut down. See README.md for the behaviour of each step.

Two processes are PID 1 in turn (handover.py): the first boots (boot.py) and hands
over; the second, a fresh copy of the same program, waits and shuts down
(shutdown.py). With --no-handover (or MY_INIT_HANDOVER=0) the first does it all. While
the copy waits it holds this file and its imports only; the shutdown's modules load
when the stop begins, exit_request.py at the first request.
"""

import os
import sys
import time

from my_init.handover import COMMAND, RUNIT, BrokenHandover, hand_over, open_own_program, resume_supervisor, take_over
from my_init.last_resort import UNEXPECTED_ERROR, report_unexpected
from my_init.messages import DEBUG, Log, fill_closed_standard_fds, write_line
from my_init.runtime import mark_stopping
from my_init.runtime_setup import use_runtime_directory
from my_init.signals import configure_signals, describe
from my_init.supervisor import Supervisor, exit_code

# The handover waits this long after the boot, handling signals as usual: it then takes
# no CPU from the main command's start, and a command that ends sooner (or a stop that
# comes sooner) means no handover at all.
HANDOVER_DELAY = 0.5


def main(argv=None):
    fill_closed_standard_fds()
    log = Log()
    argv = sys.argv[1:] if argv is None else argv
    try:
        resumed = take_over()
        copy = resume(*resumed, log) if resumed is not None else None
    except BrokenHandover as error:
        # Never a second boot beside the first one's children: stop them and exit.
        from my_init.broken_handover import take_charge

        copy = take_charge(error, argv, log)
    if copy is not None:
        running, supervisor = copy
        return run_and_shut_down(running, supervisor, log)
    # Only the first PID 1 loads the boot's modules.
    from my_init.boot import boot_container
    from my_init.cli import UsageError, parse_args

    try:
        options = parse_args(argv)
    except UsageError as error:
        write_line("my_init: %s" % error)
        return 2
    if options is None:
        return 0
    # Opened before the boot: the copy is exec'd from this very file.
    program = open_own_program(log) if options.handover else None
    running, supervisor = boot_container(options, log)
    return run_and_shut_down(running, supervisor, log, program)


def resume(running, supervisor_state, log):
    """The copy's start: the first process's log level, signals, supervisor and hooks.
    Raises BrokenHandover when the supervisor's state is not one of this my_init."""
    log.level = running.log_level
    supervisor = resume_supervisor(Supervisor(log, configure_signals()), supervisor_state)
    if running.runtime_ready:
        use_runtime_directory(supervisor, log)
    return running, supervisor


def run_and_shut_down(running, supervisor, log, program=None):
    """Hand over (PROGRAM: open_own_program's descriptor, None for no handover), wait for
    the end, shut down; returns my_init's exit code."""
    try:
        if running.code is None:
            if program is not None:
                if runs_on(running, supervisor, HANDOVER_DELAY):
                    hand_over(program, running, supervisor, log)  # returns only when it cannot
                os.close(program)
            running.code = wait_for_end(running, supervisor, log)
    except Exception as error:  # the last resort: PID 1 shuts down properly, whatever it was
        report_unexpected(error, log)
        running.code = UNEXPECTED_ERROR
    mark_stopping(log)
    if log.level >= DEBUG:
        # What PID 1 held while it ran, before the shutdown loads its own: the import
        # budget (ARCHITECTURE.md), for a user to see and the PID-1 suite to check.
        log.debug("modules held before the shutdown: %s" % " ".join(sorted(sys.modules)))
    try:
        # Loaded when the stop begins: the idle PID 1 does not hold the shutdown's modules.
        from my_init.shutdown import shut_down
    except Exception as error:
        report_unexpected(error, log)
        return UNEXPECTED_ERROR
    if not shut_down(running, supervisor, log):
        return UNEXPECTED_ERROR
    return final_exit_code(running, supervisor, log)


def runs_on(running, supervisor, seconds):
    """Handle signals for SECONDS; True if no stop began and what PID 1 waits for (the
    main command, runsvdir) is still running then."""
    awaited = running.main_pid if running.mode == COMMAND else running.runsvdir_pid

    def ended():
        return supervisor.stop_requested() or (awaited is not None and supervisor.has_exited(awaited))

    return not supervisor.wait_until(ended, time.monotonic() + seconds)


def wait_for_end(running, supervisor, log):
    """Wait for what running.mode says; returns the exit code it gives."""
    if running.mode == COMMAND:
        return wait_for_main_command(running, supervisor, log)
    if running.mode == RUNIT:
        return wait_for_stop(supervisor, running.runsvdir_pid, log)
    supervisor.wait_until(supervisor.stop_requested)
    return 0


def wait_for_main_command(running, supervisor, log):
    """Its exit code (128+N if killed); a stop gives it KILL_PROCESS_TIMEOUT to exit."""
    status = supervisor.wait_for(running.main_pid, stop_grace=running.kill_process_timeout)
    name = running.main_name
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


def final_exit_code(running, supervisor, log):
    """A code asked for (my_init_exit, a critical service) wins; then --map-exit-code."""
    code = running.code
    if supervisor.requested_exit is not None:
        code = supervisor.requested_exit
    mapped = running.exit_code_map.get(code, code)
    if mapped != code:
        log.info("exit code %d mapped to %d" % (code, mapped))
    return mapped
