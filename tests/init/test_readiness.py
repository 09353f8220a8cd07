"""--wait-for-services / WAIT_FOR_SERVICES: the main command starts only once every
service that should be up is up and ready (its ./check exits 0); past the deadline
my_init exits 1 naming each service that was not ready; a stop during the wait ends it."""

import os
import signal
import time

import pytest

TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "2", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
# Ready 1.5 s after it starts: /etc/db.ready appears, which its check looks for.
SLOW_SERVICE = "#!/bin/sh\nsleep 1.5\ntouch /etc/db.ready\nexec sleep 1000\n"
SLOW_CHECK = "#!/bin/sh\ntouch /etc/db.checked\nexec test -e /etc/db.ready\n"
# The main command records whether the service was ready when it started.
RECORD_READINESS = ["sh", "-c", "if [ -e /etc/db.ready ]; then echo ready; else echo early; fi"]


def add_slow_service(init):
    init.write("service/db/run", SLOW_SERVICE)
    init.write("service/db/check", SLOW_CHECK)


@pytest.mark.parametrize("how", ["option", "option=", "environment"])
def test_main_command_waits_for_a_service_ready_after_a_delay(init, how):
    add_slow_service(init)
    init.write("service/plain/run", "#!/bin/sh\nexec sleep 1000\n")
    args, env = [], dict(TIMEOUTS)
    if how == "option":
        args = ["--wait-for-services", "20"]
    elif how == "option=":
        args = ["--wait-for-services=20"]
    else:
        env["WAIT_FOR_SERVICES"] = "20"
    assert init.run(args=args, command=RECORD_READINESS, env=env) == 0, init.stderr
    assert init.stdout == "ready\n", init.stderr
    assert "All services are ready." in init.stderr


def test_without_the_option_the_command_does_not_wait(init):
    add_slow_service(init)
    assert init.run(command=RECORD_READINESS, env=TIMEOUTS) == 0
    assert init.stdout == "early\n"


def test_timeout_names_each_service_not_ready_and_exits_1(init):
    init.write("service/never/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/never/check", "#!/bin/sh\nexit 3\n")
    init.write("service/later/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/later/check", "#!/bin/sh\nexit 1\n")
    init.write("service/fine/run", "#!/bin/sh\nexec sleep 1000\n")
    code = init.run(args=["--wait-for-services", "2"], env=TIMEOUTS,
                    command=["sh", "-c", "touch /etc/main-ran"])
    assert code == 1, init.stderr
    lines = [line for line in init.stderr.splitlines() if "not ready after" in line]
    assert len(lines) == 2, init.stderr
    assert "service later not ready after 2 s: up, but ./check exited 1 (not ready)" in lines[0]
    assert "service never not ready after 2 s: up, but ./check exited 3 (not ready)" in lines[1]
    assert not (init.etc / "main-ran").exists()


def test_services_skipped_at_boot_are_not_waited_for(init):
    """A service my_init could not supervise was reported at boot and never starts:
    waiting for it could only time out."""
    init.write("service/unsupervised/run", "#!/bin/sh\nexec sleep 1000\n")
    os.symlink("/nonexistent/supervise", init.etc / "service" / "unsupervised" / "supervise")
    init.write("service/fine/run", "#!/bin/sh\nexec sleep 1000\n")
    code = init.run(args=["--wait-for-services", "20"], env=TIMEOUTS,
                    command=["sh", "-c", "touch /etc/main-ran"])
    assert code == 0, init.stderr
    assert "cannot supervise /etc/service/unsupervised" in init.stderr
    assert "All services are ready." in init.stderr
    assert (init.etc / "main-ran").exists()


def test_down_services_are_not_waited_for(init):
    init.write("service/sleeper/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/sleeper/down", "", mode=0o644)
    init.write("service/sleeper/check", "#!/bin/sh\nexit 1\n")
    assert init.run(args=["--wait-for-services", "10"], command=["true"], env=TIMEOUTS) == 0, init.stderr


def test_stop_signal_during_the_wait_stops_at_once(init):
    init.write("service/never/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/never/check", "#!/bin/sh\ntouch /etc/checked\nexit 1\n")
    init.start(args=["--wait-for-services", "60"], env=TIMEOUTS,
               command=["sh", "-c", "touch /etc/main-ran"])
    init.wait_for_file("checked", timeout=15)
    started = time.monotonic()
    init.signal(signal.SIGTERM)
    code = init.wait(timeout=30)
    elapsed = time.monotonic() - started
    assert code == 128 + signal.SIGTERM, init.stderr
    assert not (init.etc / "main-ran").exists()
    assert "not ready" not in init.stderr
    # Bounded by the shutdown's own deadline (2 + 2 s), far from the 60 s wait.
    assert elapsed < 10, "stop took %.1f s" % elapsed


def test_without_runit_there_is_nothing_to_wait_for(init):
    add_slow_service(init)
    assert init.run(args=["--skip-runit", "--wait-for-services", "5"], command=["true"]) == 0
    assert "Waiting" not in init.stderr
