"""Main command for the signal tests: appends the name of every signal it receives to
the file argv[1] (after writing "ready"); exits 0 on SIGTERM or SIGINT."""

import os
import signal
import sys

EXCLUDED = {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}
# A descriptor, not a buffered file: a handler that writes while "ready" is being written
# would find the file's buffer in use (a reentrant call).
report = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def write_line(text):
    os.write(report, (text + "\n").encode())


def received(signum, frame):
    write_line(signal.Signals(signum).name)
    if signum in (signal.SIGTERM, signal.SIGINT):
        os._exit(0)


for signum in signal.valid_signals():
    if signum not in EXCLUDED:
        try:
            signal.signal(signum, received)
        except (OSError, ValueError):
            pass
write_line("ready")
while True:
    signal.pause()
