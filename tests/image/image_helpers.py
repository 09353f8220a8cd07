"""Helpers for the image tests (see conftest.py for the list); import them with
`from image_helpers import exec_in, wait_until, ...` (pytest puts tests/image on sys.path)."""

import collections
import os
import socket
import subprocess
import time

import docker
import docker.errors
import pytest
import testinfra

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

Result = collections.namedtuple("Result", "exit_code stdout stderr")

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


def wait_until(predicate, timeout, interval=0.2, message=""):
    """Polls predicate until it returns something truthy; fails the test after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail("timed out after %.0f s waiting: %s" % (timeout, message or predicate))
        time.sleep(interval)


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

    deadline = time.monotonic() + timeout
    while not booted():
        if time.monotonic() >= deadline:
            pytest.fail("my_init did not start runsvdir within %d s; logs:\n%s" % (timeout, logs(container)))
        time.sleep(0.1)
    return container


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
