"""Signals sent to PID 1 reach the main command; job control and CHLD do not; the main
command starts with a clean signal state; -g signals the whole process group."""

import signal

import pytest

from pid1 import program

NOT_FORWARDED = {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD,
                 signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU}
FORWARDED = [s for s in range(1, 32) if s not in NOT_FORWARDED]


@pytest.mark.parametrize("signum", FORWARDED, ids=lambda s: signal.Signals(s).name)
def test_signal_reaches_main_command(init, tmp_path, signum):
    report = tmp_path / "received"
    init.start(args=["--skip-runit"], command=program("report_signals") + [str(report)])
    init.wait_for_line(report, "ready")
    init.signal(signum)
    init.wait_for_line(report, signal.Signals(signum).name)
    if signum not in (signal.SIGTERM, signal.SIGINT):
        init.signal(signal.SIGTERM)
    assert init.wait() == 0
    assert signal.Signals(signum).name in report.read_text().split("\n")


def test_term_stops_main_command_then_shutdown_follows(init):
    init.write("my_init.d/10-ready", "#!/bin/sh\ntouch /etc/booted\n")
    init.start(command=["sh", "-c", "touch /etc/main-up; exec sleep 100"])
    init.wait_for_file("main-up")
    init.signal(signal.SIGTERM)
    assert init.wait() == 128 + signal.SIGTERM
    assert "killed by SIGTERM" in init.stderr
    assert "Shutting down runit daemon" in init.stderr


def test_main_command_ignoring_term_is_killed_after_timeout(init):
    init.write("my_init.d/10-ready", "#!/bin/sh\ntouch /etc/booted\n")
    init.start(command=["sh", "-c", "trap '' TERM; touch /etc/trapped; sleep 100 & wait"],
               env={"KILL_PROCESS_TIMEOUT": "0.5", "KILL_ALL_PROCESSES_TIMEOUT": "0.5"})
    init.wait_for_file("trapped")
    init.signal(signal.SIGTERM)
    assert init.wait(timeout=15) == 128 + signal.SIGKILL


def test_job_control_signals_are_not_forwarded(init, tmp_path):
    report = tmp_path / "received"
    init.start(args=["--skip-runit"], command=program("report_signals") + [str(report)])
    init.wait_for_line(report, "ready")
    for signum in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        init.signal(signum)
    init.signal(signal.SIGUSR1)  # forwarded, and after the others: once it is seen, they were not
    init.wait_for_line(report, "SIGUSR1")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0
    received = report.read_text().split("\n")
    assert not {"SIGTSTP", "SIGTTIN", "SIGTTOU"} & set(received)


# grep, not a Python program: Python ignores SIGPIPE and SIGXFSZ itself at start-up.
SIGNAL_STATE = ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]
# Signals 32 and 33 are glibc's own (thread cancellation, setxid): no program can change
# them through libc, and a test harness may start everything with them ignored.
GLIBC_INTERNAL = (1 << 31) | (1 << 32)


def signal_state(text):
    lines = dict(line.split(":") for line in text.split("\n") if line)
    return int(lines["SigIgn"], 16) & ~GLIBC_INTERNAL, int(lines["SigBlk"], 16)


def test_main_command_starts_with_clean_signal_state(init):
    assert init.run(args=["--skip-runit"], command=SIGNAL_STATE) == 0
    assert signal_state(init.stdout) == (0, 0), init.stdout


def test_startup_scripts_start_with_clean_signal_state(init, tmp_path):
    init.write("my_init.d/10-state", "#!/bin/sh\ngrep -E '^Sig(Ign|Blk)' /proc/self/status > /etc/state\n")
    assert init.run(command=["true"]) == 0
    state = (init.etc / "state").read_text()
    assert signal_state(state) == (0, 0), state


# A pre-shutdown hook looks for `yes` after the main command has ended (and before
# the kill-all step): with -g the pipeline got SIGTERM too, without it `yes` is left.
PIPELINE_CHECK = """#!/bin/sh
for _ in $(seq 100); do
    pgrep -x yes >/dev/null || { echo gone > /etc/pipeline; exit 0; }
    sleep 0.02
done
echo running > /etc/pipeline
"""


@pytest.mark.parametrize("group, expected", [(True, "gone"), (False, "running")],
                         ids=["with-g", "without-g"])
def test_process_group_forwarding_stops_a_pipeline(init, group, expected):
    init.write("my_init.pre_shutdown.d/10-check", PIPELINE_CHECK)
    args = ["--skip-runit"] + (["-g"] if group else [])
    init.start(args=args, command=["sh", "-c", "yes | tail -n1 & touch /etc/started; wait"],
               env={"SHUTDOWN_HOOK_TIMEOUT": "5"})
    init.wait_for_file("started")
    init.signal(signal.SIGTERM)
    init.wait(timeout=20)
    assert (init.etc / "pipeline").read_text().strip() == expected, init.stderr
