"""Ordering between services with runit's idiom: a `run` script that begins with
`sv -w SECONDS start OTHER || exit 1` starts only once OTHER is up and ready (its
./check passes), here a service that becomes ready 3 s after it starts. The README's
example, built into an image."""

from image_helpers import exec_in, logs
from waiting import sleep_until

DB_RUN = """#!/bin/sh
# Ready 3 s after it starts (a database loading its data).
rm -f /run/db.ready
sleep 3
touch /run/db.ready
exec sleep 100000
"""
DB_CHECK = """#!/bin/sh
exec test -e /run/db.ready
"""
APP_RUN = """#!/bin/sh
sv -w 30 start /etc/service/db || exit 1
if [ -e /run/db.ready ]; then echo ready >/run/app.saw; else echo early >/run/app.saw; fi
exec sleep 100000
"""
DOCKERFILE = """FROM {image}
COPY db-run /etc/service/db/run
COPY db-check /etc/service/db/check
COPY app-run /etc/service/app/run
"""


def test_service_starts_only_after_the_one_it_needs_is_ready(image_builder, containers):
    tag = image_builder.build(DOCKERFILE, {"db-run": (DB_RUN, 0o755), "db-check": (DB_CHECK, 0o755),
                                           "app-run": (APP_RUN, 0o755)})
    container = containers.booted(image=tag)
    saw = sleep_until(lambda: exec_in(container, ["cat", "/run/app.saw"]).stdout.strip(), 30,
                      what=lambda: "app started; logs:\n%s" % logs(container))
    assert saw == "ready"
    status = exec_in(container, ["sv", "status", "/etc/service/app"]).stdout
    assert status.startswith("run:"), status


def test_wait_for_services_holds_the_main_command(image_builder, containers):
    tag = image_builder.build(DOCKERFILE, {"db-run": (DB_RUN, 0o755), "db-check": (DB_CHECK, 0o755),
                                           "app-run": (APP_RUN, 0o755)})
    result = containers.run_once(["/sbin/my_init", "--wait-for-services", "30", "--",
                                  "sh", "-c", "test -e /run/db.ready && echo db-ready"], image=tag)
    assert result.exit_code == 0, result.stderr
    assert "db-ready" in result.stdout.splitlines()
