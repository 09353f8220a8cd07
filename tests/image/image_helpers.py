"""Helpers for the image tests (see conftest.py for the list); import them with
`from image_helpers import exec_in, logs, ...` (pytest puts tests/image on sys.path).
The wait is tools/waiting.py's sleep_until, shared with the PID-1 tests and the bench."""

import collections
import os
import socket
import subprocess
import time

import docker
import docker.errors
import pytest
import testinfra

from paths import ROOT
from waiting import sleep_until

Result = collections.namedtuple("Result", "exit_code stdout stderr")
# Figures the image tests measure for the closing note (stop times, how the limits
# played out): kept, never asserted. One line a figure: a run replaces its own lines.
FIGURES = os.path.join(ROOT, "dist", "image-stop-time.txt")

# The host's `ssh` client against a container: keys only, no host-key bookkeeping.
SSH_OPTIONS = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
               "-o", "ConnectTimeout=10", "-o", "IdentitiesOnly=yes"]


def default_image():
    with open(os.path.join(ROOT, "VERSION")) as file:
        return "baseimage-centos:%s" % file.read().strip()


def logs(container):
    try:
        return container.logs(stdout=True, stderr=True).decode("utf-8", "replace")
    except docker.errors.APIError as error:
        return "(no logs: %s)" % error


def runsvdir_running(container):
    """True once runsvdir is in the container's process list (docker top: no tools needed
    inside the image)."""
    try:
        top = container.top(ps_args="-eo pid,ppid,args")
    except docker.errors.APIError:
        return False  # not running (yet, or any more)
    args_column = top["Titles"].index("COMMAND") if "COMMAND" in top["Titles"] else -1
    return any(row[args_column].startswith("runsvdir") for row in top.get("Processes") or [])


def wait_for_boot(container, timeout=30):
    """Waits until my_init has run the startup files and started runsvdir; fails with the
    logs if the container exits first."""
    def booted():
        container.reload()
        if container.status in ("exited", "dead"):
            pytest.fail("container exited (code %s) before booting; logs:\n%s"
                        % (container.attrs["State"]["ExitCode"], logs(container)))
        return runsvdir_running(container)

    sleep_until(booted, timeout, lambda: "my_init to start runsvdir; logs:\n%s" % logs(container),
                interval=0.1)
    return container


def service_up(container, name):
    """True once runit reports /etc/service/NAME running and its ./check (if any) passes."""
    status = exec_in(container, ["sv", "status", "/etc/service/" + name]).stdout
    return status.startswith("run:") and exec_in(
        container, ["sv", "-w", "1", "check", "/etc/service/" + name]).exit_code == 0


def wait_for_services(container, names, timeout=20):
    for name in names:
        sleep_until(lambda: service_up(container, name), timeout,
                    what=lambda: "service %s up; logs:\n%s" % (name, logs(container)))


def exec_in(container, command, user=None):
    if isinstance(command, str):
        command = ["sh", "-c", command]
    exit_code, (stdout, stderr) = container.exec_run(command, user=user or "", demux=True)
    return Result(exit_code, (stdout or b"").decode("utf-8", "replace"),
                  (stderr or b"").decode("utf-8", "replace"))


def host_of(container):
    return testinfra.get_host("docker://" + container.id)


def ip_address(container):
    container.reload()
    networks = container.attrs["NetworkSettings"]["Networks"]
    addresses = [network["IPAddress"] for network in networks.values() if network.get("IPAddress")]
    assert addresses, "container has no IP address: %s" % networks
    return addresses[0]


def accepts_connections(address, port=22):
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


def ssh(address, key, *command, options=()):
    """Runs `command` as root in the container at `address` over ssh with the private `key`."""
    return subprocess.run(["ssh", "-i", key] + SSH_OPTIONS + list(options) + ["root@" + address] + list(command),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def record_figure(key, value, path=FIGURES):
    """Keeps "KEY: VALUE" as the one line of KEY in the figures' record (KEY holds no
    ": "): a figure measured again replaces its line, so the record does not grow across
    runs, and figures of tests that did not run this time stay."""
    figures = {}
    if os.path.exists(path):
        with open(path) as stream:
            for line in stream:
                old_key, _, old_value = line.rstrip("\n").partition(": ")
                figures[old_key] = old_value
    figures[key] = value
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".new", "w") as stream:
        stream.writelines("%s: %s\n" % item for item in figures.items())
    os.replace(path + ".new", path)
    print("%s: %s" % (key, value))


def stop_and_record(container, label):
    """docker stop with its 10 s grace; the seconds it took are recorded as "docker stop
    (LABEL)". Returns the container's State afterwards."""
    started = time.monotonic()
    container.stop(timeout=10)
    seconds = time.monotonic() - started
    record_figure("docker stop (%s)" % label, "%.2f s" % seconds)
    container.reload()
    return container.attrs["State"]
