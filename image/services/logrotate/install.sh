#!/usr/bin/env bash
# logrotate, run once a day by cron. Debian's package ships /etc/cron.daily/logrotate;
# EL's relies on a systemd timer, which nothing runs in a container, so we add the
# cron.daily script there. Installed with syslog-ng (DISABLE_SYSLOG leaves both out);
# the rules for the syslog files come with syslog-ng.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pkg_install logrotate
mkdir -p /etc/logrotate.d /etc/cron.daily
if [ ! -e /etc/cron.daily/logrotate ]; then
    install -m 0755 "$here/cron.daily" /etc/cron.daily/logrotate
fi
