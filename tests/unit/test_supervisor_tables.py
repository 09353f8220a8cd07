"""The supervisor keeps statuses only for children someone waits for: reaping 10,000
orphans leaves its tables empty (no growth of PID 1's memory with uptime)."""

import os
import subprocess
import sys

from paths import ROOT

INIT = os.path.join(ROOT, "init")

# Runs in a child process: it becomes a subreaper, which must not happen to pytest itself.
SCRIPT = r"""
import os, sys
from my_init.log import Log
from my_init.signals import configure_signals
from my_init.subreaper import become_subreaper
from my_init.supervisor import Supervisor, exit_code

log = Log()
assert become_subreaper(log)
supervisor = Supervisor(log, configure_signals())
maker = ("import os\n"
         "for _ in range(%d):\n"
         "    if os.fork() == 0:\n"
         "        os.fork() == 0 or os._exit(0)\n"
         "        os._exit(0)\n"
         "    os.wait()\n")
status = supervisor.run([sys.executable, "-c", maker % int(sys.argv[1])])
assert exit_code(status) == 0, status
supervisor.wait_until(lambda: not supervisor.has_children())
print(len(supervisor.watched), len(supervisor.exited), supervisor.foreground)
"""


def test_reaping_many_orphans_leaves_tables_empty():
    result = subprocess.run([sys.executable, "-c", SCRIPT, "10000"], env={"PYTHONPATH": INIT},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0", "None"]
