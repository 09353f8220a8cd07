"""On a terminal (`docker run -t`), the main command gets it: my_init makes its process
group the terminal's foreground group, so it can read the terminal and Ctrl-C reaches it
(not PID 1, which passes on only what is sent to it)."""

import os
import signal

import pytest

from pid1 import program


@pytest.fixture
def terminal():
    """A pty: (master fd for the test, slave fd for the init)."""
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


@pytest.mark.parametrize("args", [["--skip-runit"], []], ids=["without-runit", "with-runit"])
def test_main_command_is_the_terminals_foreground_and_gets_ctrl_c(init, terminal, args):
    master, slave = terminal
    init.start(args=args, command=program("terminal_foreground") + ["/etc/foreground"],
               terminal=slave)
    report = init.wait_for_file("foreground")
    assert report.read_text() == "foreground\n"
    os.write(master, b"\x03")  # Ctrl-C: SIGINT to the terminal's foreground group
    assert init.wait() == 128 + signal.SIGINT, init.stderr
    assert "was killed by SIGINT" in init.stderr
    assert "SIGINT received" not in init.stderr  # PID 1 was not in the foreground group
