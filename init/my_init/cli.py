"""Command-line and environment options of my_init."""

import os
import sys

from my_init import __version__
from my_init.messages import DEBUG, ERROR, INFO
from my_init.rewrite import BadValue, parse_exit_code_map, parse_signal_rewrite

USAGE = """\
usage: my_init [OPTIONS] [-- MAIN_COMMAND [ARG ...]]

Runs the startup files (/etc/my_init.d/*, /etc/rc.local), boots runit on /etc/service
and, if MAIN_COMMAND is given, runs it; when it exits (or on SIGTERM/SIGINT) everything
is shut down within KILL_PROCESS_TIMEOUT + KILL_ALL_PROCESSES_TIMEOUT seconds.

options:
  --skip-startup-files     do not run /etc/my_init.d/* and /etc/rc.local
  --skip-runit             do not boot runit (needs a MAIN_COMMAND)
  --no-kill-all-on-exit    do not kill the remaining processes on exit
  --enable-insecure-key    install the insecure SSH key (/usr/sbin/enable_insecure_key)
  -g, --signal-process-group
                           forward signals to MAIN_COMMAND's process group, not only to it
  --wait-for-services SECONDS
                           start MAIN_COMMAND only once every service is up and ready;
                           exit 1 naming those that are not after SECONDS
  --rewrite-signal FROM:TO pass signal TO (0: none) to MAIN_COMMAND instead of FROM,
                           the stop signal included (repeatable; e.g. TERM:QUIT)
  --map-exit-code FROM:TO  exit with TO instead of FROM (repeatable; e.g. 143:0)
  --no-handover            stay in the process that booted (no fresh copy of my_init)
  --quiet                  log errors only
  -v, --verbose            log debug messages too
  -h, --help               show this help and exit
  -V, --version            show the version and exit

environment:
  KILL_PROCESS_TIMEOUT        seconds for the main command and the runit services to stop (%(KILL_PROCESS_TIMEOUT)g)
  KILL_ALL_PROCESSES_TIMEOUT  seconds for all other processes to exit after SIGTERM (%(KILL_ALL_PROCESSES_TIMEOUT)g)
  SHUTDOWN_HOOK_TIMEOUT       seconds each pre/post-shutdown hook may run (%(SHUTDOWN_HOOK_TIMEOUT)g)
  WAIT_FOR_SERVICES           as --wait-for-services (0: do not wait)
  MY_INIT_HANDOVER            0: as --no-handover (1)
"""

# Option spelling -> Options attribute set to True. Parsed here, not with argparse or
# getopt: they would break PID 1's import budget (tests/init/test_import_budget.py).
FLAGS = {
    "--skip-startup-files": "skip_startup_files",
    "--skip-runit": "skip_runit",
    "--no-kill-all-on-exit": "no_kill_all_on_exit",
    "--enable-insecure-key": "enable_insecure_key",
    "--no-handover": "no_handover",
    "-g": "signal_process_group",
    "--signal-process-group": "signal_process_group",
    "--quiet": "quiet",
    "-v": "verbose",
    "--verbose": "verbose",
    "-h": "help",
    "--help": "help",
    "-V": "version",
    "--version": "version",
}


# (Options attribute, environment variable, default seconds): the defaults' one home,
# also for USAGE.
TIMEOUT_DEFAULTS = (
    ("kill_process_timeout", "KILL_PROCESS_TIMEOUT", 5.0),
    ("kill_all_processes_timeout", "KILL_ALL_PROCESSES_TIMEOUT", 3.0),
    ("hook_timeout", "SHUTDOWN_HOOK_TIMEOUT", 1.0),
)


def help_text():
    """What --help prints: USAGE with the timeout defaults filled in."""
    return USAGE % {name: default for _, name, default in TIMEOUT_DEFAULTS}


class UsageError(Exception):
    """Bad command line or environment; the message is one line for the user."""


class Options:
    def __init__(self):
        self.skip_startup_files = False
        self.skip_runit = False
        self.no_kill_all_on_exit = False
        self.enable_insecure_key = False
        self.no_handover = False
        self.handover = True  # --no-handover and MY_INIT_HANDOVER=0 turn it off
        self.signal_process_group = False
        self.quiet = False
        self.verbose = False
        self.main_command = []
        for attribute, _, default in TIMEOUT_DEFAULTS:
            setattr(self, attribute, default)
        self.help = False
        self.version = False
        self.wait_for_services = 0.0
        self.signal_rewrites = {}
        self.exit_code_map = {}

    def log_level(self):
        """The level --quiet or --verbose ask for (INFO without either)."""
        if self.quiet:
            return ERROR
        return DEBUG if self.verbose else INFO

    @property
    def kill_all_on_exit(self):
        return not self.no_kill_all_on_exit


