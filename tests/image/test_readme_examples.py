"""The documentation's examples, run as written (read from README.md, CHANGELOG.md and
docs/*.md by readme_examples.py): every fenced sh, dockerfile and crontab block is either
run here or marked `untested: REASON` where it stands. Substitutions are the placeholders the README declares
(`baseimage-centos:1.0.0` / `IMAGE`: the image under test; `CONTAINER`: a running
container) plus, per test, names that must be unique on a shared engine and the few
stand-ins each test names (e.g. the base the image was built on for `almalinux:10`).

Shell examples run with bash on the test host (`-eu -o pipefail`), in a temporary
directory with HOME pointing at another, and the host tools on PATH."""

import os
import subprocess
import time
import uuid

import docker.errors
import pytest

from image_helpers import accepts_connections, exec_in, ip_address, logs, ssh, wait_for_services
from paths import ROOT, documents
from readme_examples import examples, unmarked, untested
from test_services import marker, private_key_copy
from waiting import sleep_until

TESTED = {
    "getting-started", "one-shot", "quiet-one-shot", "memcached-run", "memcached-service",
    "startup-script", "docker-env-group", "open-environment", "cron-file", "cron-report",
    "docker-exec", "enable-ssh-at-boot", "own-key", "own-key-ssh", "insecure-key-container",
    "insecure-key-image", "locale-debian", "leave-services-out", "upgrade-debian", "init-only",
    "init-only-runit", "ssh-client-debian",
}
README_IMAGE = "baseimage-centos:1.0.0"


def readme(name):
    assert name in TESTED, "add %s to TESTED" % name
    found = examples()
    assert name in found, "no document has a block marked example=%s" % name
    return found[name]


def image_text(name, image, words=()):
    """An example with the image placeholders it has replaced, and the given words."""
    example = readme(name)
    exact = [(README_IMAGE, image)] if README_IMAGE in example.code else []
    words = list(words) + ([("IMAGE", image)] if "IMAGE" in example.code else [])
    return example.text(exact, words)


def dockerfile(name, image, prelude=""):
    """A Dockerfile example; snippets without FROM are put on the image under test."""
    text = image_text(name, image)
    if not text.lstrip().upper().startswith("FROM"):
        text = "FROM %s\n%s%s" % (image, prelude, text)
    return text


@pytest.fixture
def shell(tmp_path, host_tools):
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()

    def run(code, input=None, env=None, cwd=None, timeout=600):
        environment = dict(os.environ, HOME=str(home), PATH="%s:%s" % (host_tools, os.environ["PATH"]))
        # As typed in a fresh shell: not inside `make test`, whose command-line variables
        # (e.g. NAME=...) would reach a `make` in the example through MAKEFLAGS.
        for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
            environment.pop(name, None)
        environment.update(env or {})
        return subprocess.run(["bash", "-eu", "-o", "pipefail", "-c", code], cwd=str(cwd or work),
                              input=input if input is not None else "", env=environment,
                              capture_output=True, text=True, timeout=timeout)

    run.home, run.work = home, work
    return run


@pytest.fixture
def named_containers(docker_client):
    """Names for containers an example creates itself; removed at teardown."""
    names = []

    def make(prefix):
        names.append("baseimage-centos-test-%s-%s" % (prefix, uuid.uuid4().hex[:8]))
        return names[-1]

    yield make
    for name in names:
        try:
            docker_client.containers.get(name).remove(force=True, v=True)
        except docker.errors.NotFound:
            pass


def distro_family(containers, image):
    release = containers.run_once(["cat", "/etc/os-release"], image=image).stdout
    return "debian" if "ID=debian" in release or "ID_LIKE=debian" in release else "el"


# -- the markers themselves -------------------------------------------------------------

def test_every_example_is_marked_and_every_marked_example_is_tested():
    assert [block.where for block in unmarked()] == [], "blocks without example=NAME or untested: REASON"
    assert set(examples()) == TESTED
    for block in untested():
        assert len(block.untested_reason) > 10, "%s: say why it cannot run" % block.where


