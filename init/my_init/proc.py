"""Reading the process table from /proc (the namespace's own, as PID 1)."""

import os


def children_by_parent():
    """{parent PID: [child PIDs]} for every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as file:
                # The name in parentheses may hold spaces: fields start after the last ')'.
                parent = int(file.read().rpartition(b")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        table.setdefault(parent, []).append(int(entry))
    return table


def child_pids():
    """PIDs whose parent is this process (the kernel's list; a /proc scan if absent)."""
    own = os.getpid()
    try:
        with open("/proc/%d/task/%d/children" % (own, own), "rb") as file:
            return [int(pid) for pid in file.read().split()]
    except FileNotFoundError:
        return children_by_parent().get(own, [])


def descendants():
    """PIDs below this process, children first."""
    table = children_by_parent()
    found, pending = [], list(table.get(os.getpid(), []))
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(table.get(pid, ()))
    return found


def process_name(pid):
    try:
        with open("/proc/%d/comm" % pid, "rb") as file:
            return file.read().strip().decode("ascii", "replace")
    except OSError:
        return None


def command_line(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as file:
            return file.read().split(b"\0")
    except OSError:
        return []
