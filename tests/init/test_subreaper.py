"""Not PID 1: my_init registers as a child subreaper, so orphans still come back to it,
and warns when it cannot."""

import os
import subprocess

import pytest

# The orphan reads its parent only once its first parent, the subshell, has exited (the
# subshell is gone when `( ... & )` returns and /etc/go appears), and the main command
# waits for that reading before it exits.
ORPHAN_PARENT = ("(sh -c 'until [ -e /etc/go ]; do sleep 0.01; done; "
                 "cut -d\" \" -f4 /proc/$$/stat > /etc/orphan-parent.new; "
                 "mv /etc/orphan-parent.new /etc/orphan-parent' &); "
                 "touch /etc/go; until [ -e /etc/orphan-parent ]; do sleep 0.01; done; "
                 "echo $PPID > /etc/init-pid")


def test_not_pid_1_becomes_subreaper_and_reaps_orphans(init):
    assert init.run(args=["-v", "--skip-runit"], command=["sh", "-c", ORPHAN_PARENT],
                    pid_namespace=False) == 0
    assert "registered as a child subreaper" in init.stderr
    # The orphan's parent, once its own parent exited, is the init: it was re-parented.
    assert (init.etc / "orphan-parent").read_text() == (init.etc / "init-pid").read_text()
    assert (init.etc / "init-pid").read_text().strip() != "1"


def test_the_copy_is_still_the_subreaper(init):
    # The same orphan, made once my_init has handed over (handover.py): the subreaper
    # attribute survives exec.
    command = ["sh", "-c", "sleep 1; " + ORPHAN_PARENT]
    assert init.run(args=["-v", "--skip-runit"], command=command, pid_namespace=False) == 0
    assert "--- handing PID" in init.stderr
    assert (init.etc / "orphan-parent").read_text() == (init.etc / "init-pid").read_text()


def test_warns_when_it_cannot_become_subreaper(init, fork_shim):
    # FAIL_PRCTL: the shim's prctl() fails with EPERM, as a kernel that refuses would.
    assert init.run(args=["--skip-runit"], command=["true"], pid_namespace=False,
                    preload=fork_shim, env={"FAIL_PRCTL": "1"}) == 0
    assert "could not become a child subreaper" in init.stderr
    assert "orphaned processes will not be reaped" in init.stderr


def test_pid_1_does_not_warn(init):
    assert init.run(args=["--skip-runit"], command=["true"]) == 0
    assert "subreaper" not in init.stderr


def test_not_pid_1_kills_only_its_own_leftovers(init):
    # A process outside the init's tree must survive its kill-all step.
    bystander = subprocess.Popen(["sleep", "100"])
    try:
        leftover = "sleep 100 & echo $! > /etc/leftover"
        assert init.run(args=["--skip-runit"], command=["sh", "-c", leftover],
                        pid_namespace=False, timeout=20) == 0
        assert "Killing all processes..." in init.stderr
        pid = int((init.etc / "leftover").read_text())
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
