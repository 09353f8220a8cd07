"""The image's services and administration tools, against running containers: syslog-ng
to docker logs (with and without a TTY, and during shutdown), logrotate, cron and the
container environment, sshd (down by default, keys only, per-container host keys, the
insecure key only on request), setuser, the locale, the DISABLE_* build arguments and the
host tools docker-bash / docker-ssh. See conftest.py for the fixtures.

The ssh cases run the host's `ssh` client against the container's IP address (the test
host must reach the default bridge network, as it does for a local engine)."""

import io
import os
import shutil
import subprocess
import tarfile
import time
import uuid

import pytest

from image_helpers import (
    SSH_OPTIONS,
    accepts_connections,
    exec_in,
    ip_address,
    logs,
    ssh,
    wait_for_boot,
    wait_for_services,
)
from paths import ROOT
from waiting import sleep_until

INSECURE_KEY = os.path.join(ROOT, "image", "services", "sshd", "keys", "insecure_key")
SERVICES = ("syslog-ng", "cron", "sshd")


# -- helpers ----------------------------------------------------------------------

def marker(name):
    return "%s-%s" % (name, uuid.uuid4().hex[:12])


def start_sshd(container):
    result = exec_in(container, ["sv", "up", "/etc/service/sshd"])
    assert result.exit_code == 0, result.stdout + result.stderr
    address = ip_address(container)
    # Host keys are generated first (rsa 3072 takes a moment).
    sleep_until(lambda: accepts_connections(address), 30,
                what=lambda: "sshd listening on %s:22; logs:\n%s" % (address, logs(container)))
    return address


def private_key_copy(tmp_path, source=INSECURE_KEY):
    """ssh refuses a private key others can read; the checkout's copy is 0644."""
    path = tmp_path / ("key-" + uuid.uuid4().hex[:8])
    shutil.copyfile(source, path)
    os.chmod(path, 0o600)
    return str(path)