def test_examples_are_read_from_every_document(tmp_path):
    names = {os.path.relpath(path, ROOT) for path in documents()}
    assert {"README.md", "ARCHITECTURE.md", "CHANGELOG.md", "docs/my_init.md", "docs/building.md",
            "docs/benchmark.md", "docs/testing.md"} <= names
    page = tmp_path / "page.md"
    page.write_text("- a list item\n\n  ```sh\n  echo unmarked\n  ```\n\n"
                    "```dockerfile untested: a reason long enough\nRUN true\n```\n\n```text\nnot an example\n```\n")
    assert [block.line for block in unmarked([str(page)])] == [3]
    assert [block.line for block in untested([str(page)])] == [7]


# -- getting started ---------------------------------------------------------------------

def test_getting_started(image_builder, containers, image):
    tag = image_builder.build(dockerfile("getting-started", image))
    container = containers.booted(image=tag)
    assert container.attrs["Config"]["Cmd"] == ["/sbin/my_init"]


def test_one_shot(shell, image):
    result = shell(image_text("one-shot", image))
    assert result.returncode == 0, result.stderr
    assert {"etc", "usr", "sbin"} <= set(result.stdout.split())
    assert "*** Running ls /..." in result.stderr


def test_quiet_one_shot_output_holds_only_the_command_output(shell, image):
    result = shell(image_text("quiet-one-shot", image))
    assert result.returncode == 0, result.stderr
    assert (shell.work / "out.txt").read_text() == "DATA\n"
    assert result.stdout == "DATA\n"


# -- services and startup scripts -----------------------------------------------------------

def test_memcached_service(image_builder, containers, image):
    family = distro_family(containers, image)
    install = ("RUN apt-get update && apt-get install -y --no-install-recommends memcached "
               "&& rm -rf /var/lib/apt/lists/*\n" if family == "debian"
               else "RUN dnf -y install memcached && dnf clean all\n")
    user = "memcache" if family == "debian" else "memcached"  # as the README's comment says
    run_script = readme("memcached-run").text([("setuser memcache ", "setuser %s " % user)])
    tag = image_builder.build(dockerfile("memcached-service", image, prelude=install),
                              {"memcached.sh": run_script})
    container = containers.booted(image=tag)
    running_as = sleep_until(lambda: exec_in(container, ["ps", "-o", "user=", "-C", "memcached"]).stdout.strip(),
                             20, what=lambda: "memcached running; logs:\n%s" % logs(container))
    assert running_as == user


def test_startup_script(image_builder, containers, image):
    script = "#!/bin/sh\necho \"set up by $0\" > /run/startup-example\n"
    tag = image_builder.build(dockerfile("startup-script", image), {"set-timezone.sh": script})
    container = containers.booted(image=tag)
    assert exec_in(container, ["cat", "/run/startup-example"]).stdout == \
        "set up by /etc/my_init.d/10-set-timezone.sh\n"


# -- environment ---------------------------------------------------------------------------

def test_docker_env_group_member_reads_the_dumps_not_the_directory(image_builder, containers, image):
    tag = image_builder.build(dockerfile("docker-env-group", image, prelude="RUN useradd -m app\n"))
    secret = marker("secret")
    container = containers.booted(image=tag, environment={"SECRET": secret})
    for dump in ("/etc/container_environment.sh", "/etc/container_environment.json"):
        assert secret in exec_in(container, ["cat", dump], user="app").stdout, dump
        assert exec_in(container, ["cat", dump], user="nobody").exit_code != 0, dump
    assert exec_in(container, ["ls", "/etc/container_environment"], user="app").exit_code != 0


def test_open_environment_is_readable_by_everyone(image_builder, containers, image):
    tag = image_builder.build(dockerfile("open-environment", image))
    value = marker("open")
    container = containers.booted(image=tag, environment={"OPEN_VAR": value})
    for path in ("/etc/container_environment.sh", "/etc/container_environment.json",
                 "/etc/container_environment/OPEN_VAR"):
        result = exec_in(container, ["cat", path], user="nobody")
        assert result.exit_code == 0 and value in result.stdout, (path, result.stderr)


# -- cron ----------------------------------------------------------------------------------

