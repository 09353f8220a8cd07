"""Main command for the signal tests: appends the name of every signal it receives to
the file argv[1] (after writing "ready"); exits 0 on SIGTERM or SIGINT."""

import os
import signal
import sys

EXCLUDED = {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}
report = open(sys.argv[1], "a", buffering=1)


def received(signum, frame):
    report.write(signal.Signals(signum).name + "\n")
    if signum in (signal.SIGTERM, signal.SIGINT):
        os._exit(0)


for signum in signal.valid_signals():
    if signum not in EXCLUDED:
        try:
            signal.signal(signum, received)
        except (OSError, ValueError):
            pass
report.write("ready\n")
while True:
    signal.pause()
