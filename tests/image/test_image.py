"""The image, against a real Docker engine: the compiled init as PID 1, runit, exit codes,
`docker stop`, the environment dumps, startup scripts, services, non-root users, the init
copied into another image, and no Python / no build secrets left behind.
See conftest.py for the fixtures."""

import json
import os
import tarfile
import tempfile

import pytest

from image_helpers import exec_in, host_of, logs, stop_and_record
from paths import ROOT
from waiting import sleep_until

# Places a Python interpreter lives on the supported bases (EL's dnf uses platform-python).
PYTHON_GLOBS = "/usr/bin/python* /usr/local/bin/python* /bin/python* /usr/libexec/platform-python*"
LIST_PYTHONS = 'for f in %s; do [ -e "$f" ] && echo "$f"; done; true' % PYTHON_GLOBS


def test_pid1_is_the_compiled_my_init(container):
    result = exec_in(container, ["readlink", "/proc/1/exe"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "/usr/lib/my_init/my_init"
    # empty for the instant of the handover's exec (docs/my_init.md, boot step 7)
    cmdline = sleep_until(lambda: exec_in(container, ["cat", "/proc/1/cmdline"]).stdout, 10,
                          what="PID 1's command line").split("\0")
    assert cmdline[0] == "/sbin/my_init"


def test_init_links(container):
    # readlink without -f: each link's own target (testinfra's linked_to resolves the chain)
    for name in ("my_init", "setuser"):
        assert exec_in(container, ["readlink", "/sbin/" + name]).stdout == "/usr/lib/my_init/%s\n" % name
    # setuser is my_init's binary, which acts as setuser by the name it is run under
    assert exec_in(container, ["readlink", "/usr/lib/my_init/setuser"]).stdout == "my_init\n"


def test_no_python_added_to_the_base(containers, base_image):
    in_base = set(containers.run_once(["sh", "-c", LIST_PYTHONS], image=base_image).stdout.split())
    in_image = containers.run_once(["sh", "-c", LIST_PYTHONS])
    assert in_image.exit_code == 0, in_image.stderr
    added = set(in_image.stdout.split()) - in_base
    assert not added, "the image adds Python: %s" % sorted(added)
    # my_init carries no libpython of the system: nothing outside its dist is mapped.
    found = containers.run_once(["sh", "-c", "ls /usr/lib*/libpython* /usr/lib/*/libpython* 2>/dev/null; true"])
    in_base_libs = containers.run_once(
        ["sh", "-c", "ls /usr/lib*/libpython* /usr/lib/*/libpython* 2>/dev/null; true"], image=base_image)
    assert set(found.stdout.split()) <= set(in_base_libs.stdout.split())


# Debian and the minimal EL bases ship no Python: the image must not either (the builder
# stage installs its Python, and only the builder). The full EL bases ship it for dnf.
# (dpkg-query -W also lists packages that are known but not installed: status "un".)
LIST_PYTHON_PACKAGES = ("if command -v dpkg-query >/dev/null; then "
                        "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' 'python3*' 'libpython3*' 2>/dev/null"
                        " | while read -r status name; do case $status in i*) echo \"$name\" ;; esac; done; "
                        "else rpm -qa --qf '%{NAME}\\n' 'python3*' 'platform-python*'; fi; true")


def test_no_python3_in_the_image_when_the_base_has_none(containers, base_image):
    base_pythons = containers.run_once(["sh", "-c", LIST_PYTHONS + "; " + LIST_PYTHON_PACKAGES], image=base_image)
    if base_pythons.stdout.split():
        pytest.skip("%s ships Python (%s); test_no_python_added_to_the_base covers it"
                    % (base_image, " ".join(base_pythons.stdout.split()[:3])))
    in_image = containers.run_once(["sh", "-c", "command -v python3; " + LIST_PYTHONS + "; " + LIST_PYTHON_PACKAGES])
    assert in_image.exit_code == 0, in_image.stderr
    assert in_image.stdout.split() == []


def test_pid1_maps_no_python_library_from_outside_its_dist(container):
    maps = exec_in(container, ["cat", "/proc/1/maps"]).stdout
    libraries = {line.split()[-1] for line in maps.splitlines() if "/" in line.split()[-1]}
    pythonish = [path for path in libraries if "python" in path and not path.startswith("/usr/lib/my_init/")]
    assert not pythonish


def test_runsvdir_runs_under_my_init(host):
    runsvdirs = host.process.filter(comm="runsvdir")
    assert len(runsvdirs) == 1
    assert runsvdirs[0].ppid == 1
    assert runsvdirs[0].args == "runsvdir -P /etc/service"


def test_one_shot_command_prints_listing_and_messages(containers):
    result = containers.run_once(["/sbin/my_init", "--", "ls", "/"])
    assert result.exit_code == 0, result.stderr
    assert {"etc", "usr", "proc", "sbin"} <= set(result.stdout.split())
    for message in ("*** Booting runit daemon...",
                    "*** Running ls /...",
                    "*** ls / exited with exit code 0.",
                    "*** Shutting down runit daemon"):
        assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_quiet_one_shot_prints_only_the_command_output(containers):
    result = containers.run_once(["/sbin/my_init", "--skip-startup-files", "--quiet", "--", "echo", "hello"])
    assert result.exit_code == 0
    # runit services still run, but syslog-ng copies their messages (and its own start and
    # stop lines) to stderr: stdout holds exactly what the command printed.
    assert result.stdout == "hello\n", result.stdout
    assert "***" not in result.stderr


@pytest.mark.parametrize("command, expected", [
    ("exit 42", 42),
    ("kill -TERM $$", 143),  # killed by SIGTERM: 128 + 15
    ("exit 0", 0),
])
def test_container_exit_code_follows_the_main_command(containers, command, expected):
    result = containers.run_once(["/sbin/my_init", "--", "sh", "-c", command])
    assert result.exit_code == expected, result.stderr


def test_missing_command_exits_127_with_a_message(containers):
    result = containers.run_once(["/sbin/my_init", "--", "/no/such/command"])
    assert result.exit_code == 127
    assert "/no/such/command" in result.stderr


def test_docker_stop_ends_without_sigkill(container):
    state = stop_and_record(container, "default services")
    assert state["ExitCode"] == 0, "exit code %s (137 = SIGKILL); logs:\n%s" % (state["ExitCode"], logs(container))
    assert not state["OOMKilled"]


def test_environment_is_dumped_with_restricted_modes(containers):
    container = containers.booted(environment={"FOO": "bar", "HELLO": "my beautiful world"})
    host = host_of(container)

    directory = host.file("/etc/container_environment")
    assert directory.is_directory
    assert (directory.user, directory.group, directory.mode) == ("root", "root", 0o700)
    assert host.file("/etc/container_environment/FOO").content_string == "bar"
    assert host.file("/etc/container_environment/HELLO").content_string == "my beautiful world"

    for dump in ("/etc/container_environment.sh", "/etc/container_environment.json"):
        # Runtime state: the documented paths link to the dumps in /run (read-only roots).
        link = host.file(dump)
        assert link.is_symlink and link.linked_to == dump.replace("/etc/", "/run/"), dump
        file = host.file(link.linked_to)
        assert file.is_file, dump
        assert (file.user, file.group, file.mode) == ("root", "docker_env", 0o640), dump
    sourced = exec_in(container, '. /etc/container_environment.sh && printf "%s|%s" "$FOO" "$HELLO"')
    assert sourced.stdout == "bar|my beautiful world"
    dumped = json.loads(host.file("/etc/container_environment.json").content_string)
    assert dumped["FOO"] == "bar" and dumped["HELLO"] == "my beautiful world"
    assert host.group("docker_env").gid == 8377


def test_environment_dumps_are_not_readable_by_others(containers):
    container = containers.booted(environment={"SECRET": "s3cret"})
    for path in ("/etc/container_environment.sh", "/etc/container_environment.json",
                 "/etc/container_environment/SECRET"):
        result = exec_in(container, ["cat", path], user="nobody")
        assert result.exit_code != 0 and "s3cret" not in result.stdout, path


STARTUP_SCRIPT = """#!/bin/sh
echo "uid=$(id -u) FOO=$FOO" > /run/startup-script-ran
"""
SERVICE_RUN = """#!/bin/sh
echo "started $$" >> /run/crashy.log
exec sleep 1000
"""
README_EXAMPLE = """FROM {image}
RUN mkdir -p /etc/my_init.d /etc/service/crashy
COPY startup.sh /etc/my_init.d/50_startup.sh
COPY crashy.sh /etc/service/crashy/run
RUN chmod +x /etc/my_init.d/50_startup.sh /etc/service/crashy/run
"""


@pytest.fixture(scope="module")
def extended_image(image_builder):
    """The image extended the way the README shows: a startup script and a runit service."""
    return image_builder.build(README_EXAMPLE, {"startup.sh": STARTUP_SCRIPT, "crashy.sh": SERVICE_RUN})


def test_startup_script_in_my_init_d_runs(containers, extended_image):
    container = containers.booted(image=extended_image, environment={"FOO": "bar"})
    result = exec_in(container, ["cat", "/run/startup-script-ran"])
    assert result.exit_code == 0, logs(container)
    assert result.stdout.strip() == "uid=0 FOO=bar"
    assert "Running /etc/my_init.d/50_startup.sh" in logs(container)


def test_runit_service_starts_and_is_restarted_after_a_crash(containers, extended_image):
    container = containers.booted(image=extended_image)

    def service_pid():
        status = exec_in(container, ["sv", "status", "crashy"]).stdout
        # "run: crashy: (pid 42) 3s" once it runs
        if status.startswith("run: ") and "(pid " in status:
            return int(status.split("(pid ")[1].split(")")[0])
        return None

    first = sleep_until(service_pid, 15, what="the crashy service to run")
    assert exec_in(container, ["kill", "-KILL", str(first)]).exit_code == 0
    second = sleep_until(lambda: (service_pid() or first) != first and service_pid(), 15,
                         what="runit to restart the crashy service")
    assert second != first
    starts = exec_in(container, ["cat", "/run/crashy.log"]).stdout.splitlines()
    assert starts == ["started %d" % first, "started %d" % second]


def test_runs_as_a_non_root_user(containers):
    result = containers.run_once(["/sbin/my_init", "--", "id", "-u"], user="65534:65534")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "65534"
    assert "Traceback" not in result.stderr


def test_default_command_as_a_non_root_user_ends_cleanly(containers):
    """The default CMD as non-root must not crash (upstream #571). Whether my_init then
    idles or ends is the init's choice (runit cannot supervise unwritable /etc/service):
    either way the container ends with 0, by itself or on `docker stop`."""
    container = containers.start(user="65534:65534")
    try:
        container.wait(timeout=5)
    except Exception:  # still running: stop it the way Docker does
        container.stop(timeout=10)
    container.reload()
    assert container.attrs["State"]["ExitCode"] == 0, logs(container)
    assert "Traceback" not in logs(container)


COPY_FROM = """FROM {base_image}
COPY --from={image} /usr/lib/my_init /usr/lib/my_init
RUN ln -s /usr/lib/my_init/my_init /sbin/my_init
"""


@pytest.fixture(scope="module")
def copied_init_image(image_builder):
    """The plain base with only the init copied in, as the README shows: no runit."""
    return image_builder.build(COPY_FROM)


def test_init_copied_into_the_plain_base_runs(containers, copied_init_image):
    result = containers.run_once(["/sbin/my_init", "--", "true"], image=copied_init_image)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_init_copied_into_the_plain_base_runs_without_runit(containers, copied_init_image):
    result = containers.run_once(["/sbin/my_init", "--skip-runit", "--", "sh", "-c", "exit 3"],
                                 image=copied_init_image)
    assert result.exit_code == 3, result.stderr
    setuser = containers.run_once(["/usr/lib/my_init/setuser", "nobody", "id", "-un"], image=copied_init_image)
    assert (setuser.exit_code, setuser.stdout.strip()) == (0, "nobody"), setuser.stderr


def test_image_metadata(image_attrs):
    config = image_attrs["Config"]
    assert config["Cmd"] == ["/sbin/my_init"]
    labels = config.get("Labels") or {}
    with open(os.path.join(ROOT, "VERSION")) as file:
        version = file.read().strip()
    if labels.get("org.opencontainers.image.version") != "dev":
        assert labels.get("org.opencontainers.image.version") == version
    assert labels.get("org.opencontainers.image.title") == "baseimage-centos"


def test_no_build_secrets_in_the_image_history(docker_client, image):
    for layer in docker_client.images.get(image).history():
        created_by = layer.get("CreatedBy") or ""
        assert "pip-ca" not in created_by and "PIP_INDEX_URL" not in created_by, created_by


def test_builder_image_holds_only_the_output_directory(docker_client, builder_image):
    """The tagged builder keeps /out and nothing else: no CA bundle, no index URL."""
    builder = docker_client.images.get(builder_image)
    for layer in builder.history():
        created_by = layer.get("CreatedBy") or ""
        assert "pip-ca" not in created_by and "PIP_INDEX_URL" not in created_by, created_by
    container = docker_client.containers.create(builder_image, command=["none"])
    try:
        with tempfile.TemporaryFile() as export:
            for chunk in container.export():
                export.write(chunk)
            export.seek(0)
            with tarfile.open(fileobj=export) as archive:
                names = [name[2:] if name.startswith("./") else name for name in archive.getnames()]
    finally:
        container.remove(force=True)
    contents = [name for name in names if name and not name.startswith(("dev", "etc", "proc", "sys"))
                and name not in (".dockerenv",)]
    assert all(name == "out" or name.startswith("out/") for name in contents), contents
    for tool in ("runsvdir", "runsv", "sv", "svlogd", "chpst"):
        assert "out/runit/" + tool in names
    assert "out/my_init/my_init" in names


def test_build_leaves_no_build_files_or_package_caches(containers):
    listing = containers.run_once(
        ["sh", "-c", "ls -A /tmp/image /var/lib/apt/lists /var/cache/apt/archives /var/cache/dnf 2>/dev/null; "
                     "ls -d /tmp/image 2>/dev/null; true"])
    leftovers = [line for line in listing.stdout.split()
                 if line.endswith((".deb", ".rpm", "_Packages", ".solv")) or line == "/tmp/image"]
    assert not leftovers
