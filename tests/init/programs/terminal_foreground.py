"""Main command for the terminal test: writes to the file argv[1] whether its process
group is the foreground group of its terminal (fd 0), then waits for a signal with the
default dispositions (Ctrl-C on the terminal kills it with SIGINT)."""

import os
import signal
import sys

foreground = os.tcgetpgrp(0) == os.getpgrp()
temporary = sys.argv[1] + ".new"
with open(temporary, "w") as report:
    report.write("foreground\n" if foreground else "background\n")
os.rename(temporary, sys.argv[1])
signal.signal(signal.SIGINT, signal.SIG_DFL)
while True:
    signal.pause()
