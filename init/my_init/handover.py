"""Handing PID 1 over to a fresh copy of itself once the container is up.

Booting needs much more of my_init than waiting does: option parsing, the container
environment, the startup files, runit's start, the readiness wait. Their modules, and
the objects the boot leaves scattered over the heap, would stay in PID 1 for the
container's whole life. So once the boot is done (the main command or runit started,
and still running HANDOVER_DELAY later: main.py) my_init execs its own program again:
through a descriptor of /proc/self/exe opened before the boot (open_own_program), so
the copy is the very file that was running, whatever was renamed over its path since;
with the same command line and the same environment. What the waiting and the shutdown
need travels in a memfd named STATE_NAME, the only descriptor my_init lets the exec
inherit; the copy finds it by that name, reads it and closes it before anything else,
so no child ever holds it and nothing of it is in the environment (/proc/1/environ).
The copy imports only main.py's modules (never boot.py's) and goes on where the first
one stopped: same PID, same children, same terminal, same open files.

Nothing is lost in between: every signal my_init handles is blocked (signals.py), and
the mask and the pending signals survive exec, so a SIGTERM or SIGCHLD that arrives
meanwhile waits for the copy's first sigtimedwait. A handover that cannot be done (no
/proc, no memfd, exec refused) changes nothing: my_init stays in the first process. A
copy that finds the state but cannot read it never boots again (BrokenHandover,
broken_handover.py).
"""

import marshal
import os

# The memfd's name, as /proc/self/fd shows it: "/memfd:my_init-handover (deleted)".
STATE_NAME = "my_init-handover"
STATE_LINK = "/memfd:%s " % STATE_NAME
# Bumped when what is passed changes: a copy only resumes a state of its own format (it
# is the same program, so this is only a second guard).
FORMAT = 3
OWN_PROGRAM = "/proc/self/exe"
OWN_COMMAND_LINE = "/proc/self/cmdline"
OWN_NAME = "/proc/self/comm"
OWN_DESCRIPTORS = "/proc/self/fd"

# What PID 1 waits for once booted.
COMMAND = "command"  # the main command
RUNIT = "runit"  # a stop signal, or runsvdir's end
IDLE = "idle"  # a stop signal (every service was skipped)


class BrokenHandover(Exception):
    """The copy found the handover's state but could not read it."""


class Running:
    """What PID 1 needs after the boot, and all that the first process passes on: plain
    data (marshal). `code` is set when the boot already decided the exit code (then
    there is nothing to wait for: no handover)."""

    __slots__ = ("mode", "code", "main_pid", "main_name", "runsvdir_pid", "runtime_ready",
                 "log_level", "kill_process_timeout", "kill_all_processes_timeout",
                 "hook_timeout", "kill_all_on_exit", "exit_code_map")

    def __init__(self, options, log_level):
        self.mode = IDLE
        self.code = None
        self.main_pid = None
        self.main_name = ""
        self.runsvdir_pid = None
        self.runtime_ready = False  # /run/my_init usable: stop marker, exit requests
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


def open_own_program(log):
    """A descriptor of the running program (close-on-exec), opened before the boot; None
    when there is none to open (no /proc): then there is no handover."""
    try:
        return os.open(OWN_PROGRAM, os.O_PATH | os.O_CLOEXEC)
    except OSError as error:
        log.debug("no handover: cannot open %s (%s)" % (OWN_PROGRAM, error.strerror))
        return None


def hand_over(program, running, supervisor, log):
    """Exec PROGRAM (open_own_program) again as a fresh copy of my_init that goes on with
    `running` and the supervisor's state (Supervisor.carried_state). Returns only when
    that cannot be done; my_init then goes on here."""
    state = None
    try:
        with open(OWN_COMMAND_LINE, "rb") as file:
            argv = file.read().split(b"\0")[:-1]
        with open(OWN_NAME, "rb") as file:
            name = file.read().rstrip(b"\n")
        data = marshal.dumps((FORMAT, os.getpid(), name, program, plain_state(running, Running.__slots__),
                              supervisor.carried_state()))
        state = os.memfd_create(STATE_NAME)  # close-on-exec until the moment of the exec
        write_all(state, data)
        log.debug("handing PID %d over to a fresh copy of itself" % os.getpid())
        # No child can be forked between these lines: the copy alone inherits both. The
        # program's descriptor too: where the kernel, or an emulator (qemu-user), has no
        # execveat, the C library execs /proc/self/fd/N instead, and a binfmt interpreter
        # opens that path after the exec; the copy closes it first thing (take_over).
        os.set_inheritable(state, True)
        os.set_inheritable(program, True)
        os.execve(program, argv, os.environ)
    except (OSError, ValueError) as error:  # ValueError: a NUL in a variable of os.environ
        log.debug("not handing over, staying in this process: %s" % (
            getattr(error, "strerror", None) or error))
        try:
            os.set_inheritable(program, False)
        except OSError:
            pass
    finally:
        if state is not None:
            os.close(state)


def resume_supervisor(supervisor, state):
    """SUPERVISOR, new in the copy, given the state of the first process's. Raises
    BrokenHandover unless STATE has exactly what supervisor.carried_state() names."""
    try:
        restore(supervisor, checked_state(state, supervisor.carried_state()))
    except ValueError as error:
        raise BrokenHandover(str(error)) from None
    return supervisor


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def take_over():
    """In the copy: (Running, supervisor state for resume_supervisor) from the handover's memfd,
    which is closed here, before any child could inherit it. None on a fresh start (no
    such descriptor). Raises BrokenHandover when the state cannot be read."""
    fd = state_descriptor()
    if fd is None:
        return None
    try:
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        form, pid, name, program, state, supervisor_state = marshal.loads(data)
        if form != FORMAT or pid != os.getpid():
            raise ValueError("written for another process")
        close_program(program)
        running = Running.__new__(Running)
        restore(running, checked_state(state, Running.__slots__))
    except (OSError, ValueError, TypeError, EOFError) as error:
        raise BrokenHandover(getattr(error, "strerror", None) or str(error)) from None
    finally:
        os.close(fd)
    keep_name(name)
    return running, supervisor_state


def close_program(fd):
    """Close the first process's descriptor of the program, inherited for the exec: still
    open, so its number is still that descriptor's. Nothing of the handover stays open."""
    if not isinstance(fd, int) or fd < 0:
        raise ValueError("no descriptor number for the program")
    try:
        os.close(fd)
    except OSError:  # already closed: nothing to do
        pass


def state_descriptor():
    """The inherited descriptor of the handover's memfd, or None."""
    try:
        names = os.listdir(OWN_DESCRIPTORS)
    except OSError:  # no /proc: there was no handover either
        return None
    for name in names:
        try:
            target = os.readlink(os.path.join(OWN_DESCRIPTORS, name))
        except OSError:  # the listing's own descriptor, closed by now
            continue
        if target.startswith(STATE_LINK):
            return int(name)
    return None


def keep_name(name):
    """Give the copy the first process's name: an exec through a descriptor names the
    process after the descriptor's number ("3"), which `ps -e` and `top` would show."""
    try:
        with open(OWN_NAME, "wb") as file:
            file.write(name)
    except (OSError, TypeError):
        pass
