"""Values of --rewrite-signal and --map-exit-code, parsed by hand (rewrite.py), and the
status a critical service's finish reports (exit_request.py)."""

import signal

import pytest

from my_init.exit_request import service_status_code
from my_init.rewrite import BadValue, parse_exit_code_map, parse_signal, parse_signal_rewrite


@pytest.mark.parametrize("text, number", [
    ("TERM", signal.SIGTERM), ("SIGQUIT", signal.SIGQUIT), ("usr1", signal.SIGUSR1),
    ("15", 15), ("RTMIN", signal.SIGRTMIN), ("RTMIN+3", signal.SIGRTMIN + 3),
    ("SIGRTMAX-1", signal.SIGRTMAX - 1),
])
def test_signal_names_and_numbers(text, number):
    assert parse_signal(text) == number


@pytest.mark.parametrize("text", ["FOO", "SIG_DFL", "0", "99", "RTMIN+99", "RTMIN+x", "", "TERM "])
def test_bad_signals(text):
    with pytest.raises(BadValue):
        parse_signal(text)


def test_rewrite_pairs():
    assert parse_signal_rewrite("TERM:QUIT") == (signal.SIGTERM, signal.SIGQUIT)
    assert parse_signal_rewrite("HUP:0") == (signal.SIGHUP, 0)
    for bad in ("TERM", ":QUIT", "TERM:", "KILL:TERM", "STOP:TERM"):
        with pytest.raises(BadValue):
            parse_signal_rewrite(bad)


def test_exit_code_pairs():
    assert parse_exit_code_map("143:0") == (143, 0)
    for bad in ("256:0", "1:-1", "a:1", "1", "1:2:3"):
        with pytest.raises(BadValue):
            parse_exit_code_map(bad)


@pytest.mark.parametrize("exit_code, signal_byte, status", [
    (3, 0, 3), (0, 0, 0), (-1, 15, 143), (-1, 0x80 | 11, 139),  # core-dump bit ignored
])
def test_service_status_code(exit_code, signal_byte, status):
    assert service_status_code(exit_code, signal_byte) == status
