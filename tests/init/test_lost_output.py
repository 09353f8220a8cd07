"""Output gone: a stdout or stderr that is a pipe whose reader has exited, a closed fd,
or a full device (ENOSPC) never ends PID 1, whatever SIGPIPE's disposition it inherited. Its log lines are
dropped, the main command runs and its exit code is my_init's, and children start with
SIGPIPE at its default. A closed fd is replaced by /dev/null before anything else."""

import signal

import pytest

from pid1 import program

MODES = ["broken-stderr", "closed-stderr", "full-stderr", "broken-stdout", "closed-stdout",
         "full-stdout"]
# Log lines before the main command (the startup script) and after it (the hook).
STEP = "#!/bin/sh\necho %s >> /etc/steps\n"
MAIN = "grep SigIgn /proc/self/status > /etc/main-sigign; echo main >> /etc/steps; exit 7"


def start_without_output(init, mode, disposition, command, **kwargs):
    argv = program("lose_output") + [mode, disposition, "--"] + init.variant.my_init()
    return init.run(argv=argv, command=command, **kwargs)


@pytest.mark.parametrize("disposition", ["default", "ignore"])
@pytest.mark.parametrize("mode", MODES)
def test_lost_output_does_not_end_pid1(init, mode, disposition):
    init.write("my_init.d/10-start", STEP % "10-start")
    init.write("my_init.pre_shutdown.d/10-hook", STEP % "10-hook")
    code = start_without_output(init, mode, disposition, ["sh", "-c", MAIN], args=["--verbose"])
    assert code == 7, init.stderr
    assert (init.etc / "steps").read_text().split() == ["10-start", "main", "10-hook"]
    ignored = int((init.etc / "main-sigign").read_text().split()[1], 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1)), "SIGPIPE ignored in the main command"


@pytest.mark.parametrize("mode", ["closed-stderr", "closed-stdout"])
def test_closed_output_becomes_dev_null(init, mode):
    fd = 2 if mode.endswith("stderr") else 1
    # A test without a redirection (which would change the fd it looks at).
    command = ["sh", "-c", "[ /proc/self/fd/%d -ef /dev/null ] && touch /etc/is-null" % fd]
    assert start_without_output(init, mode, "default", command) == 0
    assert (init.etc / "is-null").exists()
    # Nothing my_init opened took the free number and got log lines written into it.
    assert "***" not in (init.etc / "container_environment.sh").read_text()
