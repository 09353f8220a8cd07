"""runit on a read-only root and as a restricted user: runsv's supervise state lives in
/run/runit through the image's links (their targets made at boot), a service that cannot
be supervised or needs root is skipped with one line, and the others still run and stop."""

import os
import signal

import pytest

# Room for runsv's one-second guard on services stopped right after they started.
TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "4", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
SERVICE = "#!/bin/sh\necho \"up as $(id -u)\" >> /run/%s.log\nexec sleep 1000\n"


def add_service(init, name, linked=True, needs_root=False, stop_last=False):
    init.write("service/%s/run" % name, SERVICE % name)
    if linked:
        os.symlink("/run/runit/supervise.%s" % name, init.etc / "service" / name / "supervise")
    if needs_root:
        init.write("service/%s/needs-root" % name, "", mode=0o644)
    if stop_last:
        init.write("service/%s/stop-last" % name, "", mode=0o644)


def wait_for_run_file(init, name, timeout=15):
    return init.wait_for_file(name, timeout, directory=init.run_dir)


def runit_warnings(init):
    """Warnings other than the environment's (this sandbox has no dump links into /run)."""
    return [line for line in init.stderr.splitlines()
            if "WARNING" in line and "container_environment" not in line]


def stop(init):
    init.signal(signal.SIGTERM)
    return init.wait(timeout=20)


def test_read_only_root_supervises_through_links_into_run(init):
    add_service(init, "alpha")
    add_service(init, "logged")
    init.write("service/logged/log/run", "#!/bin/sh\nexec cat > /run/logged.out\n")
    os.symlink("/run/runit/supervise.logged.log", init.etc / "service" / "logged" / "log" / "supervise")
    init.start(env=TIMEOUTS, read_only_etc=True)
    assert wait_for_run_file(init, "alpha.log").read_text() == "up as 0\n"
    wait_for_run_file(init, "logged.log")
    for state in ("supervise.alpha", "supervise.logged", "supervise.logged.log"):
        assert (init.run_dir / "runit" / state / "pid").exists(), state
    assert stop(init) == 0, init.stderr
    assert "Runit started" in init.stderr
    assert not runit_warnings(init), init.stderr
    # Nothing was written to the read-only /etc/service.
    assert sorted(os.listdir(init.etc / "service" / "alpha")) == ["run", "supervise"]


def test_read_only_root_skips_a_service_without_a_link_with_one_line(init):
    add_service(init, "linked")
    add_service(init, "unlinked", linked=False)
    add_service(init, "last", stop_last=True)
    init.start(env=TIMEOUTS, read_only_etc=True)
    wait_for_run_file(init, "linked.log")
    wait_for_run_file(init, "last.log")
    # runsvdir starts what it supervises in one scan: with the others up, unlinked's turn is past
    assert not (init.run_dir / "unlinked.log").exists()
    assert stop(init) == 0, init.stderr
    lines = [line for line in init.stderr.splitlines() if "unlinked" in line]
    assert lines == ["*** WARNING: cannot supervise /etc/service/unlinked as uid 0 "
                     "(read-only file system); not started"], init.stderr
    assert sorted(os.listdir(init.run_dir / "runit" / "service")) == ["last", "linked"]
    assert "still running" not in init.stderr


def test_restricted_user_runs_its_services_and_skips_those_needing_root(init):
    os.chown(init.run_dir, 65534, 65534)  # as `--tmpfs /run:uid=65534`
    add_service(init, "mine")
    add_service(init, "rootly", needs_root=True)
    init.start(user="nobody", env=TIMEOUTS, read_only_etc=True)
    assert wait_for_run_file(init, "mine.log").read_text() == "up as 65534\n"
    assert not (init.run_dir / "rootly.log").exists()  # same scan as mine
    assert stop(init) == 0, init.stderr
    lines = [line for line in init.stderr.splitlines() if "rootly" in line]
    assert lines == ["*** /etc/service/rootly needs root, not started as uid 65534"], init.stderr
    assert not runit_warnings(init), init.stderr


def test_restricted_user_stays_up_in_runit_mode_when_every_service_needs_root(init):
    os.chown(init.run_dir, 65534, 65534)
    add_service(init, "rootly", needs_root=True)
    init.start(user="nobody", env=TIMEOUTS, read_only_etc=True)
    init.wait_for_stderr("No service can be supervised; waiting for a stop signal")
    assert init.process.poll() is None, "my_init exited instead of staying up"
    # empty: the health check's list of services that should be up (none)
    assert os.listdir(init.run_dir / "runit" / "service") == []
    assert stop(init) == 0, init.stderr
    assert "Runit started" not in init.stderr


def test_restricted_user_without_a_writable_run_stays_up_without_runit(init):
    """`--tmpfs /run` is root's 0755 unless given uid=: one line, no runit, and runit mode
    still stays up until the stop signal."""
    add_service(init, "mine")
    assert init.run(command=["sh", "-c", "pgrep -x runsvdir || echo none"], user="nobody",
                    read_only_etc=True) == 0
    assert init.stdout.strip() == "none"
    assert init.stderr.count("runit not started") == 1
    assert "cannot write /run (the services keep their state in /run/runit); runit not started" \
        in init.stderr
    init.start(user="nobody", env=TIMEOUTS, read_only_etc=True)
    init.wait_for_stderr("No service can be supervised; waiting for a stop signal")
    assert init.process.poll() is None, "my_init exited instead of staying up"
    assert stop(init) == 0, init.stderr


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_stop_last_service_stops_after_the_others_from_the_scan_directory(init, read_only):
    """With a skipped service, runsvdir scans /run/runit/service; the stop still finds the
    `stop-last` service there and stops it last."""
    init.write("service/early/run",
               "#!/bin/sh\ntrap 'sleep 0.3; echo early >> /run/order; exit 0' TERM\n"
               "touch /run/early.log\nsleep 1000 & wait\n")
    os.symlink("/run/runit/supervise.early", init.etc / "service" / "early" / "supervise")
    init.write("service/late/run",
               "#!/bin/sh\ntrap 'echo late >> /run/order; exit 0' TERM\ntouch /run/late.log\n"
               "sleep 1000 & wait\n")
    os.symlink("/run/runit/supervise.late", init.etc / "service" / "late" / "supervise")
    init.write("service/late/stop-last", "", mode=0o644)
    add_service(init, "rootly", needs_root=True, linked=False)
    os.chown(init.run_dir, 65534, 65534)
    init.start(user="nobody", env=TIMEOUTS, read_only_etc=read_only)
    wait_for_run_file(init, "early.log")
    wait_for_run_file(init, "late.log")
    assert stop(init) == 0, init.stderr
    assert (init.run_dir / "order").read_text().split() == ["early", "late"]
    assert not runit_warnings(init), init.stderr
