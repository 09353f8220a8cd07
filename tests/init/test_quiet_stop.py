"""A one-shot main command that ends right after boot: runsv processes too young to
answer `sv` are stopped quietly (no "unable to open supervise/ok" from sv, seen under
Podman with upstream's my_init)."""

import os

import pytest

TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "2", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
SERVICES = ("alpha", "beta", "gamma", "delta", "epsilon")


@pytest.mark.parametrize("delay", ["0", "0.03", "0.3", "1.2"])
def test_no_sv_warning_when_the_command_ends_right_after_boot(init, delay):
    for name in SERVICES:
        init.write("service/%s/run" % name, "#!/bin/sh\nexec sleep 1000\n")
    assert init.run(command=["sleep", delay], env=TIMEOUTS) == 0, init.stderr
    assert "supervise/ok" not in init.stdout + init.stderr, init.stdout + init.stderr
    assert "warning:" not in init.stdout + init.stderr, init.stdout + init.stderr
    assert "still running" not in init.stderr, init.stderr


def test_runsv_that_never_answers_is_stopped_without_sv_warnings(init):
    # Its supervise/ points nowhere: runsv cannot create supervise/ok, as a runsv that
    # has not got that far yet; sv would warn "unable to open supervise/ok".
    init.write("service/alpha/run", "#!/bin/sh\ntouch /etc/alpha.up\nexec sleep 1000\n")
    init.write("service/broken/run", "#!/bin/sh\nexec sleep 1000\n")
    os.symlink("/nonexistent/supervise", init.etc / "service" / "broken" / "supervise")
    main = "until [ -e /etc/alpha.up ]; do sleep 0.05; done"
    assert init.run(command=["sh", "-c", main], env=TIMEOUTS) == 0, init.stderr
    assert "supervise/ok" not in init.stdout + init.stderr, init.stdout + init.stderr
