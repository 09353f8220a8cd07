"""--rewrite-signal FROM:TO and --map-exit-code FROM:TO: the values, parsed by hand (no
re: PID 1's import budget, tests/init/test_import_budget.py)."""

import _signal

from my_init.signals import UNCATCHABLE


class BadValue(ValueError):
    """The message says what is wrong with the value, for a one-line usage error."""


def parse_signal(text):
    """TERM, SIGTERM, term, 15, RTMIN+3 or SIGRTMIN+3 -> the number."""
    if text.isdigit():
        number = int(text)
        if number not in _signal.valid_signals():
            raise BadValue("no signal number %s" % text)
        return number
    name = text.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    for base, sign in (("SIGRTMIN", "+"), ("SIGRTMAX", "-")):
        if name == base or name.startswith(base + sign):
            offset = name[len(base) + 1:] if name != base else "0"
            if not offset.isdigit():
                raise BadValue("unknown signal %s" % text)
            number = getattr(_signal, base) + (int(offset) if sign == "+" else -int(offset))
            if not _signal.SIGRTMIN <= number <= _signal.SIGRTMAX:
                raise BadValue("%s is outside RTMIN..RTMAX" % text)
            return number
    number = getattr(_signal, name, None) if name[3:].isalnum() else None
    if not isinstance(number, int):
        raise BadValue("unknown signal %s" % text)
    return number


def split_pair(text):
    source, colon, target = text.partition(":")
    if not colon or not source or not target:
        raise BadValue("expected FROM:TO")
    return source, target


def parse_signal_rewrite(text):
    """FROM:TO -> (from, to); TO may be 0: the signal is not passed on."""
    source, target = split_pair(text)
    from_number = parse_signal(source)
    if from_number in UNCATCHABLE:
        raise BadValue("%s cannot be caught, so never reaches my_init" % source)
    to_number = 0 if target == "0" else parse_signal(target)
    return from_number, to_number


def parse_exit_code(text):
    if not text.isdigit() or int(text) > 255:
        raise BadValue("%s is not an exit code (0-255)" % text)
    return int(text)


def parse_exit_code_map(text):
    source, target = split_pair(text)
    return parse_exit_code(source), parse_exit_code(target)
