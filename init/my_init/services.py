"""What runit knows about one service, read the way `sv` reads it: supervise/ok (is its
runsv answering?) and the 20-byte supervise/status record. No `sv` process, no output.

supervise/status: bytes 12-15 the service's PID (little-endian, 0 when not running),
16 paused, 17 wanted state ('u' up, 'd' down), 18 TERM sent, 19 state (0 down, 1 run,
2 finish).
"""

import os

DOWN_FILE = "down"
CHECK_SCRIPT = "check"
STATE_NAMES = {0: "down", 1: "running", 2: "finishing"}


class Status:
    def __init__(self, record):
        self.pid = int.from_bytes(record[12:16], "little")
        self.want = chr(record[17])
        self.state = record[19]

    @property
    def running(self):
        return self.pid != 0 and self.state == 1


def runsv_answers(directory):
    """True when a runsv holds DIRECTORY/supervise/ok open: it takes commands and its
    status is current. A runsv too young to have created the FIFO does not answer."""
    try:
        fd = os.open(os.path.join(directory, "supervise", "ok"), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # ENOENT: not created yet; ENXIO: nobody reading it
        return False
    os.close(fd)
    return True


def send_command(directory, command):
    """Write a one-letter command (bytes) to the service's runsv through supervise/control,
    as `sv` does (b"k": SIGKILL to the service). False when its runsv does not answer."""
    try:
        fd = os.open(os.path.join(directory, "supervise", "control"), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # ENOENT: not created yet; ENXIO: nobody reading it
        return False
    try:
        return os.write(fd, command) == 1
    except OSError:
        return False
    finally:
        os.close(fd)


def read_status(directory):
    """The service's Status, or None when its runsv does not answer (yet)."""
    if not runsv_answers(directory):
        return None
    try:
        with open(os.path.join(directory, "supervise", "status"), "rb") as file:
            record = file.read(20)
    except OSError:
        return None
    return Status(record) if len(record) == 20 else None


def normally_up(directory):
    return not os.path.exists(os.path.join(directory, DOWN_FILE))


def expected_up(directory, status):
    """A service counts as one that should be up when it has no `down` file, or when it
    was started anyway (`sv up` on a service with a `down` file)."""
    return normally_up(directory) or (status is not None and status.want == "u")


def why_not_up(directory, status):
    """None when the service is running, else a short reason (the readiness check, if
    any, is the caller's: it runs a process)."""
    if status is None:
        return "runsv not running (yet)"
    if status.running and status.want == "u":
        return None
    if status.running:
        return "running, but stopping (want down)"
    described = STATE_NAMES.get(status.state, "state %d" % status.state)
    return "%s, want %s" % (described, "up" if status.want == "u" else "down")


def has_check(directory):
    return os.path.exists(os.path.join(directory, CHECK_SCRIPT))
