"""The handover (init/my_init/handover.py): once booted, my_init execs a fresh copy of
itself that waits and shuts down. Same PID, name and command line, the same children;
signals sent around the exec are kept; the exit code and the shutdown are the same; the
state travels in a memfd nobody else sees, never in the environment; a handover that
cannot be done leaves my_init where it was; a copy that cannot read its state never
boots again; --no-handover and MY_INIT_HANDOVER=0 turn it off.
(tests/init/test_import_budget.py shows what the copy holds.)"""

import os
import signal

import pytest

from pid1 import install_exit_tool, program
from test_import_budget import modules_held

HANDING_OVER = "--- handing PID 1 over to a fresh "
NOT_HANDING_OVER = "--- not handing over, staying in this process: "
FAST = {"KILL_PROCESS_TIMEOUT": "3", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
# One-shot mode: a main command that says it runs, then idles until TERM.
IDLE = ["sh", "-c", "trap 'echo stopped > /etc/main-stopped; exit 0' TERM; touch /etc/main-up; "
        "while :; do sleep 0.05; done"]


def start_and_hand_over(init, command=IDLE, args=(), env=None):
    init.start(args=["--verbose"] + list(args), command=command, env=dict(FAST, **(env or {})))
    init.wait_for_stderr(HANDING_OVER)


def test_the_copy_keeps_pid_command_line_and_main_command(init):
    start_and_hand_over(init)
    pid = init.init_pid()

    def command_line():
        with open("/proc/%d/cmdline" % pid, "rb") as file:
            return [word.decode() for word in file.read().split(b"\0")[:-1]]

    # empty while the exec is under way
    argv = init.watch(command_line, 10, "the copy's command line")
    assert argv == init.variant.my_init() + ["--verbose", "--"] + IDLE
    # the copy passes TERM to the same main command
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert (init.etc / "main-stopped").read_text() == "stopped\n"
    assert NOT_HANDING_OVER not in init.stderr
    assert init.stderr.count("*** Running sh -c") == 1, init.stderr  # no second boot


def test_a_signal_sent_during_the_exec_is_not_lost(init):
    init.write("my_init.pre_shutdown.d/10-hook", "#!/bin/sh\necho hook >> /etc/steps\n")
    start_and_hand_over(init)
    init.signal(signal.SIGTERM)  # the copy may not have started yet: the signal waits for it
    assert init.wait() == 0, init.stderr
    assert (init.etc / "main-stopped").exists(), init.stderr
    assert (init.etc / "steps").read_text() == "hook\n"


def test_signals_reach_the_main_command_after_the_handover(init):
    report = init.etc / "signals"
    start_and_hand_over(init, command=program("report_signals") + ["/etc/signals"])
    init.wait_for_line(report, "ready")
    # one at a time: the program's handlers may run nested, out of order
    for signum in (signal.SIGHUP, signal.SIGUSR1):
        init.signal(signum)
        init.wait_for_line(report, signal.Signals(signum).name)
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert report.read_text().split() == ["ready", "SIGHUP", "SIGUSR1", "SIGTERM"]


def test_exit_code_of_the_main_command_after_the_handover(init):
    init.start(args=["--verbose", "--map-exit-code", "4:40"], env=FAST,
               command=["sh", "-c", "sleep 1.5; exit 4"])
    assert init.wait() == 40, init.stderr
    assert HANDING_OVER in init.stderr
    assert "*** exit code 4 mapped to 40\n" in init.stderr


def test_exit_request_taken_by_the_copy(init):
    install_exit_tool(init)
    command = ["sh", "-c", "trap 'exit 0' TERM; sleep 1.2; my_init_exit 5 asked late; "
               "while :; do sleep 0.05; done"]
    assert init.run(args=["--verbose"], command=command, env=FAST) == 5, init.stderr
    assert init.stderr.index(HANDING_OVER) < init.stderr.index("*** my_init_exit 5 (asked late)")


def test_orphans_are_reaped_by_the_copy(init):
    # programs/orphans.py, once my_init has handed over (HANDOVER_DELAY is 0.5 s)
    command = ["sh", "-c", 'sleep 1; exec "$@"', "sh"] + program("orphans") + ["200"]
    assert init.run(args=["--verbose"], command=command, env=FAST) == 0, init.stderr
    assert HANDING_OVER in init.stderr
    assert "orphans still running: 0\nzombies: 0" in init.stdout, init.stdout + init.stderr


def test_runit_mode_stops_its_services_from_the_copy(init):
    init.write("service/worker/run", "#!/bin/sh\ntrap 'echo worker >> /etc/order; exit 0' TERM\n"
               "touch /etc/worker-up\nwhile :; do sleep 0.05; done\n")
    init.start(args=["--verbose"], env=FAST)
    init.wait_for_file("worker-up")
    init.wait_for_stderr(HANDING_OVER)
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert (init.etc / "order").read_text() == "worker\n"
    assert "*** Shutting down runit daemon" in init.stderr


def test_a_command_that_ends_soon_is_never_handed_over(init):
    assert init.run(args=["--verbose", "--skip-runit"], command=["true"]) == 0, init.stderr
    assert "handing" not in init.stderr


def test_a_refused_exec_leaves_my_init_in_its_process(init, fork_shim):
    # The shim fails PID 1's own execve while /etc/no-fork exists (programs/fail_fork.c);
    # the main command removes it and exits on the SIGUSR1 my_init passes on to it.
    command = ["sh", "-c", "trap 'rm /etc/no-fork; exit 3' USR1; touch /etc/no-fork; "
               "while :; do sleep 0.05; done"]
    init.write("my_init.post_shutdown.d/10-hook", "#!/bin/sh\necho hook >> /etc/steps\n")
    init.start(args=["--verbose", "--skip-runit"], command=command, preload=fork_shim,
               env=dict(FAST, FAIL_FORK_WHILE="/etc/no-fork"))
    init.wait_for_stderr(NOT_HANDING_OVER + "Resource temporarily unavailable\n")
    init.signal(signal.SIGUSR1)
    assert init.wait() == 3, init.stderr
    assert (init.etc / "steps").read_text() == "hook\n"


def read_proc(pid, name):
    with open("/proc/%d/%s" % (pid, name), "rb") as file:
        return file.read()


def test_the_state_is_neither_in_the_environment_nor_left_open(init):
    init.write("my_init.pre_shutdown.d/10-fds", "#!/bin/sh\nls -l /proc/self/fd/ > /etc/hook-fds\n")
    init.start(args=["--verbose"], command=IDLE, env=dict(FAST, SOME_VARIABLE="value"))
    init.wait_for_file("main-up")  # the first process booted; the handover comes 0.5 s later
    pid = init.init_pid()
    before = read_proc(pid, "environ")
    name = read_proc(pid, "comm")
    init.wait_for_stderr(HANDING_OVER)
    init.signal(signal.SIGWINCH)  # taken by the copy once it runs, whenever it is sent
    init.wait_for_stderr("--- passed SIGWINCH to ")
    # the copy's: the same variables, the same name (an exec through a descriptor would
    # name it "3"), no descriptor left of the state or of the program
    after = read_proc(pid, "environ")
    assert after == before
    assert b"SOME_VARIABLE=value\0" in after
    assert read_proc(pid, "comm") == name
    links = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
    assert not [link for link in links if "memfd:" in link or link.endswith("/my_init")
                or "python" in link], links
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert "memfd:" not in (init.etc / "hook-fds").read_text()


@pytest.mark.parametrize("args, env", [(["--no-handover"], {}), ([], {"MY_INIT_HANDOVER": "0"})],
                         ids=["option", "variable"])
def test_the_handover_can_be_turned_off(init, args, env):
    # the main command runs twice HANDOVER_DELAY, then says so: a handover would be done
    command = ["sh", "-c", "sleep 1; touch /etc/later; exec sleep 1000"]
    init.start(args=["--verbose"] + args, command=command, env=dict(FAST, **env))
    init.wait_for_file("later")
    init.signal(signal.SIGTERM)
    assert init.wait() == 128 + signal.SIGTERM, init.stderr
    assert "handing" not in init.stderr
    assert "my_init.boot" in modules_held(init.stderr)  # the booting process stayed PID 1


def test_the_handover_variable_set_to_1_hands_over(init):
    start_and_hand_over(init, env={"MY_INIT_HANDOVER": "1"})
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert "my_init.boot" not in modules_held(init.stderr)


def test_a_bad_handover_variable_is_one_line(init):
    assert init.run(command=["true"], env={"MY_INIT_HANDOVER": "yes"}) == 2
    assert init.stderr == "my_init: MY_INIT_HANDOVER='yes' is not 0 or 1\n"


def test_a_copy_that_cannot_read_its_state_stops_and_never_boots_again(init, fault_shim):
    """The fault shim overwrites the state in the memfd at the exec (CORRUPT_HANDOVER):
    the copy stops the main command and runit as a normal stop would, runs the hooks,
    and exits 76."""
    init.write("my_init.d/10-count", "#!/bin/sh\necho boot >> /etc/boots\n")
    init.write("service/svc/run", "#!/bin/sh\nexec sleep 1000\n")
    for kind in ("pre", "post"):
        init.write("my_init.%s_shutdown.d/10-hook" % kind, "#!/bin/sh\necho %s >> /etc/steps\n" % kind)
    init.start(command=IDLE, env=dict(FAST, CORRUPT_HANDOVER="1"), preload=fault_shim)
    assert init.wait() == 76, init.stderr
    assert init.stderr.count("*** cannot read the state of the handover (") == 1, init.stderr
    assert "): not booting again\n" in init.stderr
    assert (init.etc / "boots").read_text() == "boot\n"
    assert init.stderr.count("*** Running sh -c") == 1, init.stderr
    assert init.stderr.count("*** Booting runit daemon") == 1, init.stderr
    # the main command got SIGTERM first, as on `docker stop`
    assert (init.etc / "main-stopped").read_text() == "stopped\n", init.stderr
    assert "*** Shutting down runit daemon" in init.stderr
    assert (init.etc / "steps").read_text() == "pre\npost\n"
