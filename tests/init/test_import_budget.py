"""The import budget of PID 1: the modules my_init holds while idle are the listed ones,
and none of the modules that would weigh on PID 1 for the container's whole life.

With --verbose my_init logs the names in its sys.modules when the shutdown begins,
before loading the shutdown's own (`--- modules held before the shutdown: ...`,
init/my_init/main.py): what it held while it ran. The test sends SIGWINCH once PID 1 is
idle (passed on, and ignored by `sleep` by default: taking a signal must load nothing),
then SIGTERM: in runit mode with a service up, and in one-shot mode with the main command
running. By then the first process, which booted, has handed PID 1 over to a fresh copy
of my_init (init/my_init/handover.py): the budget is that copy's.

This file is the one home of the rule; the code that keeps to it (parsing by hand,
_signal, work done in a child) points here.
"""

import signal
import subprocess

import pytest

from pid1 import PYTHON

# Each costs PID 1 hundreds of kB to a few MB for the container's whole life, pulled in
# with what they import (enum, functools, collections, gettext...): parsed by hand
# (cli.py, rewrite.py), _signal instead of signal (signals.py), json in a child
# (environment.py), inspect kept out of the compiled start-up (build/).
FORBIDDEN = frozenset(("re", "json", "signal", "argparse", "logging", "inspect", "enum"))

# my_init's own modules PID 1 holds while idle: those of main.py, in the copy of my_init
# that waits after the handover (handover.py). The boot's modules stay in the first
# process; the shutdown's (shutdown.py, hooks, runit, ...) load when the stop begins,
# exit_request.py at the first request, spawn.py at the first child the copy starts.
OWN_MODULES = frozenset((
    "my_init", "my_init.handover", "my_init.last_resort", "my_init.leave", "my_init.main",
    "my_init.messages", "my_init.runtime", "my_init.runtime_setup", "my_init.signals",
    "my_init.supervisor"))

# Every other module PID 1 may hold: what my_init imports from the standard library
# (_json: the .json dump's escaper, json's C part without json and re), and the compiled
# init's start-up (CPython's core; built on 3.9 also encodings.latin_1 and types). Not
# importlib and warnings: Nuitka's loader imported them until
# build/nuitka-importlib-bootstrap.patch. The interpreted init may hold its
# interpreter's start-up modules too (site, runpy, ...): they are measured by running a
# module that lists them, the same way (`python -m`).
STANDARD_MODULES = frozenset((
    "__main__", "_abc", "_codecs", "_collections_abc", "_frozen_importlib",
    "_frozen_importlib_external", "_imp", "_io", "_json", "_signal", "_stat", "_thread", "_warnings",
    "_weakref", "abc", "builtins", "codecs", "encodings", "encodings.aliases",
    "encodings.latin_1", "encodings.utf_8", "errno", "genericpath", "io", "marshal", "os",
    "os.path", "posix", "posixpath", "stat", "sys", "time", "types", "zipimport"))

MODULES_LINE = "--- modules held before the shutdown: "
SERVICE = "#!/bin/sh\ntouch /etc/service-up\nexec sleep 1000\n"
MAIN_COMMAND = ["sh", "-c", "touch /etc/main-up; exec sleep 1000"]
MODES = {
    # mode: (options, main command, exit code after SIGTERM)
    "runit": ([], [], 0),
    "one-shot": ([], MAIN_COMMAND, 128 + signal.SIGTERM),
    "one-shot-with-option-values": (["--map-exit-code", "143:0", "--rewrite-signal", "HUP:TERM"],
                                    MAIN_COMMAND, 0),
}
LISTER = "import sys\nsys.stdout.write(''.join(name + '\\n' for name in sorted(sys.modules)))\n"


def modules_held(stderr):
    """The names of the one modules line my_init logged (fails when there is none or more)."""
    lines = [line for line in stderr.split("\n") if line.startswith(MODULES_LINE)]
    assert len(lines) == 1, stderr
    return set(lines[0][len(MODULES_LINE):].split())


def idle_modules(init, args, command, exit_code):
    init.write("service/idle/run", SERVICE)
    init.start(args=["--verbose"] + args, command=command)
    init.wait_for_file("service-up")
    if command:
        init.wait_for_file("main-up")
    init.wait_for_stderr("--- handing PID 1 over")  # then SIGWINCH reaches the copy
    init.signal(signal.SIGWINCH)
    init.wait_for_stderr("--- passed SIGWINCH to " if command else "--- SIGWINCH: no main command")
    init.signal(signal.SIGTERM)
    assert init.wait() == exit_code, init.stderr
    return modules_held(init.stderr)


def interpreter_start_up(variant, tmp_path):
    """What the interpreted init's interpreter holds before my_init's first line: a
    module that lists sys.modules, run as the init is (`python -m`, same environment)."""
    if variant.name != "interpreted":
        return set()
    (tmp_path / "list_modules.py").write_text(LISTER)
    environment = variant.environment()
    environment["PYTHONPATH"] = "%s:%s" % (tmp_path, environment["PYTHONPATH"])
    result = subprocess.run([PYTHON, "-m", "list_modules"], env=environment,
                            cwd="/", capture_output=True, text=True, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize("mode", sorted(MODES))
def test_idle_pid1_holds_only_the_listed_modules(init, tmp_path, mode):
    args, command, exit_code = MODES[mode]
    held = idle_modules(init, args, command, exit_code)
    start_up = interpreter_start_up(init.variant, tmp_path)
    # Only what my_init brings counts: Python 3.9's runpy (`python -m`) imports re and
    # enum before my_init's first line; the compiled init has no runpy.
    forbidden = sorted(FORBIDDEN & (held - start_up))
    assert not forbidden, "PID 1 holds %s" % ", ".join(forbidden)
    assert {name for name in held if name.split(".")[0] == "my_init"} == OWN_MODULES
    beyond = sorted(held - OWN_MODULES - start_up - STANDARD_MODULES)
    assert not beyond, "PID 1 holds modules outside the budget: %s" % ", ".join(beyond)


def test_the_booting_process_holds_no_forbidden_module(init, tmp_path):
    """The first process, which boots, stays PID 1 when the handover is turned off, cannot
    be done or the main command ends first: it too keeps out of FORBIDDEN."""
    init.write("service/idle/run", SERVICE)
    init.start(args=["--verbose", "--no-handover", "--map-exit-code", "143:0",
                     "--rewrite-signal", "HUP:TERM"], command=MAIN_COMMAND)
    init.wait_for_file("service-up")
    init.wait_for_file("main-up")
    init.signal(signal.SIGWINCH)
    init.wait_for_stderr("--- passed SIGWINCH to ")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    held = modules_held(init.stderr)
    assert {"my_init.boot", "my_init.cli", "my_init.environment", "my_init.rewrite"} <= held
    start_up = interpreter_start_up(init.variant, tmp_path)
    forbidden = sorted(FORBIDDEN & (held - start_up))
    assert not forbidden, "the booting PID 1 holds %s" % ", ".join(forbidden)


def test_the_modules_are_logged_only_with_verbose(init):
    init.write("service/idle/run", SERVICE)
    init.start()
    init.wait_for_file("service-up")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert "*** Shutting down runit daemon" in init.stderr  # the shutdown ran
    assert "modules held" not in init.stderr
