"""Handing PID 1 over to a fresh copy of itself once the container is up.

Booting needs much more of my_init than waiting does: option parsing, the container
environment, the startup files, runit's start, the readiness wait. Their modules, and
the objects the boot leaves scattered over the heap, would stay in PID 1 for the
container's whole life. So once the boot is done (the main command or runit started,
and still running HANDOVER_DELAY later: main.py) my_init execs its own program again:
the same file (/proc/self/exe, checked to be the one still on disk), the same command
line, and in MY_INIT_RESUME what the waiting and the shutdown need. The copy takes the
variable out of its environment at once, imports only main.py's modules (never
boot.py's) and goes on where the first one stopped: same PID, same children, same
terminal, same open files.

Nothing is lost in between: every signal my_init handles is blocked (signals.py), and
the mask and the pending signals survive exec, so a SIGTERM or SIGCHLD that arrives
meanwhile waits for the copy's first sigtimedwait. A handover that cannot be done (no
/proc, the program replaced on disk, exec refused) changes nothing: my_init stays in the
first process, as it did before handovers existed.
"""

import errno
import marshal
import os

from my_init.supervisor import Supervisor

RESUME_VARIABLE = "MY_INIT_RESUME"
# Bumped when what is passed changes: a copy only resumes a state of its own format (the
# file is checked to be the same, so this is only a second guard).
FORMAT = 1
OWN_PROGRAM = "/proc/self/exe"
OWN_COMMAND_LINE = "/proc/self/cmdline"

# What PID 1 waits for once booted.
COMMAND = "command"  # the main command
RUNIT = "runit"  # a stop signal, or runsvdir's end
IDLE = "idle"  # a stop signal (every service was skipped)


class Running:
    """What PID 1 needs after the boot, and all that the first process passes on: plain
    data (marshal). `code` is set when the boot already decided the exit code (then
    there is nothing to wait for: no handover)."""

    __slots__ = ("mode", "code", "main_pid", "main_name", "runsvdir_pid", "runtime_ready",
                 "resumed", "log_level", "kill_process_timeout", "kill_all_processes_timeout",
                 "hook_timeout", "kill_all_on_exit", "exit_code_map")

    def __init__(self, options, log_level):
        self.mode = IDLE
        self.code = None
        self.main_pid = None
        self.main_name = ""
        self.runsvdir_pid = None
        self.runtime_ready = False  # /run/my_init usable: stop marker, exit requests
        self.resumed = False
        self.log_level = log_level
        self.kill_process_timeout = options.kill_process_timeout
        self.kill_all_processes_timeout = options.kill_all_processes_timeout
        self.hook_timeout = options.hook_timeout
        self.kill_all_on_exit = options.kill_all_on_exit
        self.exit_code_map = dict(options.exit_code_map)


def plain_state(thing, names):
    """The attributes NAMES of THING as a dict: what marshal carries to the copy."""
    return {name: getattr(thing, name) for name in names}


def checked_state(state, names):
    """STATE (from plain_state in the first process) if it has exactly NAMES."""
    if not isinstance(state, dict) or set(state) != set(names):
        raise ValueError("not a state of this my_init")
    return state


def restore(thing, state):
    """Set THING's attributes from a checked_state()."""
    for name, value in state.items():
        setattr(thing, name, value)


def hand_over(running, supervisor, log):
    """Exec a fresh copy of my_init that goes on with `running` and the supervisor's
    state (Supervisor.STATE). Returns only when that cannot be done; my_init then goes
    on here."""
    try:
        program = own_program()
        with open(OWN_COMMAND_LINE, "rb") as file:
            argv = file.read().split(b"\0")[:-1]
        environment = dict(os.environ)
        environment[RESUME_VARIABLE] = marshal.dumps(
            (FORMAT, os.getpid(), plain_state(running, Running.__slots__),
             plain_state(supervisor, Supervisor.STATE))).hex()
        log.debug("handing PID %d over to a fresh %s" % (os.getpid(), program))
        os.execve(program, argv, environment)
    except (OSError, ValueError) as error:  # ValueError: a NUL in a variable of os.environ
        log.debug("not handing over, staying in this process: %s" % (
            getattr(error, "strerror", None) or error))


def own_program():
    """The path of the running program, if the file there is still the one running."""
    path = os.readlink(OWN_PROGRAM)
    running, on_disk = os.stat(OWN_PROGRAM), os.stat(path)
    if (running.st_dev, running.st_ino) != (on_disk.st_dev, on_disk.st_ino):
        raise OSError(errno.ESTALE, "%s was replaced since my_init started" % path)
    return path


def take_over(log):
    """In the copy: (Running, supervisor state for restore()) from MY_INIT_RESUME, which
    leaves the environment here, before any child could inherit it. None on a fresh start; a value
    my_init did not write for this process is reported in one line and ignored."""
    text = os.environ.pop(RESUME_VARIABLE, None)
    if text is None:
        return None
    try:
        form, pid, state, supervisor_state = marshal.loads(bytes.fromhex(text))
        if form != FORMAT or pid != os.getpid():
            raise ValueError("written for another process")
        running = Running.__new__(Running)
        restore(running, checked_state(state, Running.__slots__))
        checked_state(supervisor_state, Supervisor.STATE)
    except (ValueError, TypeError, EOFError) as error:
        log.warn("%s ignored (%s): starting afresh" % (RESUME_VARIABLE, error))
        return None
    running.resumed = True
    return running, supervisor_state

