"""The image on a read-only root (`docker run --read-only --tmpfs /run`, nothing else
writable) and as a restricted user (`--user 1000:1000 --cap-drop ALL --security-opt
no-new-privileges`, as Kubernetes' restricted profile): boot, services (cron jobs and their
output, the daily jobs and logrotate's state, sshd's host keys), startup scripts, the
exported environment, the `docker stop` exit code (its time is recorded, never asserted).
See conftest.py."""

import subprocess
import time
import uuid

import pytest

from image_helpers import (
    accepts_connections,
    exec_in,
    ip_address,
    logs,
    ssh,
    stop_and_record,
    wait_for_boot,
    wait_for_services,
)
from waiting import sleep_until

READ_ONLY = {"read_only": True, "tmpfs": {"/run": ""}}
RESTRICTED = {"read_only": True, "user": "1000:1000", "cap_drop": ["ALL"],
              "security_opt": ["no-new-privileges"]}

STARTUP = "#!/bin/sh\necho \"uid=$(id -u) V=$V\" > /run/startup-ran\n"
APP = "#!/bin/sh\necho \"uid=$(id -u) V=$V\" > /run/app-ran\nexec sleep 1000\n"
# The job's output goes to cron's mailer, the image's sendmail stand-in, i.e. docker logs.
CRON_JOB = ("SHELL=/bin/sh\n"
            "* * * * * root . /etc/container_environment.sh && echo \"$V\" > /run/cron-probe"
            " && echo \"cron-job-output V=$V\"\n")
EXTENDED = """FROM {image}
COPY startup.sh /etc/my_init.d/50_read_only.sh
COPY app.sh /etc/service/app/run
COPY probe.cron /etc/cron.d/probe
RUN chmod 0644 /etc/cron.d/probe && \\
    ln -s /run/runit/supervise.app /etc/service/app/supervise
"""


@pytest.fixture(scope="module")
def extended_image(image_builder):
    """The image with a startup script, an own service (its supervise linked into /run, as
    the README shows) and a cron job."""
    return image_builder.build(EXTENDED, {"startup.sh": (STARTUP, 0o755), "app.sh": (APP, 0o755),
                                          "probe.cron": (CRON_JOB, 0o644)})


def wait_for_log(container, text, timeout=20):
    sleep_until(lambda: text in logs(container), timeout,
                what=lambda: "%r in the logs; logs:\n%s" % (text, logs(container)))


def stop_and_check(container, label):
    code = stop_and_record(container, label)["ExitCode"]
    assert code == 0, "exit code %s (137 = SIGKILL); logs:\n%s" % (code, logs(container))


# -- read-only root ---------------------------------------------------------------------

def test_read_only_root_boots_every_default_service(containers, image):
    container = containers.booted(environment={"V": "1"}, **READ_ONLY)
    wait_for_services(container, ["syslog-ng", "cron"])
    message = "read-only-probe-" + uuid.uuid4().hex[:8]
    assert exec_in(container, ["logger", "-t", "probe", message]).exit_code == 0
    wait_for_log(container, message, 10)
    output = logs(container)
    assert "syslog-ng: /var/log is read-only; messages go to the container log only" in output
    assert "WARNING" not in output, output
    assert "Traceback" not in output
    # The default services' state is in /run, through the image's links.
    for name in ("syslog-ng", "cron", "sshd"):
        link = exec_in(container, ["readlink", "/etc/service/%s/supervise" % name]).stdout.strip()
        assert link == "/run/runit/supervise." + name
    assert exec_in(container, ["test", "-S", "/run/syslog-ng/syslog-ng.ctl"]).exit_code == 0
    assert exec_in(container, ["syslog-ng-ctl", "stats"]).exit_code == 0
    stop_and_check(container, "read-only root, default services")


def test_read_only_root_exports_the_environment_into_run(containers):
    container = containers.booted(environment={"V": "1", "SECRET": "s3cret"}, **READ_ONLY)
    sourced = exec_in(container, '. /etc/container_environment.sh && printf %s "$V"')
    assert sourced.stdout == "1", sourced.stderr
    assert exec_in(container, ["cat", "/run/container_environment/V"]).stdout == "1"
    assert '"V": "1"' in exec_in(container, ["cat", "/etc/container_environment.json"]).stdout
    assert "goes to /run/container_environment" in logs(container)
    # Still root's secret: the dumps are 0640 root:docker_env, the directory 0700.
    assert exec_in(container, ["stat", "-L", "-c", "%a %U %G", "/etc/container_environment.sh"]).stdout.split() \
        == ["640", "root", "docker_env"]
    assert exec_in(container, ["stat", "-c", "%a", "/run/container_environment"]).stdout.strip() == "700"
    assert exec_in(container, ["cat", "/etc/container_environment.sh"], user="nobody").exit_code != 0


