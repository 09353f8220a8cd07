"""Signal names in my_init's log (signals.describe) and in its options (rewrite.parse_signal):
the usual name of each number, SIGRTMIN+N for real-time signals, and a number that has no
name said as such."""

import signal

import pytest

from my_init.rewrite import BadValue, parse_signal
from my_init.signals import describe

VALID = sorted(signal.valid_signals())


@pytest.mark.parametrize("number, name", [
    (signal.SIGTERM, "SIGTERM"), (signal.SIGKILL, "SIGKILL"), (signal.SIGWINCH, "SIGWINCH"),
    # the usual name, not the alias of the same number
    (signal.SIGABRT, "SIGABRT"), (signal.SIGCHLD, "SIGCHLD"), (signal.SIGIO, "SIGIO"),
    (signal.SIGRTMIN, "SIGRTMIN"), (signal.SIGRTMIN + 1, "SIGRTMIN+1"),
    (signal.SIGRTMIN + 3, "SIGRTMIN+3"), (signal.SIGRTMAX, "SIGRTMIN+%d" % (signal.SIGRTMAX - signal.SIGRTMIN)),
])
def test_usual_and_real_time_names(number, name):
    assert describe(number) == name


@pytest.mark.parametrize("number", [0, signal.SIGRTMAX + 1, 200, -1])
def test_a_number_without_a_name(number):
    assert describe(number) == "signal %d" % number


def test_every_valid_signal_has_a_name_the_options_read_back():
    for number in VALID:
        name = describe(number)
        assert name.startswith("SIG"), number
        assert parse_signal(name) == number
        assert parse_signal(name[3:].lower()) == number


@pytest.mark.parametrize("text", ["RTMIN+%d" % (signal.SIGRTMAX - signal.SIGRTMIN + 1),
                                  "RTMAX+1", "RTMIN-1", "SIGRTMIN+", "SIGSIGTERM", "SIG", "TERM+1"])
def test_unknown_names(text):
    with pytest.raises(BadValue):
        parse_signal(text)