def test_cron_jobs_run_see_the_environment_and_their_output_reaches_docker_logs(image_builder, containers, image):
    cleanup_out, cleanup_err, value = marker("cleanup-out"), marker("cleanup-err"), marker("report")
    # The README's report runs every 5 minutes; every minute keeps the test short.
    report_line = readme("cron-report").text([("*/5 * * * *", "* * * * *")])
    text = dockerfile("cron-file", image) + (
        "COPY report /etc/cron.d/report\nCOPY report.sh /usr/local/bin/report\n"
        "RUN chmod 0644 /etc/cron.d/report && chmod 0755 /usr/local/bin/report\n")
    files = {
        # A job that fails: its stdout and stderr must both show.
        "cleanup.cron": "* * * * * root echo %s; echo %s >&2; exit 1\n" % (cleanup_out, cleanup_err),
        "report": report_line,
        "report.sh": "#!/bin/sh\necho \"report sees $REPORT_VAR\"\n",
    }
    container = containers.booted(image=image_builder.build(text, files), environment={"REPORT_VAR": value})
    wanted = (cleanup_out, cleanup_err, "report sees %s" % value)
    sleep_until(lambda: all(text in logs(container) for text in wanted), 75, interval=1,
                what=lambda: "%s in docker logs; logs:\n%s" % (wanted, logs(container)))
    cron_log = exec_in(container, ["cat", "/var/log/cron.log"]).stdout
    assert all(text in cron_log for text in wanted), cron_log
    assert "No MTA installed" not in logs(container)


# -- logging in -----------------------------------------------------------------------------

def test_docker_exec_sv_status_expands_in_the_container(shell, container):
    result = shell(readme("docker-exec").text(words=[("CONTAINER", container.id)]))
    assert result.returncode == 0, result.stderr
    for service in ("cron", "sshd", "syslog-ng"):
        assert "/etc/service/%s:" % service in result.stdout, result.stdout


def test_enable_ssh_at_boot_with_a_mounted_my_init_d(shell, named_containers, docker_client, image):
    name = named_containers("web")
    result = shell(image_text("enable-ssh-at-boot", image, words=[("web", name)]))
    assert result.returncode == 0, result.stderr
    container = docker_client.containers.get(name)
    wait_for_services(container, ["sshd"], timeout=30)
    address = ip_address(container)
    sleep_until(lambda: accepts_connections(address), 30, what=lambda: "sshd listening; logs:\n%s" % logs(container))
    # Up for good, not restarting: the same process a moment later.
    first = exec_in(container, ["sv", "status", "/etc/service/sshd"]).stdout.split("(pid ")[1].split(")")[0]
    time.sleep(2)
    again = exec_in(container, ["sv", "status", "/etc/service/sshd"]).stdout
    assert "(pid %s)" % first in again, again
    assert "not found" not in logs(container)


def test_own_key_image_and_plain_ssh(shell, image_builder, containers, image):
    ssh_dir = shell.home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh_dir / "id_ed25519")], check=True)
    tag = image_builder.build(dockerfile("own-key", image),
                              {"id_ed25519.pub": (ssh_dir / "id_ed25519.pub").read_text()})
    container = containers.booted(image=tag)
    sleep_until(lambda: accepts_connections(ip_address(container)), 30,
                what=lambda: "sshd listening; logs:\n%s" % logs(container))
    login = marker("login")
    # The first ssh is an interactive login; here its shell reads commands from stdin.
    result = shell(readme("own-key-ssh").text(words=[("CONTAINER", container.id)]),
                   input="echo %s\nexit\n" % login)
    assert result.returncode == 0, result.stderr
    assert login in result.stdout
    assert "run: /etc/service/cron" in result.stdout
    assert not (shell.home / ".ssh" / "known_hosts").exists()


def test_insecure_key_container_with_docker_ssh(shell, named_containers, image):
    name = named_containers("dev")
    login = marker("login")
    result = shell(image_text("insecure-key-container", image, words=[("dev", name)]),
                   input="echo %s\nexit\n" % login)
    assert result.returncode == 0, result.stderr
    assert login in result.stdout


