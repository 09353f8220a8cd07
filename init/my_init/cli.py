"""Command-line and environment options of my_init."""

import getopt
import os
import sys

from my_init import __version__

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
  --quiet                  log errors only
  -v, --verbose            log debug messages too
  -h, --help               show this help and exit
  -V, --version            show the version and exit

environment:
  KILL_PROCESS_TIMEOUT        seconds for the main command and the runit services to stop (5)
  KILL_ALL_PROCESSES_TIMEOUT  seconds for all other processes to exit after SIGTERM (3)
  SHUTDOWN_HOOK_TIMEOUT       seconds each pre/post-shutdown hook may run (1)
"""

LONG_OPTIONS = [
    "skip-startup-files", "skip-runit", "no-kill-all-on-exit", "enable-insecure-key",
    "signal-process-group", "quiet", "verbose", "help", "version",
]

TIMEOUT_DEFAULTS = (
    ("kill_process_timeout", "KILL_PROCESS_TIMEOUT", 5.0),
    ("kill_all_processes_timeout", "KILL_ALL_PROCESSES_TIMEOUT", 3.0),
    ("hook_timeout", "SHUTDOWN_HOOK_TIMEOUT", 1.0),
)


class UsageError(Exception):
    """Bad command line or environment; the message is one line for the user."""


class Options:
    def __init__(self):
        self.skip_startup_files = False
        self.skip_runit = False
        self.kill_all_on_exit = True
        self.enable_insecure_key = False
        self.signal_process_group = False
        self.quiet = False
        self.verbose = False
        self.main_command = []
        self.kill_process_timeout = 5.0
        self.kill_all_processes_timeout = 3.0
        self.hook_timeout = 1.0


def read_timeout(environ, name, default):
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise UsageError("%s=%r is not a number of seconds" % (name, raw))
    return value


def parse_args(argv, environ=os.environ):
    """Returns Options, or None when --help/--version was answered. Raises UsageError."""
    try:
        flags, command = getopt.getopt(argv, "gvhV", LONG_OPTIONS)
    except getopt.GetoptError as error:
        raise UsageError("%s (see my_init --help)" % error) from None
    options = Options()
    for flag, _ in flags:
        if flag in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return None
        if flag in ("-V", "--version"):
            sys.stdout.write("my_init %s\n" % __version__)
            return None
        if flag == "--skip-startup-files":
            options.skip_startup_files = True
        elif flag == "--skip-runit":
            options.skip_runit = True
        elif flag == "--no-kill-all-on-exit":
            options.kill_all_on_exit = False
        elif flag == "--enable-insecure-key":
            options.enable_insecure_key = True
        elif flag in ("-g", "--signal-process-group"):
            options.signal_process_group = True
        elif flag == "--quiet":
            options.quiet = True
        elif flag in ("-v", "--verbose"):
            options.verbose = True
    if options.quiet and options.verbose:
        raise UsageError("--quiet and --verbose exclude each other")
    options.main_command = command
    if options.skip_runit and not command:
        raise UsageError("--skip-runit needs a main command (my_init --skip-runit -- CMD ...)")
    for attribute, name, default in TIMEOUT_DEFAULTS:
        setattr(options, attribute, read_timeout(environ, name, default))
    return options
