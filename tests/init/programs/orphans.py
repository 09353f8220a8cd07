"""Creates argv[1] orphans (grandchildren whose parent exits at once), waits for them to
exit, then prints how many zombies are left in the PID namespace."""

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


def zombies():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as stat:
                    if stat.read().rpartition(")")[2].split()[0] == "Z":
                        found.append(entry)
            except OSError:
                pass
    return found


# The init reaps on SIGCHLD; give the last orphans time to exit and be reaped.
deadline = time.monotonic() + 10
while zombies() and time.monotonic() < deadline:
    time.sleep(0.1)
print("zombies: %d" % len(zombies()))
