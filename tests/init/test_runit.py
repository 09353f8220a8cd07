"""runit mode: runsvdir boots /etc/service; a stop ends every service, those that ignore
SIGTERM included, within the deadline, also right after boot."""

import os
import shutil
import signal
import stat
import time

import pytest

SERVICE = "#!/bin/sh\necho up >> /etc/%s.log\nexec sleep 1000\n"
STUBBORN = "#!/bin/sh\ntrap '' TERM\necho up >> /etc/stubborn.log\nwhile :; do sleep 1; done\n"
TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "2", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
# The bound a stop must respect (both timeouts), plus start-up and slack of the test.
STOP_BOUND = 2 + 2 + 3


def add_services(init, names):
    for name in names:
        init.write("service/%s/run" % name, SERVICE % name)


def wait_for_services(init, names, timeout=15):
    for name in names:
        init.wait_for_file("%s.log" % name, timeout)


def stop_and_time(init):
    started = time.monotonic()
    init.signal(signal.SIGTERM)
    code = init.wait(timeout=STOP_BOUND + 10)
    return code, time.monotonic() - started


def test_services_start_and_stop_cleanly(init):
    names = ["alpha", "beta", "gamma"]
    add_services(init, names)
    init.start(env=TIMEOUTS)
    wait_for_services(init, names)
    code, elapsed = stop_and_time(init)
    assert code == 0
    assert "Runit started as PID" in init.stderr
    assert "still running" not in init.stderr  # all stopped on SIGTERM, nothing killed
    print("clean stop of 3 services: %.3f s" % elapsed)


def test_service_ignoring_term_is_killed_within_the_deadline(init):
    add_services(init, ["alpha", "beta"])
    init.write("service/stubborn/run", STUBBORN)
    init.start(env=TIMEOUTS)
    wait_for_services(init, ["alpha", "beta", "stubborn"])
    code, elapsed = stop_and_time(init)
    assert code == 0
    assert "runit services still running after KILL_PROCESS_TIMEOUT" in init.stderr
    assert elapsed < STOP_BOUND, "stop took %.2f s" % elapsed
    print("stop with a TERM-ignoring service (KILL_PROCESS_TIMEOUT=2): %.3f s" % elapsed)


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 1.0])
def test_stop_right_after_boot(init, delay):
    add_services(init, ["alpha", "beta", "gamma"])
    init.write("my_init.d/99-booted", "#!/bin/sh\ntouch /etc/booted\n")
    init.start(env=TIMEOUTS)
    init.wait_for_file("booted")
    time.sleep(delay)
    code, elapsed = stop_and_time(init)
    assert code == 0, init.stderr
    assert elapsed < STOP_BOUND, "stop took %.2f s" % elapsed


def test_service_with_log_service_stops(init):
    init.write("service/logged/run", "#!/bin/sh\necho up >> /etc/logged.log\necho hello\nexec sleep 1000\n")
    init.write("service/logged/log/run", "#!/bin/sh\nexec cat > /etc/logged.out\n")
    init.start(env=TIMEOUTS)
    init.wait_for_file("logged.log")
    code, _ = stop_and_time(init)
    assert code == 0
    assert "still running" not in init.stderr
    assert (init.etc / "logged.out").read_text() == "hello\n"


def test_down_service_is_not_started(init):
    add_services(init, ["alpha", "sleeper"])
    init.write("service/sleeper/down", "", mode=0o644)
    init.start(env=TIMEOUTS)
    wait_for_services(init, ["alpha"])
    # runsv has taken the service and left it down (it writes supervise/stat at start)
    stat = init.etc / "service" / "sleeper" / "supervise" / "stat"
    init.watch(lambda: stat.exists() and stat.read_text().strip() == "down", 10, "sleeper's runsv")
    code, _ = stop_and_time(init)
    assert code == 0
    assert not (init.etc / "sleeper.log").exists()


def test_runit_alongside_main_command(init):
    add_services(init, ["alpha"])
    assert init.run(command=["sh", "-c", "while [ ! -e /etc/alpha.log ]; do sleep 0.05; done; exit 4"],
                    env=TIMEOUTS) == 4
    assert "Shutting down runit daemon" in init.stderr


def test_skip_runit_does_not_start_it(init):
    add_services(init, ["alpha"])
    assert init.run(args=["--skip-runit"], command=["sleep", "0.3"]) == 0
    assert "Booting runit" not in init.stderr
    assert not (init.etc / "alpha.log").exists()


def test_stop_last_service_outlives_the_others(init):
    # `logger` stands for any service that logs while it stops; `collector` for syslog-ng.
    init.write("service/collector/run", "#!/bin/sh\ntouch /etc/collector.log\n"
               "trap 'echo collector stopped >> /etc/order; exit 0' TERM\n"
               "while :; do sleep 0.05; done\n")
    init.write("service/collector/stop-last", "", mode=0o644)
    init.write("service/worker/run", "#!/bin/sh\ntouch /etc/worker.log\n"
               "trap 'sleep 0.3; echo worker stopped >> /etc/order; exit 0' TERM\n"
               "while :; do sleep 0.05; done\n")
    init.start(env=TIMEOUTS)
    wait_for_services(init, ["collector", "worker"])
    time.sleep(1.1)  # past runsv's one-second restart guard
    code, _ = stop_and_time(init)
    assert code == 0
    assert (init.etc / "order").read_text().split("\n")[:2] == ["worker stopped", "collector stopped"]


def test_no_service_directory_means_no_runit(init):
    # An overlay whiteout hides the host's /etc/service: as in an image that only
    # copied my_init in.
    shutil.rmtree(init.etc / "service")
    os.mknod(init.etc / "service", stat.S_IFCHR | 0o600, os.makedev(0, 0))
    assert init.run(command=["sh", "-c", "test ! -e /etc/service"]) == 0
    assert "No /etc/service: runit not started" in init.stderr
    assert "Booting runit" not in init.stderr


def test_missing_runsvdir_fails_the_boot_naming_it(init, tmp_path):
    add_services(init, ["alpha"])
    path = tmp_path / "bin-without-runit"
    path.mkdir()
    for tool in ("unshare", "mount", "true"):
        (path / tool).symlink_to(shutil.which(tool))
    assert init.run(command=["true"], env={"PATH": str(path)}) == 127
    assert "cannot run runsvdir" in init.stderr
