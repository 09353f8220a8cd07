"""The image's my_init is one static program: as PID 1 of an image FROM scratch that holds
only it, Debian's busybox-static (a shell and the tools) and a passwd/group pair, it runs
main commands, passes their exit codes on, forwards signals, stops on `docker stop`, and
setuser (a link to it) drops privileges. No C library, no Python, no runit there. With
the image's runit programs (one static file too) beside it, it boots runit there: a service
runs, and `docker stop` ends it and exits 0.

The my_init is the one in the image under test (/usr/lib/my_init/my_init); busybox comes
from the host's busybox-static (tools/setup-host.sh installs it)."""

import os
import subprocess

import pytest

from image_helpers import exec_in
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
RUNIT_PROGRAMS = ("runit-busybox", "runsvdir", "runsv", "sv", "svlogd", "chpst")
RUNIT_DOCKERFILE = """\
FROM {image} AS image
FROM scratch
COPY --from=image /usr/lib/my_init/my_init /sbin/my_init
COPY --from=image %s /usr/bin/
COPY busybox /bin/busybox
COPY passwd group /etc/
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/run"]
COPY hello/ /etc/service/hello/
ENV PATH=/usr/bin:/sbin:/bin
CMD ["/sbin/my_init"]
""" % " ".join("/usr/bin/" + name for name in RUNIT_PROGRAMS)
HELLO_RUN = "#!/bin/sh\necho hello up\nexec sleep 1000\n"
HELLO_FINISH = "#!/bin/sh\necho hello finished\n"
PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"
GROUP = "root:x:0:\nnogroup:x:65534:\n"


def is_static(path):
    program_headers = subprocess.run(["readelf", "-l", path], capture_output=True, text=True, check=True).stdout
    return "Requesting program interpreter" not in program_headers


def static_busybox():
    if not os.path.exists(BUSYBOX) or not is_static(BUSYBOX):
        pytest.fail("%s is missing or not static: install busybox-static (tools/setup-host.sh test)" % BUSYBOX)
    with open(BUSYBOX, "rb") as stream:
        return {"busybox": (stream.read(), 0o755), "passwd": PASSWD, "group": GROUP}


@pytest.fixture(scope="module")
def scratch_image(image_builder):
    return image_builder.build(DOCKERFILE, static_busybox())


@pytest.fixture(scope="module")
def scratch_runit_image(image_builder):
    files = dict(static_busybox(), **{"hello/run": (HELLO_RUN, 0o755), "hello/finish": (HELLO_FINISH, 0o755)})
    return image_builder.build(RUNIT_DOCKERFILE, files)


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
    """Until a `sleep` program runs: a process whose command is sleep, not one whose
    arguments mention it (the `sh -c "trap ...; sleep"` of a test exists before its trap)."""
    def sleeping():
        return any(os.path.basename(row[-1].split()[0]) == "sleep" for row in container.top()["Processes"] or []
                   if row[-1].split())

    sleep_until(sleeping, timeout, what=lambda: "the main command to run; logs:\n" + container.logs().decode())


def test_runit_supervises_a_service_and_docker_stop_ends_it(containers, scratch_runit_image):
    container = containers.start(None, image=scratch_runit_image)
    status = []
    sleep_until(lambda: status.append(exec_in(container, ["sv", "status", "/etc/service/hello"]))
                or status[-1].stdout.startswith("run: /etc/service/hello: (pid "), 20,
                what=lambda: "the service to run: %s; logs:\n%s" % (status[-1:], container.logs().decode()))
    listing = exec_in(container, ["sh", "-c", "ls /usr/bin; for path in /usr/lib /lib /lib64; do "
                                  "[ -e $path ] && echo has $path; done; true"])
    assert sorted(listing.stdout.split()) == sorted(RUNIT_PROGRAMS), listing
    container.stop(timeout=10)
    container.reload()
    logs = container.logs().decode()
    assert container.attrs["State"]["ExitCode"] == 0, logs
    assert "hello up" in logs and "hello finished" in logs, logs


def test_the_images_runit_programs_are_one_static_file(image, tmp_path):
    """/usr/bin/runsvdir and the others link to /usr/bin/runit-busybox, which has no ELF
    interpreter and no NEEDED entry (read off a copy taken out of the image)."""
    container = subprocess.run(["docker", "create", image], capture_output=True, text=True, check=True).stdout.strip()
    try:
        for name in RUNIT_PROGRAMS[1:]:
            subprocess.run(["docker", "cp", "%s:/usr/bin/%s" % (container, name), str(tmp_path / name)],
                           capture_output=True, text=True, check=True)  # the link itself (no -L)
            assert os.readlink(tmp_path / name) == RUNIT_PROGRAMS[0], name
        subprocess.run(["docker", "cp", "%s:/usr/bin/%s" % (container, RUNIT_PROGRAMS[0]), str(tmp_path / "program")],
                       capture_output=True, text=True, check=True)
    finally:
        subprocess.run(["docker", "rm", container], capture_output=True, check=False)
    program = str(tmp_path / "program")
    assert is_static(program)
    assert "NEEDED" not in subprocess.run(["objdump", "-p", program], capture_output=True, text=True,
                                          check=True).stdout