def test_read_only_root_runs_startup_scripts_own_services_and_cron_jobs(containers, extended_image, image):
    """Only /run is writable, /tmp too is read-only: Debian's cron keeps a job's output in
    a temporary file, which its run script sends to /run (services/cron/tmpfile-in-tmpdir.c)."""
    container = containers.booted(image=extended_image, environment={"V": "1"}, **READ_ONLY)
    assert exec_in(container, ["touch", "/tmp/probe"]).exit_code != 0
    assert exec_in(container, ["cat", "/run/startup-ran"]).stdout.strip() == "uid=0 V=1"
    wait_for_services(container, ["syslog-ng", "cron", "app"])
    assert exec_in(container, ["cat", "/run/app-ran"]).stdout.strip() == "uid=0 V=1"
    # A job scheduled for the next minute sees the container environment, and what it
    # prints reaches docker logs (cron mails it; the sendmail stand-in logs it).
    sleep_until(lambda: exec_in(container, ["cat", "/run/cron-probe"]).stdout.strip(), 75, interval=1,
                what=lambda: "the cron job's output; logs:\n%s" % logs(container))
    assert exec_in(container, ["cat", "/run/cron-probe"]).stdout.strip() == "1"
    wait_for_log(container, "cron-output: cron-job-output V=1", 15)
    output = logs(container)
    assert "create tmpfile" not in output, output
    # The jobs get the crontab's environment, not the daemon's preload and TMPDIR.
    assert "LD_PRELOAD" not in output and "TMPDIR" not in output, output
    stop_and_check(container, "read-only root, extended image")


def test_read_only_root_daily_jobs_succeed(containers):
    """cron's daily jobs (/etc/cron.daily, as /etc/crontab runs them) succeed on a read-only
    root: logrotate says in one line that a read-only /var/log cannot be rotated; dpkg's
    database backup and apt's daily job have nothing to do."""
    container = containers.booted(**READ_ONLY)
    wait_for_services(container, ["syslog-ng", "cron"])
    daily = exec_in(container, "cd / && run-parts --report /etc/cron.daily")
    assert daily.exit_code == 0, daily.stdout + daily.stderr
    assert (daily.stdout + daily.stderr).splitlines() == [
        "/etc/cron.daily/logrotate:",
        "logrotate: /var/log is read-only; nothing rotated (mount a volume or tmpfs on /var/log for log files)"]
    assert "ALERT" not in logs(container)


