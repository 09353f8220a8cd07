"""The image on a read-only root (`docker run --read-only --tmpfs /run`) and as a restricted
user (`--user 1000:1000 --cap-drop ALL --security-opt no-new-privileges`, as Kubernetes'
restricted profile): boot, services, startup scripts, the exported environment, the
`docker stop` exit code (its time is recorded, never asserted). See conftest.py."""

import time
import uuid

import pytest

from image_helpers import exec_in, logs, stop_and_record, wait_for_boot, wait_for_services
from waiting import sleep_until

READ_ONLY = {"read_only": True, "tmpfs": {"/run": ""}}
# cron writes each job's output to a temporary file in /tmp (glibc's tmpfile() ignores TMPDIR).
READ_ONLY_WITH_TMP = {"read_only": True, "tmpfs": {"/run": "", "/tmp": ""}}
RESTRICTED = {"read_only": True, "user": "1000:1000", "cap_drop": ["ALL"],
              "security_opt": ["no-new-privileges"]}

STARTUP = "#!/bin/sh\necho \"uid=$(id -u) V=$V\" > /run/startup-ran\n"
APP = "#!/bin/sh\necho \"uid=$(id -u) V=$V\" > /run/app-ran\nexec sleep 1000\n"
CRON_JOB = ("SHELL=/bin/sh\n"
            "* * * * * root . /etc/container_environment.sh && echo \"$V\" > /run/cron-probe\n")
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
    # cron's run script says it after waiting for syslog-ng, i.e. after the service is up.
    wait_for_log(container, "cron: /tmp is read-only; jobs cannot run", 10)
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
    """`--tmpfs /run --tmpfs /tmp`: the cron job too (see READ_ONLY_WITH_TMP)."""
    container = containers.booted(image=extended_image, environment={"V": "1"}, **READ_ONLY_WITH_TMP)
    assert exec_in(container, ["cat", "/run/startup-ran"]).stdout.strip() == "uid=0 V=1"
    wait_for_services(container, ["syslog-ng", "cron", "app"])
    assert exec_in(container, ["cat", "/run/app-ran"]).stdout.strip() == "uid=0 V=1"
    # A job scheduled for the next minute sees the container environment.
    sleep_until(lambda: exec_in(container, ["cat", "/run/cron-probe"]).stdout.strip(), 75, interval=1,
                what=lambda: "the cron job's output; logs:\n%s" % logs(container))
    assert exec_in(container, ["cat", "/run/cron-probe"]).stdout.strip() == "1"
    stop_and_check(container, "read-only root, extended image")


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
