#!/usr/bin/env bash
# cron as a runit service in the foreground. Jobs get a minimal environment from cron;
# the container's variables are in /etc/container_environment.sh (see README).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pkg_install cron

# A required pam_loginuid would fail every job in a container (see lib/step.sh). The
# file is /etc/pam.d/cron on Debian, /etc/pam.d/crond on EL.
pam_loginuid_off "$(pam_cron_file)"

# Jobs in these directories are run by the daily/weekly/monthly entries the package ships.
mkdir -p /etc/cron.d /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly

# Job output: cron mails it through /usr/sbin/sendmail; without an MTA it would be lost
# (a failing job would be silent). The stand-in logs it to syslog, i.e. `docker logs`.
if [ ! -e /usr/sbin/sendmail ]; then
    install -m 0755 "$here/cron-output-to-syslog" /usr/sbin/sendmail
fi

install -d -m 0755 /etc/service/cron
install -m 0755 "$here/run" /etc/service/cron/run
# cron runs jobs as their owners and reads root's crontabs: skipped as a non-root user.
touch /etc/service/cron/needs-root