def test_insecure_key_development_image(image_builder, containers, image, tmp_path):
    tag = image_builder.build(dockerfile("insecure-key-image", image))
    container = containers.booted(image=tag)
    address = ip_address(container)
    sleep_until(lambda: accepts_connections(address), 30, what=lambda: "sshd listening; logs:\n%s" % logs(container))
    result = ssh(address, private_key_copy(tmp_path), "id", "-un")
    assert (result.returncode, result.stdout.strip()) == (0, "root"), result.stderr


# -- locale, build, upgrade, the init alone ---------------------------------------------------

def test_locale_debian(image_builder, containers, image):
    if distro_family(containers, image) != "debian":
        pytest.skip("the example is Debian's (locale-gen); the EL one is marked untested")
    tag = image_builder.build(dockerfile("locale-debian", image))
    result = containers.run_once(["/sbin/my_init", "--quiet", "--skip-runit", "--", "locale"], image=tag)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "LANG=de_DE.UTF-8" in result.stdout and "LANGUAGE=de_DE:de" in result.stdout
    assert 'LC_CTYPE="de_DE.UTF-8"' in result.stdout


def test_ssh_client_debian_puts_the_client_programs_back(image_builder, containers, image):
    if distro_family(containers, image) != "debian":
        pytest.skip("the example is Debian's (apt-get); the EL one is marked untested")
    missing = containers.run_once(["sh", "-c", "command -v ssh"], image=image)
    assert missing.exit_code != 0, "the image has an ssh client already: %s" % missing.stdout
    tag = image_builder.build(dockerfile("ssh-client-debian", image))
    programs = 'for p in ssh sftp ssh-agent ssh-add ssh-keyscan; do command -v "$p" || exit 1; done; ssh -V'
    result = containers.run_once(["sh", "-c", programs], image=tag)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(result.stdout.split()) == 5 and result.stderr.startswith("OpenSSH_")


@pytest.mark.timeout(1800)  # the README's build may start from scratch (1200-s limit below)
def test_leave_services_out_builds_tagged_stripped_images(shell, docker_client, containers, image,
                                                          base_image, builder_image):
    name = "baseimage-centos-test-stripped-%s" % uuid.uuid4().hex[:8]
    version = image.rpartition(":")[2]
    plain = "%s-plain:nossh" % name
    code = readme("leave-services-out").text([
        ("my-image:nossh", plain),
        # The Dockerfile's BASE_IMAGE has no default (defaults.env is its home) and CI's
        # builder is not baseimage-centos-builder:latest: a plain docker build is told both.
        ("docker build ", "docker build --build-arg BASE_IMAGE=%s --build-arg BUILDER_IMAGE=%s "
         % (base_image, builder_image)),
    ])
    no_ssh, no_syslog_cron = "%s:%s-nossh" % (name, version), "%s:%s-nosyslog-nocron" % (name, version)
    environment = {"NAME": name, "VERSION": version, "BASE_IMAGE": base_image, "BUILDER_IMAGE": builder_image}
    try:
        result = shell(code, env=environment, cwd=ROOT, timeout=1200)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        # Only this name's tags: an identical image built at the same time by another run
        # (same layers, same ID) carries that run's tags as well.
        tags = {tag for listed in docker_client.images.list(name=name) for tag in listed.tags
                if tag.startswith(name + ":")}
        assert tags == {no_ssh, no_syslog_cron}, "the full image must not be (over)written: %s" % tags

        for tag, absent, present in ((no_ssh, ("sshd", "enable_insecure_key"), ("cron", "syslog-ng")),
                                     (plain, ("sshd", "enable_insecure_key"), ("cron", "syslog-ng")),
                                     (no_syslog_cron, ("syslog-ng", "logrotate", "cron"), ("sshd",))):
            container = containers.booted(image=tag)
            services = exec_in(container, "ls /etc/service").stdout.split()
            for program in absent:
                assert exec_in(container, ["sh", "-c", "command -v " + program]).exit_code != 0, (tag, program)
            for service in present:
                assert service in services, (tag, services)
            assert ("sshd" in services) == (tag == no_syslog_cron), (tag, services)
            assert containers.run_once(["/sbin/my_init", "--", "true"], image=tag).exit_code == 0
    finally:
        for tag in (no_ssh, no_syslog_cron, plain):
            try:
                docker_client.images.remove(tag, force=True)
            except docker.errors.ImageNotFound:
                pass


