"""--rewrite-signal FROM:TO changes what my_init passes to the main command (the stop
signal included); --map-exit-code FROM:TO changes the container's exit code. Both are
repeatable and take `--opt VALUE` or `--opt=VALUE`; a bad value is one line, exit 2."""

import signal

import pytest

# Prints the signals it gets; exits 0 on QUIT, 9 on TERM.
REPORTER = ("trap 'echo TERM; exit 9' TERM; trap 'echo QUIT; exit 0' QUIT; "
            "trap 'echo USR1; touch /etc/got-usr1' USR1; trap 'echo HUP' HUP; "
            "trap 'touch /etc/got-usr2' USR2; touch /etc/ready; "
            "while :; do sleep 0.05; done")


def start_reporter(init, args):
    init.start(args=args, command=["sh", "-c", REPORTER], env={"KILL_PROCESS_TIMEOUT": "3"})
    init.wait_for_file("ready")


def test_stop_signal_is_rewritten(init):
    start_reporter(init, ["--rewrite-signal", "TERM:QUIT"])
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert init.stdout == "QUIT\n"


def test_without_rewrite_the_stop_signal_is_term(init):
    start_reporter(init, [])
    init.signal(signal.SIGTERM)
    assert init.wait() == 9
    assert init.stdout == "TERM\n"


def test_rewrites_are_repeatable_and_take_names_or_numbers(init):
    start_reporter(init, ["--rewrite-signal=HUP:USR1", "--rewrite-signal", "%d:SIGQUIT" % signal.SIGINT,
                          "--rewrite-signal", "usr1:0"])
    init.signal(signal.SIGHUP)   # passed as USR1
    init.wait_for_file("got-usr1")
    init.signal(signal.SIGUSR1)  # dropped
    init.signal(signal.SIGUSR2)  # passed on after it: once it is seen, a USR1 would have been
    init.wait_for_file("got-usr2")
    init.signal(signal.SIGINT)   # passed as QUIT: the reporter exits 0
    assert init.wait() == 0, init.stderr
    assert init.stdout == "USR1\nQUIT\n"


@pytest.mark.parametrize("args, command, expected", [
    (["--map-exit-code", "143:0"], "kill -TERM $$", 0),
    (["--map-exit-code=3:4", "--map-exit-code", "5:6"], "exit 5", 6),
    (["--map-exit-code", "3:4"], "exit 5", 5),
    (["--map-exit-code", "0:1"], "exit 0", 1),
])
def test_exit_code_is_mapped(init, args, command, expected):
    assert init.run(args=args, command=["sh", "-c", command]) == expected, init.stderr


@pytest.mark.parametrize("args, message", [
    (["--rewrite-signal", "FOO:TERM"], "--rewrite-signal 'FOO:TERM': unknown signal FOO"),
    (["--rewrite-signal", "KILL:TERM"], "--rewrite-signal 'KILL:TERM': KILL cannot be caught"),
    (["--rewrite-signal=TERM"], "--rewrite-signal 'TERM': expected FROM:TO"),
    (["--rewrite-signal"], "option --rewrite-signal needs a value"),
    (["--map-exit-code", "300:0"], "--map-exit-code '300:0': 300 is not an exit code (0-255)"),
    (["--map-exit-code", "1:x"], "--map-exit-code '1:x': x is not an exit code (0-255)"),
    (["--wait-for-services", "soon"], "--wait-for-services 'soon': not a number of seconds"),
])
def test_bad_value_is_one_line_naming_the_option_and_exit_2(init, args, message):
    assert init.run(args=args, command=["true"]) == 2
    assert init.stderr.count("\n") == 1 and message in init.stderr, init.stderr


def test_bad_wait_variable_names_it(init):
    assert init.run(command=["true"], env={"WAIT_FOR_SERVICES": "-1"}) == 2
    assert "WAIT_FOR_SERVICES='-1' is not a number of seconds" in init.stderr
