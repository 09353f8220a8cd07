"""The core of the image tests under Podman (the CentOS family's own engine): exit codes,
a one-shot command, the default boot with its services, the environment dumps, a read-only
root, and the `podman stop` exit code (its time is recorded, never asserted).

Podman is driven through its CLI. The image under test is copied from Docker
(`docker save | podman load`) and run by its ID, so nothing is ever pulled. A missing
`podman` FAILS these tests (never a skip). CI sets Podman up with tools/setup-podman.sh."""

import shutil
import subprocess
import time
import uuid

import pytest

from image_helpers import record_figure
from waiting import sleep_until


def podman(*args, timeout=120, check=True):
    result = subprocess.run(["podman"] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail("podman %s failed (%d): %s" % (" ".join(args), result.returncode, result.stderr))
    return result


@pytest.fixture(scope="session")
def podman_image(docker_client, image):
    """The image under test in Podman's store (loaded from Docker when Podman lacks it,
    and removed again at the end); yields its ID, the same as Docker's."""
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed; the Podman tests need it (tools/setup-podman.sh)",
                    pytrace=False)
    image_id = docker_client.images.get(image).id
    short = image_id.split(":", 1)[1]
    loaded = podman("image", "exists", short, check=False).returncode != 0
    if loaded:
        loader = subprocess.Popen(["podman", "load"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        for chunk in docker_client.images.get(image).save(named=True):
            loader.stdin.write(chunk)
        output, errors = loader.communicate(timeout=600)
        if loader.returncode != 0:
            pytest.fail("podman load of %s failed: %s" % (image, errors.decode(errors="replace")))
    inspected = podman("image", "inspect", "--format", "{{.Id}}", short).stdout.strip()
    assert inspected == short, "podman has %s, docker %s" % (inspected, short)
    yield short
    if loaded:  # leave Podman's store as we found it
        podman("rmi", "-f", short, check=False)


class PodmanContainers:
    def __init__(self, image_id):
        self.image_id = image_id
        self.made = []

    def start(self, *options, command=()):
        name = "baseimage-podman-test-" + uuid.uuid4().hex[:12]
        self.made.append(name)
        podman("run", "-d", "--name", name, *options, self.image_id, *command)
        return name

    def run_once(self, *options, command=(), timeout=120):
        name = "baseimage-podman-test-" + uuid.uuid4().hex[:12]
        self.made.append(name)
        return podman("run", "--name", name, *options, self.image_id, *command, timeout=timeout, check=False)

    def remove_all(self):
        for name in self.made:
            podman("rm", "-f", "-t", "0", name, check=False)


@pytest.fixture
def podman_containers(podman_image):
    made = PodmanContainers(podman_image)
    yield made
    made.remove_all()


def podman_logs(name):
    result = podman("logs", name, check=False)
    return result.stdout + result.stderr


def exec_podman(name, *command):
    return podman("exec", name, *command, check=False)


def wait_for_services(name, services=("syslog-ng", "cron"), timeout=30):
    def up(service):
        status = exec_podman(name, "sv", "status", "/etc/service/" + service).stdout
        return status.startswith("run:") and exec_podman(
            name, "sv", "-w", "1", "check", "/etc/service/" + service).returncode == 0
    for service in services:
        sleep_until(lambda: up(service), timeout,
                    what=lambda: "%s up under podman; logs:\n%s" % (service, podman_logs(name)))


def stop_and_record(name, label):
    started = time.monotonic()
    podman("stop", "-t", "10", name, timeout=60)
    seconds = time.monotonic() - started
    code = podman("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    assert code == "0", "exit code %s (137 = SIGKILL); logs:\n%s" % (code, podman_logs(name))
    record_figure("podman stop (%s)" % label, "%.2f s" % seconds)


@pytest.mark.parametrize("command, expected", [("exit 42", 42), ("kill -TERM $$", 143), ("exit 0", 0)])
def test_podman_exit_code_follows_the_main_command(podman_containers, command, expected):
    result = podman_containers.run_once(command=["/sbin/my_init", "--", "sh", "-c", command])
    assert result.returncode == expected, result.stderr


def test_podman_one_shot_command(podman_containers):
    result = podman_containers.run_once(command=["/sbin/my_init", "--", "ls", "/"])
    assert result.returncode == 0, result.stderr
    assert {"etc", "usr", "proc", "sbin"} <= set(result.stdout.split())
    for message in ("*** Booting runit daemon...", "*** Running ls /...",
                    "*** ls / exited with exit code 0.", "*** Shutting down runit daemon"):
        assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_podman_default_boot_runs_the_services_and_logs_to_the_container_log(podman_containers):
    name = podman_containers.start()
    wait_for_services(name)
    # empty for the instant of the handover's exec (docs/my_init.md, boot step 7)
    top = sleep_until(lambda: exec_podman(name, "cat", "/proc/1/cmdline").stdout, 10,
                      what="PID 1's command line").split("\0")
    assert top[0] == "/sbin/my_init"
    message = "podman-probe-" + uuid.uuid4().hex[:8]
    assert exec_podman(name, "logger", "-t", "probe", message).returncode == 0
    sleep_until(lambda: message in podman_logs(name), 10,
                what=lambda: "%s in podman logs:\n%s" % (message, podman_logs(name)))
    stop_and_record(name, "default services")


def test_podman_environment_dumps(podman_containers):
    name = podman_containers.start("-e", "FOO=bar", "-e", "HELLO=my beautiful world")
    wait_for_services(name, ("syslog-ng",))
    assert exec_podman(name, "cat", "/etc/container_environment/FOO").stdout == "bar"
    sourced = exec_podman(name, "sh", "-c", '. /etc/container_environment.sh && printf "%s|%s" "$FOO" "$HELLO"')
    assert sourced.stdout == "bar|my beautiful world", sourced.stderr
    assert '"FOO": "bar"' in exec_podman(name, "cat", "/etc/container_environment.json").stdout


def test_podman_read_only_root(podman_containers):
    """Podman's --read-only mounts tmpfs on /run, /tmp and /var/tmp by itself."""
    one_shot = podman_containers.run_once("--read-only", "-e", "V=1",
                                          command=["/sbin/my_init", "--", "sh", "-c", 'echo "V=$V"'])
    assert one_shot.returncode == 0, one_shot.stderr
    assert "V=1" in one_shot.stdout.splitlines(), one_shot.stdout
    name = podman_containers.start("--read-only", "-e", "V=1")
    wait_for_services(name)
    sourced = exec_podman(name, "sh", "-c", '. /etc/container_environment.sh && printf %s "$V"')
    assert sourced.stdout == "1", sourced.stderr
    output = podman_logs(name)
    assert "WARNING" not in output, output
    stop_and_record(name, "read-only root")


def test_podman_read_only_root_with_only_run_writable(podman_containers):
    """Docker's recipe under Podman: its own tmpfs mounts off (--read-only-tmpfs=false) and
    --tmpfs /run, so /tmp is read-only too; cron's run script then keeps job output in /run."""
    name = podman_containers.start("--read-only", "--read-only-tmpfs=false", "--tmpfs", "/run", "-e", "V=1")
    wait_for_services(name)
    assert exec_podman(name, "touch", "/tmp/probe").returncode != 0
    sourced = exec_podman(name, "sh", "-c", '. /etc/container_environment.sh && printf %s "$V"')
    assert sourced.stdout == "1", sourced.stderr
    # Debian's cron (EL's cronie, `crond`, needs no temporary file).
    if exec_podman(name, "pgrep", "-x", "crond").returncode != 0:
        cron_environment = exec_podman(name, "sh", "-c", "tr '\\0' '\\n' </proc/$(pgrep -x cron)/environ").stdout
        assert "TMPDIR=/run/cron" in cron_environment.splitlines(), cron_environment
    output = podman_logs(name)
    assert "WARNING" not in output, output
    stop_and_record(name, "read-only root, only /run writable")


def test_podman_restricted_user(podman_containers):
    result = podman_containers.run_once(
        "--read-only", "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "-e", "V=1", command=["/sbin/my_init", "--", "sh", "-c", 'id -u; printf %s "$V"'])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["1000", "1"], result.stdout
    name = podman_containers.start("--read-only", "--user", "1000:1000", "--cap-drop", "ALL",
                                   "--security-opt", "no-new-privileges")
    sleep_until(lambda: "waiting for a stop signal" in podman_logs(name) or "Runit started" in podman_logs(name),
                20, what=lambda: "the restricted container to boot; logs:\n%s" % podman_logs(name))
    stop_and_record(name, "restricted user")
