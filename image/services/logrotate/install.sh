#!/usr/bin/env bash
# logrotate, run once a day by cron. EL's package relies on a systemd timer, which
# nothing runs in a container; Debian's ships /etc/cron.daily/logrotate. Ours replaces it
# on both: it also keeps the state file in /run on a read-only root. Installed with
# syslog-ng (DISABLE_SYSLOG leaves both out); the rules for the syslog files come with
# syslog-ng.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pkg_install logrotate
mkdir -p /etc/logrotate.d /etc/cron.daily
install -m 0755 "$here/cron.daily" /etc/cron.daily/logrotate