def test_plain_docker_build_finds_the_builder_make_build_tags():
    """The Dockerfile's default BUILDER_IMAGE is a tag tools/build-image.sh creates for the
    default NAME (the README's `docker build .` after `make build`)."""
    with open(os.path.join(ROOT, "Dockerfile")) as file:
        defaults = [line.split("=", 1)[1].strip() for line in file if line.startswith("ARG BUILDER_IMAGE=")]
    with open(os.path.join(ROOT, "tools", "build-image.sh")) as file:
        script = file.read()
    assert defaults == ["baseimage-centos-builder:latest"]
    assert "name=${NAME:-baseimage-centos}" in script
    assert '-t "$name-builder:latest"' in script


def test_upgrade_debian_leaves_nothing_to_upgrade(image_builder, containers, image):
    if distro_family(containers, image) != "debian":
        pytest.skip("the example is Debian's (apt-get); the EL one is marked untested")
    tag = image_builder.build(dockerfile("upgrade-debian", image))
    pending = containers.run_once(["sh", "-c", "apt-get update -qq && apt-get -s upgrade"], image=tag, timeout=300)
    assert pending.exit_code == 0, pending.stderr
    assert [line for line in pending.stdout.splitlines() if line.startswith("Inst ")] == []


def test_debian_base_lists_the_updates_and_security_suites(containers, image):
    """Without them `apt-get upgrade` (above) finds nothing to do however old the packages
    are: a base made by an older `make base` must be remade (make base does it)."""
    if distro_family(containers, image) != "debian":
        pytest.skip("EL bases enable their update repositories themselves")
    sources = containers.run_once(
        ["sh", "-c", "cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null; true"]).stdout
    codename = containers.run_once(["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"]).stdout.strip()
    for suite in ("%s-updates" % codename, "%s-security" % codename):
        assert suite in sources, "%s missing from the image's apt sources:\n%s" % (suite, sources)


def test_init_only_in_another_image(image_builder, containers, image, base_image):
    # The example's almalinux:10 stands for the base the image was built on (the init
    # needs that distribution's glibc); `uname` for your command.
    text = readme("init-only").text([("almalinux:10", base_image), (README_IMAGE, image),
                                     ('"your-command"', '"uname"')])
    tag = image_builder.build(text)
    default = containers.run_once(None, image=tag)
    assert (default.exit_code, default.stdout) == (0, "Linux\n"), default.stderr
    other = containers.run_once(["echo", "other"], image=tag)
    assert (other.exit_code, other.stdout) == (0, "other\n"), other.stderr
    quiet = containers.run_once(["--quiet", "--", "echo", "quiet"], image=tag)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "quiet\n", "")


def test_init_only_with_runit_in_another_image(image_builder, containers, image, base_image):
    """The image's runit programs copied beside the init supervise a service in another
    image of the base (they are static: any base of the architecture would do)."""
    text = readme("init-only-runit").text([("almalinux:10", base_image), (README_IMAGE, image)])
    run = "#!/bin/sh\necho service up\ntouch /run/your-service.up\nexec sleep 1000\n"
    check = "#!/bin/sh\ntest -e /run/your-service.up\n"
    tag = image_builder.build(text, {"your-service/run": (run, 0o755), "your-service/check": (check, 0o755)})
    container = containers.start(None, image=tag)
    # sv fails until runsvdir has started the service's runsv, a moment after boot.
    checked = []
    sleep_until(lambda: checked.append(exec_in(container, ["sv", "-w", "5", "check", "/etc/service/your-service"]))
                or checked[-1].exit_code == 0, 20, what=lambda: "sv check to pass: %s" % (checked[-1:],))
    assert checked[-1].stdout.startswith("ok: run: /etc/service/your-service: (pid "), checked[-1]
    container.stop(timeout=10)
    container.reload()
    assert container.attrs["State"]["ExitCode"] == 0, container.logs().decode()
    assert "service up" in container.logs().decode()
