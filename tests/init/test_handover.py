"""The handover (init/my_init/handover.py): once booted, my_init execs a fresh copy of
itself that waits and shuts down. Same PID and command line, the same children; signals
sent around the exec are kept; the exit code and the shutdown are the same; a handover
that cannot be done leaves my_init where it was; a MY_INIT_RESUME my_init did not write
is ignored. (tests/init/test_import_budget.py shows what the copy holds.)"""

import signal

from pid1 import install_exit_tool, program

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


def test_a_resume_variable_given_from_outside_is_ignored(init):
    command = ["sh", "-c", "echo ${MY_INIT_RESUME-unset}"]
    assert init.run(args=["--skip-runit"], command=command, env={"MY_INIT_RESUME": "00ff"}) == 0
    assert init.stderr.count("*** WARNING: MY_INIT_RESUME ignored (") == 1, init.stderr
    assert "starting afresh\n" in init.stderr
    assert init.stdout == "unset\n"
