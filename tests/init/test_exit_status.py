"""my_init exits with the main command's status: its code, 128+N when killed by signal N,
127/126 when it cannot be run (with a message naming it)."""

import signal

import pytest


@pytest.mark.parametrize("code", [0, 1, 2, 42, 255])
def test_exit_code_passes_through(init, code):
    assert init.run(command=["sh", "-c", "exit %d" % code]) == code
    assert "exited with exit code %d." % code in init.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_killed_main_command_gives_128_plus_signal(init, signum):
    assert init.run(command=["sh", "-c", "kill -%d $$" % signum]) == 128 + signum
    assert "killed by %s" % signal.Signals(signum).name in init.stderr


def test_missing_command_is_127_and_named(init):
    assert init.run(command=["no-such-command-xyz"]) == 127
    assert "cannot run no-such-command-xyz" in init.stderr


def test_not_executable_is_126_and_named(init):
    script = init.write("not-executable.sh", "#!/bin/sh\nexit 0\n", mode=0o644)
    # The sandbox sees the upper dir at /etc.
    assert init.run(command=["/etc/" + script.name]) == 126
    assert "cannot run /etc/not-executable.sh" in init.stderr


def test_shell_command_line(init):
    assert init.run(command=["sh", "-c", "echo one; echo two >&2; exit 3"]) == 3
    assert init.stdout == "one\n"
    assert "two\n" in init.stderr


def test_runit_mode_clean_stop_is_0(init):
    init.write("my_init.d/10-ready", "#!/bin/sh\ntouch /etc/booted\n")
    init.start()
    init.wait_for_file("booted")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0
    assert "SIGTERM received" in init.stderr