def read_timeout(environ, name, default):
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse_seconds(raw)
    except BadValue:
        raise UsageError("%s=%r is not a number of seconds" % (name, raw)) from None


def read_switch(environ, name, default):
    """A variable that is 0 or 1 (empty or unset: DEFAULT)."""
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in ("0", "1"):
        raise UsageError("%s=%r is not 0 or 1" % (name, raw))
    return raw == "1"


def split_command_line(argv):
    """Options up to `--` or the first non-option word; the rest is the main command.
    Short flags may be bundled (-gv). The word after an option of VALUE_OPTIONS given
    without `=VALUE` is its value. Returns ([(option, value or None)], command)."""
    flags = []
    index = 0
    while index < len(argv):
        word = argv[index]
        index += 1
        if word == "--":
            return flags, argv[index:]
        if not word.startswith("-") or word == "-":
            return flags, argv[index - 1:]
        if word in VALUE_OPTIONS:
            if index == len(argv) or argv[index] == "--":
                raise UsageError("option %s needs a value" % word)
            flags.append((word, argv[index]))
            index += 1
        elif word.startswith("--") and word.split("=", 1)[0] in VALUE_OPTIONS:
            flags.append(tuple(word.split("=", 1)))
        elif word.startswith("--") or len(word) == 2 or "=" in word:
            flags.append((word, None))
        else:  # bundled short flags
            for letter in word[1:]:
                if "-" + letter not in FLAGS:
                    raise UsageError("unknown option -%s in %s (see my_init --help)" % (letter, word))
                flags.append(("-" + letter, None))
    return flags, []


def parse_seconds(text):
    """A number of seconds, 0 or more (--wait-for-services)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise BadValue("not a number of seconds")
    return value


# Options that take a value (`--opt VALUE` or `--opt=VALUE`) -> (attribute, parser,
# repeatable). A parser raises BadValue; repeatable ones collect {from: to} pairs.
VALUE_OPTIONS = {
    "--wait-for-services": ("wait_for_services", parse_seconds, False),
    "--rewrite-signal": ("signal_rewrites", parse_signal_rewrite, True),
    "--map-exit-code": ("exit_code_map", parse_exit_code_map, True),
}


def read_value(option, parser, text):
    """One option value through its parser; UsageError naming the option."""
    try:
        return parser(text)
    except BadValue as error:
        raise UsageError("%s %r: %s" % (option, text, error)) from None


def set_value(options, option, text):
    attribute, parser, repeatable = VALUE_OPTIONS[option]
    value = read_value(option, parser, text)
    if repeatable:
        source, target = value
        getattr(options, attribute)[source] = target
    else:
        setattr(options, attribute, value)


def parse_args(argv, environ=os.environ):
    """Returns Options, or None when --help/--version was answered. Raises UsageError."""
    flags, command = split_command_line(argv)
    options = Options()
    wait_given = False
    for flag, value in flags:
        if flag in VALUE_OPTIONS:
            set_value(options, flag, value)
            wait_given = wait_given or flag == "--wait-for-services"
            continue
        name = flag.split("=", 1)[0]
        attribute = FLAGS.get(name)
        if attribute is None:
            raise UsageError("unknown option %s (see my_init --help)" % name)
        if name != flag:
            raise UsageError("option %s takes no value" % name)
        setattr(options, attribute, True)
    if options.help:
        sys.stdout.write(help_text())
        return None
    if options.version:
        sys.stdout.write("my_init %s\n" % __version__)
        return None
    if options.quiet and options.verbose:
        raise UsageError("--quiet and --verbose exclude each other")
    options.main_command = command
    if options.skip_runit and not command:
        raise UsageError("--skip-runit needs a main command (my_init --skip-runit -- CMD ...)")
    for attribute, name, default in TIMEOUT_DEFAULTS:
        setattr(options, attribute, read_timeout(environ, name, default))
    options.handover = read_switch(environ, "MY_INIT_HANDOVER", True) and not options.no_handover
    if not wait_given:
        options.wait_for_services = read_timeout(environ, "WAIT_FOR_SERVICES", 0.0)
    return options
