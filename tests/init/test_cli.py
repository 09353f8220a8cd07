"""Command line: --help, --version, bad usage (one line, exit 2), -- CMD."""

import os

import pytest

from paths import ROOT


def version():
    with open(os.path.join(ROOT, "VERSION")) as file:
        return file.read().strip()


def test_help(init):
    assert init.run(args=["--help"]) == 0
    assert init.stdout.startswith("usage: my_init")
    assert "--skip-runit" in init.stdout and "KILL_PROCESS_TIMEOUT" in init.stdout


def test_version_matches_the_release(init):
    assert init.run(args=["--version"]) == 0
    assert init.stdout == "my_init %s\n" % version()


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "unknown option --bogus"),
    (["-x"], "unknown option -x"),
    (["--quiet=yes"], "option --quiet takes no value"),
    (["--skip-runit"], "--skip-runit needs a main command"),
    (["--quiet", "--verbose"], "--quiet and --verbose exclude each other"),
])
def test_bad_usage_is_one_line_and_exit_2(init, args, message):
    assert init.run(args=args) == 2
    assert init.stderr.count("\n") == 1 and message in init.stderr, init.stderr


@pytest.mark.parametrize("name", ["KILL_PROCESS_TIMEOUT", "KILL_ALL_PROCESSES_TIMEOUT",
                                  "SHUTDOWN_HOOK_TIMEOUT"])
def test_bad_timeout_names_the_variable(init, name):
    assert init.run(command=["true"], env={name: "soon"}) == 2
    assert "%s='soon' is not a number of seconds" % name in init.stderr


def test_command_without_double_dash(init):
    assert init.run(args=["--skip-runit", "sh", "-c", "exit 6"]) == 6


def test_sh_c_command_line(init):
    assert init.run(command=["sh", "-c", "echo \"$0 $1\"", "zero", "one"]) == 0
    assert init.stdout == "zero one\n"


def test_quiet_logs_nothing_on_success(init):
    assert init.run(args=["--quiet"], command=["true"]) == 0
    assert init.stderr == ""


def test_verbose_logs_debug(init):
    init.write("my_init.d/10-plain", "#!/bin/sh\n", mode=0o644)
    assert init.run(args=["-v", "--skip-runit"], command=["true"]) == 0
    assert "--- skipping /etc/my_init.d/10-plain: not executable" in init.stderr


def test_debug_is_not_logged_by_default(init):
    init.write("my_init.d/10-plain", "#!/bin/sh\n", mode=0o644)
    assert init.run(args=["--skip-runit"], command=["true"]) == 0
    assert "--- " not in init.stderr
