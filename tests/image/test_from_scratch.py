"""The image's my_init is one static program: as PID 1 of an image FROM scratch that holds
only it, Debian's busybox-static (a shell and the tools) and a passwd/group pair, it runs
main commands, passes their exit codes on, forwards signals, stops on `docker stop`, and
setuser (a link to it) drops privileges. No C library, no Python, no runit there.

The my_init is the one in the image under test (/usr/lib/my_init/my_init); busybox comes
from the host's busybox-static (tools/setup-host.sh installs it)."""

import os
import subprocess

import pytest

from waiting import sleep_until

BUSYBOX = "/bin/busybox"
DOCKERFILE = """\
FROM {image} AS image
FROM scratch
COPY --from=image /usr/lib/my_init/my_init /sbin/my_init
COPY busybox /bin/busybox
COPY passwd group /etc/
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "ln", "-s", "my_init", "/sbin/setuser"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/run"]
ENV PATH=/sbin:/bin
CMD ["/sbin/my_init", "--skip-runit", "--", "sh"]
"""
PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"
GROUP = "root:x:0:\nnogroup:x:65534:\n"


def is_static(path):
    program_headers = subprocess.run(["readelf", "-l", path], capture_output=True, text=True, check=True).stdout
    return "Requesting program interpreter" not in program_headers


@pytest.fixture(scope="module")
def scratch_image(image_builder):
    if not os.path.exists(BUSYBOX) or not is_static(BUSYBOX):
        pytest.fail("%s is missing or not static: install busybox-static (tools/setup-host.sh test)" % BUSYBOX)
    with open(BUSYBOX, "rb") as stream:
        busybox = stream.read()
    return image_builder.build(DOCKERFILE, {"busybox": (busybox, 0o755), "passwd": PASSWD, "group": GROUP})


def my_init(*command):
    return ["/sbin/my_init", "--skip-runit", "--", *command]


@pytest.mark.parametrize("code", [0, 3, 126])
def test_the_main_commands_exit_code_is_the_containers(containers, scratch_image, code):
    result = containers.run_once(my_init("sh", "-c", "echo ran; exit %d" % code), image=scratch_image)
    assert result.exit_code == code, result
    assert "ran" in result.stdout


def test_no_c_library_and_no_python_are_there(containers, scratch_image):
    result = containers.run_once(my_init("sh", "-c", "ls /sbin; for path in /usr /lib /lib64; do "
                                         "[ -e $path ] && echo has $path; done; true"), image=scratch_image)
    assert result.exit_code == 0, result
    assert result.stdout.split() == ["my_init", "setuser"], result


def test_setuser_drops_to_nobody(containers, scratch_image):
    result = containers.run_once(my_init("setuser", "nobody", "id"), image=scratch_image)
    assert result.exit_code == 0, result
    assert "uid=65534(nobody) gid=65534(nogroup)" in result.stdout


def test_a_signal_reaches_the_main_command(containers, scratch_image):
    container = containers.start(my_init("sh", "-c", "trap 'echo got USR1; exit 9' USR1; "
                                         "while :; do sleep 0.1; done"), image=scratch_image)
    wait_until_running_sleep(container)
    container.kill(signal="SIGUSR1")
    assert container.wait(timeout=30)["StatusCode"] == 9
    assert "got USR1" in container.logs().decode()


def test_docker_stop_ends_the_main_command_with_term(containers, scratch_image):
    container = containers.start(my_init("sleep", "1000"), image=scratch_image)
    wait_until_running_sleep(container)
    container.stop(timeout=10)
    container.reload()
    # 143: the main command died of the TERM my_init passed on (137 would be docker's KILL).
    assert container.attrs["State"]["ExitCode"] == 143, container.logs().decode()


def test_orphans_are_reaped(containers, scratch_image):
    # Each background sleep outlives its parent shell; my_init, PID 1, reaps them.
    result = containers.run_once(my_init("sh", "-c", "for i in 1 2 3; do sh -c 'sleep 0.2 &'; done; sleep 1; "
                                         "ps -o stat,comm | grep -c '^Z' || true"), image=scratch_image)
    assert result.exit_code == 0, result
    assert result.stdout.split()[-1] == "0", result


def wait_until_running_sleep(container, timeout=15):
    def sleeping():
        return any("sleep" in row[-1] for row in container.top()["Processes"] or [])

    sleep_until(sleeping, timeout, what=lambda: "the main command to run; logs:\n" + container.logs().decode())