def put_files(container, files):
    """Copy {absolute path: (text, mode)} into a created (or running) container."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for path, (text, mode) in files.items():
            data = text.encode()
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size, info.mode, info.mtime = len(data), mode, int(time.time())
            tar.addfile(info, io.BytesIO(data))
    assert container.put_archive("/", archive.getvalue())


def in_logs(container, text):
    return text in container.logs(stdout=True, stderr=True).decode("utf-8", "replace")


# -- syslog-ng ----------------------------------------------------------------------

@pytest.mark.parametrize("tty", [False, True], ids=["no-tty", "tty"])
def test_logger_message_reaches_docker_logs(containers, tty):
    container = containers.booted(tty=tty)
    wait_for_services(container, ["syslog-ng"])
    message = marker("logger-probe")
    result = exec_in(container, ["logger", "-t", "probe", message])
    assert result.exit_code == 0, result.stderr
    sleep_until(lambda: in_logs(container, message), 5,
                what=lambda: "%r in docker logs within 5 s; logs:\n%s" % (message, logs(container)))
    assert message in exec_in(container, ["cat", "/var/log/syslog"]).stdout


def test_syslog_ng_listens_only_on_dev_log(container):
    wait_for_services(container, ["syslog-ng"])
    config = exec_in(container, ["cat", "/etc/syslog-ng/syslog-ng.conf"]).stdout
    assert 'unix-dgram("/dev/log")' in config
    for other_source in ("network(", "syslog(", "udp(", "tcp(", "system(", "unix-stream("):
        assert other_source not in config
    assert exec_in(container, ["test", "-S", "/dev/log"]).exit_code == 0
    # No TCP socket listening and no UDP socket at all in the container (sshd is down).
    for table, state in (("tcp", "0A"), ("tcp6", "0A"), ("udp", None), ("udp6", None)):
        rows = exec_in(container, ["cat", "/proc/net/" + table]).stdout.splitlines()[1:]
        bound = [row for row in rows if state is None or row.split()[3] == state]
        assert bound == [], "%s: %s" % (table, bound)


def test_message_logged_during_shutdown_reaches_docker_logs(docker_client, image):
    """A service that logs while it stops (after TERM, and from ./finish) must still find
    syslog-ng running: the init stops syslog-ng (`stop-last`) after the other services."""
    stopping, finishing = marker("stopping"), marker("finishing")
    run = ("#!/bin/bash\n"
           "trap 'sleep 1; logger -t slowstop %s; exit 0' TERM\n"
           "touch /tmp/slowstop-ready\n"
           "sleep infinity &\nwait\n" % stopping)
    finish = "#!/bin/sh\nlogger -t slowstop %s\n" % finishing
    container = docker_client.containers.create(image)
    try:
        put_files(container, {"/etc/service/slowstop/run": (run, 0o755),
                              "/etc/service/slowstop/finish": (finish, 0o755)})
        container.start()
        wait_for_boot(container)
        wait_for_services(container, ["syslog-ng"])
        sleep_until(lambda: exec_in(container, ["test", "-e", "/tmp/slowstop-ready"]).exit_code == 0, 15,
                    what="the slowstop service started")
        container.stop(timeout=20)
        output = logs(container)
        assert stopping in output, output
        assert finishing in output, output
        container.reload()
        assert container.attrs["State"]["ExitCode"] != 137, output
    finally:
        container.remove(force=True)


# -- logrotate ------------------------------------------------------------------------

def test_logrotate_accepts_the_config_and_runs_daily(container):
    result = exec_in(container, ["logrotate", "-d", "/etc/logrotate.conf"])
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output
    assert "error" not in output.lower(), output
    assert "/var/log/syslog" in output
    assert exec_in(container, ["test", "-x", "/etc/cron.daily/logrotate"]).exit_code == 0


def test_logrotate_rotates_and_syslog_ng_reopens(container):
    wait_for_services(container, ["syslog-ng"])
    before, after = marker("before-rotation"), marker("after-rotation")
    assert exec_in(container, ["logger", before]).exit_code == 0
    sleep_until(lambda: before in exec_in(container, ["cat", "/var/log/syslog"]).stdout, 5,
                what="%s in /var/log/syslog" % before)
    result = exec_in(container, ["logrotate", "-f", "/etc/logrotate.d/syslog-ng"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert before in exec_in(container, ["cat", "/var/log/syslog.1"]).stdout
    assert exec_in(container, ["logger", after]).exit_code == 0
    sleep_until(lambda: after in exec_in(container, ["cat", "/var/log/syslog"]).stdout, 5,
                what="%s in the new /var/log/syslog (syslog-ng reopened it)" % after)


# -- cron --------------------------------------------------------------------------

def test_cron_runs_in_the_foreground_under_runit(container):
    wait_for_services(container, ["cron"])
    status = exec_in(container, ["sv", "status", "/etc/service/cron"]).stdout
    pid = status.split("(pid ")[1].split(")")[0]
    # The run script waits for syslog-ng's check, then execs cron in the same process.
    sleep_until(lambda: exec_in(container, ["cat", "/proc/%s/comm" % pid]).stdout.strip() in ("cron", "crond"),
                15, what="the cron service's process to exec cron")
    parent = exec_in(container, ["sh", "-c", "ps -o comm= -p $(ps -o ppid= -p %s)" % pid]).stdout.strip()
    assert parent == "runsv"


def test_cron_job_sees_the_container_environment(containers):
    """A job scheduled for the next minute runs (PAM lets it: pam_loginuid neutralised)
    and gets the `docker run -e` variables by sourcing /etc/container_environment.sh."""
    value = marker("cron-value")
    container = containers.booted(environment={"CRON_PROBE": value})
    wait_for_services(container, ["cron"])
    job = ("SHELL=/bin/sh\n"
           "* * * * * root . /etc/container_environment.sh && echo \"$CRON_PROBE\" > /tmp/cron-probe\n")
    put_files(container, {"/etc/cron.d/probe": (job, 0o644)})
    sleep_until(lambda: exec_in(container, ["cat", "/tmp/cron-probe"]).stdout.strip(), 70, interval=1,
                what=lambda: "the cron job's output; logs:\n%s" % logs(container))
    assert exec_in(container, ["cat", "/tmp/cron-probe"]).stdout.strip() == value


# -- sshd ---------------------------------------------------------------------------

def test_sshd_is_down_by_default_and_nobody_can_log_in(container):
    status = exec_in(container, ["sv", "status", "/etc/service/sshd"]).stdout
    assert status.startswith("down:"), status
    assert exec_in(container, ["test", "-e", "/etc/service/sshd/down"]).exit_code == 0
    assert not accepts_connections(ip_address(container))
    assert exec_in(container, ["sh", "-c", "ls /etc/ssh/ssh_host_* 2>/dev/null"]).stdout == ""
    assert exec_in(container, ["test", "-e", "/root/.ssh/authorized_keys"]).exit_code != 0


def test_insecure_key_logs_in_when_requested_and_passwords_are_refused(containers, tmp_path):
    container = containers.booted(["/sbin/my_init", "--enable-insecure-key"])
    address = start_sshd(container)
    key = private_key_copy(tmp_path)

    result = ssh(address, key, "echo", "hello", "from", "$(uname -n)")
    assert result.returncode == 0, result.stderr
    container.reload()
    assert result.stdout.strip() == "hello from %s" % container.attrs["Config"]["Hostname"]

    # The server offers public keys only: no password, no keyboard-interactive.
    refused = subprocess.run(
        ["ssh"] + SSH_OPTIONS + ["-o", "PubkeyAuthentication=no",
                                 "-o", "PreferredAuthentications=password,keyboard-interactive",
                                 "root@" + address, "true"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 255
    assert "Permission denied (publickey)" in refused.stderr, refused.stderr
    config = exec_in(container, ["sshd", "-T"]).stdout.lower()
    for setting in ("passwordauthentication no", "kbdinteractiveauthentication no",
                    "authenticationmethods publickey"):
        assert setting in config


def test_insecure_key_is_refused_unless_requested(containers, tmp_path):
    container = containers.booted()
    address = start_sshd(container)
    result = ssh(address, private_key_copy(tmp_path), "true")
    assert result.returncode == 255
    assert "Permission denied" in result.stderr, result.stderr


def test_own_key_logs_in(containers, tmp_path):
    container = containers.booted()
    key = str(tmp_path / "own_key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    with open(key + ".pub") as file:
        public = file.read()
    put_files(container, {"/root/.ssh/authorized_keys": (public, 0o600)})
    exec_in(container, "chmod 700 /root/.ssh")
    address = start_sshd(container)
    result = ssh(address, key, "id", "-un")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "root"


def test_only_the_server_side_of_openssh_is_installed(container):
    # Debian's openssh-server pulls in openssh-client: the image keeps only its ssh-keygen
    # and scp. EL's openssh-server does not need openssh-clients, which is not installed.
    listing = exec_in(container, "if command -v dpkg >/dev/null; then "
                                 "dpkg -L openssh-client | while read -r f; do "
                                 '[ -f "$f" ] && [ -x "$f" ] && echo "$f"; done; '
                                 "else rpm -q openssh-clients >/dev/null && echo openssh-clients; fi; true")
    is_debian = exec_in(container, ["sh", "-c", "command -v dpkg"]).exit_code == 0
    assert sorted(listing.stdout.split()) == (["/usr/bin/scp", "/usr/bin/ssh-keygen"] if is_debian else [])
    found = exec_in(container, ["sh", "-c", 'for p in ssh sftp ssh-agent ssh-keyscan; do command -v "$p"; done; true'])
    assert found.stdout == ""
    assert exec_in(container, ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "/tmp/probe"]).exit_code == 0


def test_files_copy_with_sftp_and_both_scp_protocols(containers, tmp_path):
    container = containers.booted(["/sbin/my_init", "--enable-insecure-key"])
    address = start_sshd(container)
    key = private_key_copy(tmp_path)
    source = tmp_path / "payload.txt"
    source.write_text("payload\n")
    target = "root@%s:/root/" % address
    # OpenSSH 9's scp speaks SFTP (sftp-server); `-O` is the original protocol, which runs
    # scp in the container (clients before OpenSSH 9.0 only speak that one): Debian keeps
    # scp, EL has it only in openssh-clients, which the image does not install (README).
    is_debian = exec_in(container, ["sh", "-c", "command -v dpkg"]).exit_code == 0
    for name, command in (("sftp", ["sftp", "-b", "-"]), ("scp", ["scp"]), ("scp-O", ["scp", "-O"])):
        copied = "%s.txt" % name
        if name == "sftp":
            result = subprocess.run(command + ["-i", key] + SSH_OPTIONS + ["root@" + address],
                                    input="put %s /root/%s\n" % (source, copied),
                                    capture_output=True, text=True, timeout=60)
        else:
            result = subprocess.run(command + ["-i", key] + SSH_OPTIONS + [str(source), target + copied],
                                    stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if name == "scp-O" and not is_debian:
            assert result.returncode != 0 and exec_in(container, ["test", "-e", "/root/" + copied]).exit_code != 0
            continue
        assert result.returncode == 0, "%s: %s" % (name, result.stderr)
        assert exec_in(container, ["cat", "/root/" + copied]).stdout == "payload\n", name


def test_host_keys_are_modern_and_differ_between_containers(containers):
    fingerprints = []
    for _ in range(2):
        container = containers.booted()
        start_sshd(container)
        listing = exec_in(container, "for key in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -l -f $key; done")
        assert listing.exit_code == 0, listing.stderr
        lines = listing.stdout.splitlines()
        types = sorted(line.rsplit("(", 1)[1].rstrip(")") for line in lines)
        assert types == ["ECDSA", "ED25519", "RSA"], listing.stdout
        rsa_bits = [int(line.split()[0]) for line in lines if line.endswith("(RSA)")]
        assert rsa_bits[0] >= 3072
        fingerprints.append({line.split()[1] for line in lines})
    assert not fingerprints[0] & fingerprints[1]


def test_no_layer_contains_the_insecure_private_key(docker_client, image, tmp_path):
    """The image needs only the public half; the private one must not be in any layer
    (not even one whose files a later layer deletes)."""
    saved = tmp_path / "image.tar"
    with open(saved, "wb") as file:
        for chunk in docker_client.images.get(image).save(named=True):
            file.write(chunk)
    with open(INSECURE_KEY) as file:
        private_key = file.read().strip().encode()
    found = []
    with tarfile.open(saved) as outer:
        for member in outer:
            if not member.name.endswith("layer.tar"):
                continue
            with tarfile.open(fileobj=outer.extractfile(member)) as layer:
                for entry in layer:
                    if entry.isfile() and entry.size < 4096:
                        content = layer.extractfile(entry).read()
                        if private_key in content:
                            found.append("%s: %s" % (member.name, entry.name))
    assert found == []


# -- setuser, locale ------------------------------------------------------------------

def test_setuser_runs_a_command_as_another_user_with_its_home(container):
    assert exec_in(container, ["useradd", "-m", "-s", "/bin/sh", "alice"]).exit_code == 0
    result = exec_in(container, ["/sbin/setuser", "alice", "sh", "-c", 'id -un; echo "$HOME"; echo "$USER"'])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["alice", "/home/alice", "alice"]


def test_locale_is_en_us_utf8_without_warnings(container, containers):
    result = exec_in(container, ["locale"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "LANG=en_US.UTF-8" in result.stdout
    assert 'LC_CTYPE="en_US.UTF-8"' in result.stdout
    assert "en_US.utf8" in exec_in(container, ["locale", "-a"]).stdout.split()
    # en_US's own collation (case after letter), not C.UTF-8's code point order.
    words = "printf 'b\\nB\\na\\nA\\n' | %s sort"
    assert exec_in(container, ["sh", "-c", words % ""]).stdout.split() == ["a", "A", "b", "B"]
    assert exec_in(container, ["sh", "-c", words % "LC_ALL=C.UTF-8"]).stdout.split() == ["A", "B", "a", "b"]
    # The same for the init's children and a login shell.
    via_init = containers.run_once(["/sbin/my_init", "--quiet", "--", "bash", "-lc", "locale"])
    assert via_init.exit_code == 0
    assert "LANG=en_US.UTF-8" in via_init.stdout
    assert "Cannot set" not in via_init.stderr and "warning" not in via_init.stderr.lower()


# -- DISABLE_* build arguments ----------------------------------------------------------

@pytest.fixture(scope="module")
def image_without_services(image_builder):
    """The same Dockerfile and image/ steps, built with DISABLE_SYSLOG/SSH/CRON=1."""
    return image_builder.build_project({"DISABLE_SYSLOG": "1", "DISABLE_SSH": "1", "DISABLE_CRON": "1"})


def test_disable_build_arguments_leave_the_services_out(containers, image_without_services):
    container = containers.booted(image=image_without_services)
    services = exec_in(container, "ls /etc/service").stdout.split()
    for name in SERVICES:
        assert name not in services
    for program in ("syslog-ng", "cron", "crond", "sshd", "logrotate", "enable_insecure_key"):
        assert exec_in(container, ["sh", "-c", "command -v " + program]).exit_code != 0, program
    for path in ("/etc/logrotate.d/syslog-ng", "/etc/service/sshd/regen_ssh_host_keys.sh", "/etc/insecure_key.pub",
                 "/usr/sbin/sendmail"):
        assert exec_in(container, ["test", "-e", path]).exit_code != 0, path
    # Still a working image: the init boots and runs a command.
    result = containers.run_once(["/sbin/my_init", "--", "true"], image=image_without_services)
    assert result.exit_code == 0, result.stderr


def test_default_image_has_the_three_services(container):
    services = exec_in(container, "ls /etc/service").stdout.split()
    for name in SERVICES:
        assert name in services


# -- host tools ---------------------------------------------------------------------

def test_docker_bash_runs_a_command_and_a_login_shell(container, host_tools):
    result = subprocess.run([str(host_tools / "docker-bash"), container.id, "echo", "$HOME", "$0"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/root", "bash"]
    shell = subprocess.run([str(host_tools / "docker-bash"), container.id], input="echo $LANG; shopt login_shell\n",
                           capture_output=True, text=True, timeout=60)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == ["en_US.UTF-8", "login_shell", "on"]


def test_docker_ssh_logs_in_with_the_insecure_key(containers, host_tools):
    container = containers.booted(["/sbin/my_init", "--enable-insecure-key"])
    start_sshd(container)
    result = subprocess.run([str(host_tools / "docker-ssh"), container.name, "echo", "via", "ssh:", "$(whoami)"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "via ssh: root"
    # A command's exit status comes back.
    failing = subprocess.run([str(host_tools / "docker-ssh"), container.id, "exit", "3"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert failing.returncode == 3


def test_docker_ssh_reports_a_missing_container(host_tools):
    result = subprocess.run([str(host_tools / "docker-ssh"), "no-such-container-" + uuid.uuid4().hex[:8], "true"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "docker-ssh: no container" in result.stderr


# Exit 2: bad usage (the usage line follows); exit 1: a usable command line that fails.
@pytest.mark.parametrize("argv, message, code", [
    (["docker-ssh"], "usage: docker-ssh", 2),
    (["docker-ssh", "-x", "c"], "docker-ssh: unknown option '-x'", 2),
    (["docker-ssh", "-i"], "docker-ssh: option -i needs a value", 2),
    (["docker-ssh", "-i", "/nonexistent/key", "c"], "docker-ssh: key '/nonexistent/key' is not a readable file", 1),
    (["docker-bash"], "usage: docker-bash", 2),
    (["docker-bash", "--bogus"], "docker-bash: unknown option '--bogus'", 2),
])
def test_host_tools_reject_bad_arguments(host_tools, argv, message, code):
    result = subprocess.run([str(host_tools / argv[0])] + argv[1:], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == code, result.stderr
    assert message in result.stderr.splitlines()[0]
