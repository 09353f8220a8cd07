"""my_init's command line, parsed by hand (cli.py): bundled short flags, values given
as `--opt VALUE` or `--opt=VALUE`, `--`, and a one-line UsageError naming the argument
for each mistake (my_init then exits 2: tests/init/test_cli.py)."""

import re

import pytest

from my_init.cli import TIMEOUT_DEFAULTS, UsageError, parse_args


def parse(*argv, environ=None):
    return parse_args(list(argv), environ or {})


@pytest.mark.parametrize("argv", [["-gv"], ["-vg"], ["-g", "-v"], ["--signal-process-group", "--verbose"]])
def test_short_flags_may_be_bundled(argv):
    options = parse(*argv)
    assert options.signal_process_group and options.verbose and not options.quiet


def test_bundled_help_answers_and_stops(capsys):
    assert parse("-gh") is None
    assert capsys.readouterr().out.startswith("usage: my_init")


@pytest.mark.parametrize("argv, command", [
    (["--", "-v"], ["-v"]),                        # after --, options are the command's
    (["-v", "--", "sh", "--quiet"], ["sh", "--quiet"]),
    (["sh", "-v"], ["sh", "-v"]),                  # the first word that is no option ends them
    (["-"], ["-"]),
    (["--", "--"], ["--"]),
    (["--"], []),
    ([], []),
])
def test_double_dash_and_the_main_command(argv, command):
    assert parse(*argv).main_command == command


@pytest.mark.parametrize("argv", [["--wait-for-services", "2.5"], ["--wait-for-services=2.5"]])
def test_a_value_follows_or_is_joined_with_equals(argv):
    assert parse(*argv).wait_for_services == 2.5


def test_repeatable_values_collect():
    options = parse("--map-exit-code", "143:0", "--map-exit-code=1:2",
                    "--rewrite-signal", "TERM:QUIT", "--rewrite-signal=HUP:0")
    assert options.exit_code_map == {143: 0, 1: 2}
    assert len(options.signal_rewrites) == 2 and 0 in options.signal_rewrites.values()


@pytest.mark.parametrize("argv, message", [
    (["-x"], "unknown option -x (see my_init --help)"),
    (["-gx"], "unknown option -x in -gx (see my_init --help)"),
    (["--bogus"], "unknown option --bogus (see my_init --help)"),
    (["--bogus=1"], "unknown option --bogus (see my_init --help)"),
    (["--quiet=yes"], "option --quiet takes no value"),
    (["-v=1"], "option -v takes no value"),
    (["--wait-for-services"], "option --wait-for-services needs a value"),
    (["--rewrite-signal", "--", "sh"], "option --rewrite-signal needs a value"),
    (["--wait-for-services", "soon"], "--wait-for-services 'soon': not a number of seconds"),
    (["--wait-for-services=-1"], "--wait-for-services '-1': not a number of seconds"),
    (["--wait-for-services=nan"], "--wait-for-services 'nan': not a number of seconds"),
    (["--wait-for-services=inf"], "--wait-for-services 'inf': not a number of seconds"),
    (["--rewrite-signal", "TERM"], "--rewrite-signal 'TERM': expected FROM:TO"),
    (["--rewrite-signal", "TERM:BOGUS"], "--rewrite-signal 'TERM:BOGUS': unknown signal BOGUS"),
    (["--rewrite-signal", "KILL:TERM"], "--rewrite-signal 'KILL:TERM': KILL cannot be caught"),
    (["--map-exit-code="], "--map-exit-code '': expected FROM:TO"),
    (["--map-exit-code", "256:0"], "--map-exit-code '256:0': 256 is not an exit code (0-255)"),
    (["--quiet", "--verbose"], "--quiet and --verbose exclude each other"),
    (["--skip-runit"], "--skip-runit needs a main command"),
])
def test_each_mistake_is_one_line_naming_the_argument(argv, message):
    with pytest.raises(UsageError) as raised:
        parse(*argv)
    text = str(raised.value)
    assert text.startswith(message) and "\n" not in text


@pytest.mark.parametrize("raw", ["soon", "-1", "nan", "inf", "1e400"])
@pytest.mark.parametrize("name", [name for _, name, _ in TIMEOUT_DEFAULTS])
def test_a_bad_timeout_names_its_variable(name, raw):
    with pytest.raises(UsageError, match="^%s$" % re.escape("%s=%r is not a number of seconds" % (name, raw))):
        parse("true", environ={name: raw})


def test_timeouts_default_and_read_the_environment():
    defaults = parse("true")
    for attribute, name, default in TIMEOUT_DEFAULTS:
        assert getattr(defaults, attribute) == default
        assert getattr(parse("true", environ={name: "0.25"}), attribute) == 0.25
        assert getattr(parse("true", environ={name: ""}), attribute) == default


def test_the_help_shows_the_default_timeouts(capsys):
    assert parse("--help") is None
    shown = capsys.readouterr().out
    for _, name, default in TIMEOUT_DEFAULTS:
        line = next(line for line in shown.split("\n") if line.strip().startswith(name))
        assert line.endswith("(%g)" % default), line


@pytest.mark.parametrize("argv, environ, handover", [
    ([], {}, True),
    ([], {"MY_INIT_HANDOVER": ""}, True),
    ([], {"MY_INIT_HANDOVER": "1"}, True),
    ([], {"MY_INIT_HANDOVER": "0"}, False),
    (["--no-handover"], {}, False),
    (["--no-handover"], {"MY_INIT_HANDOVER": "1"}, False),  # either one turns it off
])
def test_the_handover_switch(argv, environ, handover):
    assert parse(*argv, "true", environ=environ).handover is handover


@pytest.mark.parametrize("raw", ["2", "yes", "off", " 0"])
def test_a_bad_handover_switch_names_its_variable(raw):
    with pytest.raises(UsageError, match="^%s$" % re.escape("MY_INIT_HANDOVER=%r is not 0 or 1" % raw)):
        parse("true", environ={"MY_INIT_HANDOVER": raw})
