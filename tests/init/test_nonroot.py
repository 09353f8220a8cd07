"""my_init as a non-root user (docker run --user): what it cannot write is skipped with
one warning, and it never crashes."""

import os
import signal

from pid1 import program

# What my_init says once runit mode is up (runsvdir started, or every service skipped).
RUNIT_MODE_UP = "Runit started as PID"


def test_main_command_runs_as_nobody(init):
    init.write("my_init.d/10-hello", "#!/bin/sh\necho script as $(id -u) >&2\n")
    assert init.run(command=["sh", "-c", "id -u; exit 5"], user="nobody") == 5
    assert init.stdout.strip() == "65534"
    assert "script as 65534" in init.stderr
    assert "Traceback" not in init.stderr


def test_environment_it_cannot_access_gives_one_warning(init):
    init.write("my_init.d/10-a", "#!/bin/sh\ntrue\n")
    init.write("my_init.d/20-b", "#!/bin/sh\ntrue\n")
    assert init.run(command=["true"], user="nobody", env={"FOO": "bar"}) == 0
    warnings = [line for line in init.stderr.splitlines() if "WARNING" in line]
    assert len([w for w in warnings if "import skipped" in w]) == 1, init.stderr
    assert len([w for w in warnings if "export skipped" in w]) == 1, init.stderr
    assert "Traceback" not in init.stderr


def test_runit_mode_as_nobody_stops_on_term(init):
    init.write("my_init.d/10-ready", "#!/bin/sh\ntouch /tmp/ignored 2>/dev/null; echo ready >&2\n")
    init.start(user="nobody", env={"KILL_PROCESS_TIMEOUT": "1", "KILL_ALL_PROCESSES_TIMEOUT": "1"})
    init.wait_for_stderr(RUNIT_MODE_UP)
    init.signal(signal.SIGTERM)
    assert init.wait(timeout=20) == 0
    assert "Traceback" not in init.stderr


def test_orphans_reaped_as_nobody(init):
    assert init.run(command=program("orphans") + ["100"], user="nobody", timeout=60) == 0
    assert "orphans still running: 0\nzombies: 0" in init.stdout


def test_runit_is_skipped_with_one_warning_when_services_are_not_writable(init):
    init.write("service/rooted/run", "#!/bin/sh\nexec sleep 1000\n")
    assert init.run(command=["sh", "-c", "sleep 0.2; pgrep -x runsvdir || echo none"],
                    user="nobody") == 0
    assert init.stdout.strip() == "none"
    assert init.stderr.count("cannot supervise") == 1
    assert "cannot supervise /etc/service/rooted as uid 65534 (not writable); not started" in init.stderr


def test_runit_runs_as_nobody_when_services_are_writable(init):
    init.write("service/mine/run", "#!/bin/sh\ntouch /tmp/ok; exec sleep 1000\n")
    os.chown(init.etc / "service" / "mine", 65534, 65534)
    wait = "for _ in $(seq 100); do pgrep -x runsv >/dev/null && echo supervised && break; sleep 0.05; done"
    assert init.run(command=["sh", "-c", wait], user="nobody") == 0
    assert init.stdout.strip() == "supervised", init.stderr


def test_runit_mode_without_supervisable_services_stays_up_saying_why(init):
    """Every service skipped: runit mode still runs until the stop signal (a container
    that exits at once would be restarted in a loop by Kubernetes)."""
    init.write("service/rooted/run", "#!/bin/sh\nexec sleep 1000\n")
    init.start(user="nobody")
    init.wait_for_stderr("No service can be supervised; waiting for a stop signal")
    assert init.process.poll() is None, "my_init exited instead of staying up"
    init.signal(signal.SIGTERM)
    assert init.wait(timeout=20) == 0
    assert "cannot supervise /etc/service/rooted as uid 65534" in init.stderr
    assert "No service can be supervised; waiting for a stop signal" in init.stderr
