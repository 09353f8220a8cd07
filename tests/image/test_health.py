"""The health check, against a real engine: the image declares /sbin/my_init_health as
its HEALTHCHECK; a container becomes healthy within the start period, unhealthy once a
service is `sv down`, healthy again after `sv up`. A short interval is set through the
run flags (the image's 30 s would make this test slow)."""

import pytest

from image_helpers import exec_in, logs
from waiting import sleep_until

SECOND = 1_000_000_000  # the engine counts healthcheck times in nanoseconds
FAST_HEALTHCHECK = {"test": ["CMD", "/sbin/my_init_health"], "interval": 1 * SECOND,
                    "timeout": 5 * SECOND, "start_period": 20 * SECOND, "retries": 1}


def health(container):
    container.reload()
    return container.attrs["State"].get("Health") or {}


def wait_for_health(container, status, timeout):
    sleep_until(lambda: health(container).get("Status") == status, timeout, interval=0.5,
                what=lambda: "container %s; health log: %s; logs:\n%s"
                % (status, health(container).get("Log"), logs(container)))


def test_image_declares_the_health_check(image_attrs):
    check = image_attrs["Config"]["Healthcheck"]
    assert check["Test"] == ["CMD", "/sbin/my_init_health"]
    assert (check["Interval"], check["Timeout"], check["StartPeriod"], check["Retries"]) == \
        (30 * SECOND, 5 * SECOND, 20 * SECOND, 3)


def test_healthy_then_unhealthy_after_sv_down_then_healthy_after_sv_up(containers):
    container = containers.booted(healthcheck=FAST_HEALTHCHECK)
    # Within the start period (20 s), with margin for a slow engine.
    wait_for_health(container, "healthy", 25)
    assert exec_in(container, ["/sbin/my_init_health"]).exit_code == 0

    down = exec_in(container, ["sv", "down", "/etc/service/cron"])
    assert down.exit_code == 0, down.stdout + down.stderr
    wait_for_health(container, "unhealthy", 15)
    result = exec_in(container, ["/sbin/my_init_health"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cron: down ("), result.stdout

    assert exec_in(container, ["sv", "up", "/etc/service/cron"]).exit_code == 0
    wait_for_health(container, "healthy", 15)


def test_a_failing_check_script_makes_it_unhealthy(containers):
    container = containers.booted()
    sleep_until(lambda: exec_in(container, ["/sbin/my_init_health"]).exit_code == 0, 20,
                what=lambda: "my_init_health passing; logs:\n%s" % logs(container))
    # syslog-ng's check is `test -S /dev/log`: move the socket away.
    assert exec_in(container, "mv /dev/log /dev/log.away").exit_code == 0
    result = exec_in(container, ["/sbin/my_init_health"])
    assert result.exit_code == 1
    assert result.stdout == "syslog-ng: running, but ./check fails (not ready)\n"


def test_health_check_turned_off_with_healthcheck_none(image_builder, docker_client):
    tag = image_builder.build("FROM {image}\nHEALTHCHECK NONE\n")
    check = docker_client.images.get(tag).attrs["Config"].get("Healthcheck") or {}
    assert check.get("Test") == ["NONE"]


@pytest.mark.parametrize("service", ["cron", "sshd"])
def test_services_share_the_syslog_wait_helper(container, service):
    run = exec_in(container, ["cat", "/etc/service/%s/run" % service]).stdout
    assert "/usr/lib/baseimage/wait-for-syslog" in run
    assert "sv -w" not in run  # no private copy of the wait
    assert exec_in(container, ["test", "-x", "/usr/lib/baseimage/wait-for-syslog"]).exit_code == 0
