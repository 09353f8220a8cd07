"""Hooks of the PID-1 suite (tests/init), inert unless their variable is set: each costs
one environment lookup per signal my_init takes (SIGCHLD aside) and imports nothing.

    MY_INIT_TEST_FAULT=N       on signal N, raise InjectedFault instead of passing the
                               signal on: the suite proves the last resort with it
    MY_INIT_TEST_MODULES=PATH  on any signal, before acting on it, write the modules PID 1
                               holds (sorted(sys.modules), one a line) to PATH: the
                               import budget (tests/init/test_import_budget.py)
"""

import os
import sys

from my_init.runtime import replace_file

FAULT_VARIABLE = "MY_INIT_TEST_FAULT"
MODULES_VARIABLE = "MY_INIT_TEST_MODULES"


class InjectedFault(Exception):
    """Raised only on request of FAULT_VARIABLE."""


def run_probes(signum):
    path = os.environ.get(MODULES_VARIABLE)
    if path:
        write_module_names(path)
    if os.environ.get(FAULT_VARIABLE) == str(signum):
        raise InjectedFault("fault injected by %s=%d" % (FAULT_VARIABLE, signum))


def write_module_names(path):
    """PATH replaced by the sorted list: a reader never sees half a list."""
    replace_file(path, "".join(name + "\n" for name in sorted(sys.modules)).encode())
