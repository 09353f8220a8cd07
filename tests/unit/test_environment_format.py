"""The .sh dump's names and quoting (bytes in, sh-safe bytes out)."""

import subprocess

import pytest

from my_init.environment import invalid_name_reason, shell_name, shell_quote


@pytest.mark.parametrize("name, expected", [
    (b"PATH", b"PATH"), (b"my.var-name", b"my_var_name"), (b"9lives", b"_9lives"),
    (b"caf\xc3\xa9", b"caf__"), (b"_ok_1", b"_ok_1"),
])
def test_shell_name(name, expected):
    assert shell_name(name) == expected


@pytest.mark.parametrize("value", [b"", b"plain", b"it's", b"'''", b"a\nb", b"$HOME `id` \\", bytes(range(1, 256))])
def test_shell_quote_round_trips_through_sh(value):
    script = b"printf %s " + shell_quote(value)
    assert subprocess.run([b"sh", b"-c", script], capture_output=True, check=True).stdout == value


@pytest.mark.parametrize("name, reason", [(b"", "empty name"), (b"A=B", "'=' in name"),
                                          (b"A\0B", "NUL in name"), (b"GOOD", None)])
def test_invalid_name_reason(name, reason):
    assert invalid_name_reason(name) == reason