def test_read_only_root_with_a_var_log_tmpfs_rotates_the_log_files(containers):
    """With /var/log given (`--tmpfs /var/log`), syslog-ng writes its files again, and the
    daily run (forced) rotates them, its state in /run/logrotate (/var/lib is read-only)."""
    container = containers.booted(read_only=True, tmpfs={"/run": "", "/var/log": ""})
    wait_for_services(container, ["syslog-ng", "cron"])
    message = "before-rotation-" + uuid.uuid4().hex[:8]
    assert exec_in(container, ["logger", message]).exit_code == 0
    sleep_until(lambda: message in exec_in(container, ["cat", "/var/log/syslog"]).stdout, 10,
                what=lambda: "%s in /var/log/syslog; logs:\n%s" % (message, logs(container)))
    result = exec_in(container, ["/etc/cron.daily/logrotate", "--force"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert message in exec_in(container, ["cat", "/var/log/syslog.1"]).stdout
    assert "/var/log/syslog" in exec_in(container, ["cat", "/run/logrotate/status"]).stdout
    assert exec_in(container, ["test", "-e", "/var/lib/logrotate/status"]).exit_code != 0
    assert "ALERT" not in logs(container)


def test_read_only_root_skips_a_service_without_a_supervise_link(containers, image_builder):
    unlinked = image_builder.build("FROM {image}\nCOPY app.sh /etc/service/unlinked/run\n",
                                   {"app.sh": (APP, 0o755)})
    container = containers.booted(image=unlinked, **READ_ONLY)
    wait_for_services(container, ["syslog-ng", "cron"])
    assert "cannot supervise /etc/service/unlinked as uid 0 (read-only file system); not started" \
        in logs(container)
    assert exec_in(container, ["test", "-e", "/run/app-ran"]).exit_code != 0


def test_read_only_without_a_tmpfs_run_keeps_the_variables_and_says_why(containers, image):
    one_shot = containers.run_once(["/sbin/my_init", "--", "sh", "-c", 'printf %s "$V"'],
                                   environment={"V": "1"}, read_only=True)
    assert (one_shot.exit_code, one_shot.stdout) == (0, "1"), one_shot.stderr
    assert "cannot write /run (the services keep their state in /run/runit); runit not started" \
        in one_shot.stderr
    # Runit mode stays up, and `docker stop` ends it cleanly.
    container = containers.start(read_only=True)
    wait_for_log(container, "No service can be supervised; waiting for a stop signal")
    stop_and_check(container, "read-only root without --tmpfs /run")


# -- sshd -------------------------------------------------------------------------------

SSH_IMAGE = """FROM {image}
COPY authorized_keys /root/.ssh/authorized_keys
COPY ssh_host_ed25519_key ssh_host_ed25519_key.pub /etc/ssh/
RUN chmod 0700 /root/.ssh && chmod 0600 /root/.ssh/authorized_keys /etc/ssh/ssh_host_ed25519_key
"""


def make_key(directory, name, key_type="ed25519"):
    path = str(directory / name)
    subprocess.run(["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", name, "-f", path], check=True)
    with open(path) as private, open(path + ".pub") as public:
        return path, private.read(), public.read()


def test_read_only_root_sshd_uses_baked_host_keys_and_makes_the_others_in_run(containers, image_builder, tmp_path):
    """An image with root's authorized key and one host key (ed25519) baked in: on a
    read-only root sshd serves that key, the two it lacks are made in /run/ssh (with one
    line saying so), and a key login works."""
    login_key, _, login_public = make_key(tmp_path, "login")
    _, host_private, host_public = make_key(tmp_path, "ssh_host_ed25519_key")
    ssh_image = image_builder.build(SSH_IMAGE, {"authorized_keys": (login_public, 0o600),
                                                "ssh_host_ed25519_key": (host_private, 0o600),
                                                "ssh_host_ed25519_key.pub": (host_public, 0o644)})
    container = containers.booted(image=ssh_image, **READ_ONLY)
    assert exec_in(container, ["sv", "up", "/etc/service/sshd"]).exit_code == 0
    address = ip_address(container)
    sleep_until(lambda: accepts_connections(address), 30,
                what=lambda: "sshd listening on %s:22; logs:\n%s" % (address, logs(container)))
    result = ssh(address, login_key, "id", "-un")
    assert (result.returncode, result.stdout.strip()) == (0, "root"), result.stderr
    output = logs(container)
    assert output.count("sshd: /etc/ssh is read-only; host keys it lacks are made in /run/ssh") == 1, output
    assert exec_in(container, "ls /run/ssh").stdout.split() == [
        "ssh_host_ecdsa_key", "ssh_host_ecdsa_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub"]
    # The server's ed25519 key is the baked one.
    scanned = subprocess.run(["ssh-keyscan", "-t", "ed25519", address], capture_output=True, text=True, timeout=30)
    assert host_public.split()[1] in scanned.stdout, scanned.stdout + scanned.stderr


def test_read_only_root_insecure_key_refused_in_one_line(containers):
    result = containers.run_once(["/sbin/my_init", "--enable-insecure-key", "--", "true"], **READ_ONLY)
    assert result.exit_code != 0
    assert "enable_insecure_key: cannot write /root/.ssh/authorized_keys (read-only root?)" in result.stderr
    assert "Read-only file system" not in result.stderr, result.stderr


# -- restricted user ----------------------------------------------------------------------

def test_restricted_user_runs_a_main_command_with_the_environment(containers):
    result = containers.run_once(["/sbin/my_init", "--", "sh", "-c", 'id -u; printf %s "$V"'],
                                 environment={"V": "1"}, tmpfs={"/run": ""}, **RESTRICTED)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split()[:2] == ["1000", "1"], result.stdout
    for name in ("syslog-ng", "cron", "sshd"):
        assert "/etc/service/%s needs root, not started as uid 1000" % name in result.stderr
    assert "Traceback" not in result.stderr


def test_restricted_user_stays_up_in_runit_mode_and_stops_cleanly(containers, image):
    container = containers.start(environment={"V": "1"}, tmpfs={"/run": ""}, **RESTRICTED)
    wait_for_log(container, "No service can be supervised; waiting for a stop signal")
    time.sleep(1)  # the point: still up a while after saying it waits
    container.reload()
    assert container.status == "running", logs(container)
    stop_and_check(container, "restricted user")


def test_restricted_user_supervises_its_own_service(containers, extended_image, image):
    """With /run given to the user (`--tmpfs /run:uid=1000,gid=1000`), the services it can
    run are supervised and the environment is exported where it can write."""
    container = containers.start(image=extended_image, environment={"V": "1"},
                                 tmpfs={"/run": "uid=1000,gid=1000"}, **RESTRICTED)
    wait_for_boot(container)
    sleep_until(lambda: exec_in(container, ["cat", "/run/app-ran"]).stdout.strip(), 15,
                what=lambda: "the app service; logs:\n%s" % logs(container))
    assert exec_in(container, ["cat", "/run/app-ran"]).stdout.strip() == "uid=1000 V=1"
    assert exec_in(container, ["cat", "/run/startup-ran"]).stdout.strip() == "uid=1000 V=1"
    status = exec_in(container, ["sv", "status", "/etc/service/app"], user="1000:1000").stdout
    assert status.startswith("run:"), status
    sourced = exec_in(container, '. /etc/container_environment.sh && printf %s "$V"', user="1000:1000")
    assert sourced.stdout == "1", sourced.stderr
    output = logs(container)
    for name in ("syslog-ng", "cron", "sshd"):
        assert "/etc/service/%s needs root, not started as uid 1000" % name in output
    stop_and_check(container, "restricted user, own service")
