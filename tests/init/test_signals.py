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
# Nothing is masked out: glibc's own signals 32 and 33 count too (posix_spawn would
# leave them ignored: init/my_init/spawn.py).
SIGNAL_STATE = ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]
STATE_SCRIPT = "#!/bin/sh\nexec grep -E '^Sig(Ign|Blk)' /proc/self/status > /etc/%s\n"
PRISTINE = {"SigIgn": "0000000000000000", "SigBlk": "0000000000000000"}


def signal_state(text):
    """{"SigIgn": hex, "SigBlk": hex} from the lines grep printed."""
    return dict(line.replace("\t", "").split(":") for line in text.split("\n") if line)


def test_main_command_starts_with_clean_signal_state(init):
    assert init.run(args=["--skip-runit"], command=SIGNAL_STATE) == 0, init.stderr
    assert signal_state(init.stdout) == PRISTINE


def test_startup_scripts_start_with_clean_signal_state(init):
    init.write("my_init.d/10-state", STATE_SCRIPT % "state")
    assert init.run(command=["true"]) == 0, init.stderr
    assert signal_state((init.etc / "state").read_text()) == PRISTINE


def test_services_start_with_clean_signal_state(init):
    """runsvdir is my_init's child; runsv starts the service."""
    init.write("service/state/run", STATE_SCRIPT.replace("exec grep", "grep") % "state"
               + "touch /etc/service-up\nexec sleep 1000\n")
    init.start()
    init.wait_for_file("service-up")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert signal_state((init.etc / "state").read_text()) == PRISTINE


def test_hooks_of_the_copy_start_with_clean_signal_state(init):
    """A shutdown hook, started by the copy of my_init after the handover."""
    init.write("my_init.pre_shutdown.d/10-state", STATE_SCRIPT % "state")
    assert init.run(args=["--verbose", "--skip-runit"], command=["sleep", "1.2"]) == 0, init.stderr
    assert "--- handing PID 1 over to a fresh " in init.stderr
    assert signal_state((init.etc / "state").read_text()) == PRISTINE


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
