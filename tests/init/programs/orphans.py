"""Creates argv[1] orphans (grandchildren whose parent exits at once), waits until they
have all exited, then prints how many zombies are left in the PID namespace."""

import os
import sys
import time

count = int(sys.argv[1])
for _ in range(count):
    pid = os.fork()
    if pid == 0:
        if os.fork() == 0:
            time.sleep(0.05)  # outlive the parent, so the init inherits it
            os._exit(0)
        os._exit(0)
    os.waitpid(pid, 0)


def processes():
    """(live orphans, zombies): an orphan is a copy of this program (same command line);
    a zombie has no command line left, only its state."""
    me = str(os.getpid())
    with open("/proc/self/cmdline", "rb") as file:
        own_command = file.read()
    alive, zombies = [], []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or entry == me:
            continue
        try:
            with open("/proc/%s/stat" % entry) as stat:
                state = stat.read().rpartition(")")[2].split()[0]
            with open("/proc/%s/cmdline" % entry, "rb") as file:
                command = file.read()
        except OSError:
            continue
        if state == "Z":
            zombies.append(entry)
        elif command == own_command:
            alive.append(entry)
    return alive, zombies


# The init reaps on SIGCHLD; give the last orphans time to exit and be reaped.
deadline = time.monotonic() + 20
while any(processes()) and time.monotonic() < deadline:
    time.sleep(0.1)
alive, zombies = processes()
print("orphans still running: %d" % len(alive))
print("zombies: %d" % len(zombies))
