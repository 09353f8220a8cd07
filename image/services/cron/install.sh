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

# Debian's cron keeps each job's output in a temporary file in /tmp, and cannot run a job
# without one; on a read-only /tmp the run script preloads this library, which lets it
# follow TMPDIR (see tmpfile-in-tmpdir.c). cronie (EL) reads the output from a pipe.
if ! command -v crond >/dev/null 2>&1; then
    if [ ! -f "$here/tmpfile-in-tmpdir.so" ]; then
        echo "cron/install.sh: $here/tmpfile-in-tmpdir.so is missing (the builder's /out/services/cron; rebuild the builder)" >&2
        exit 1
    fi
    install -d -m 0755 /usr/lib/baseimage/cron
    install -m 0644 "$here/tmpfile-in-tmpdir.so" /usr/lib/baseimage/cron/tmpfile-in-tmpdir.so
fi

# Debian's daily jobs that write under /var fail on a read-only root (docker run
# --read-only), where they have nothing to do: the dpkg database they back up into
# /var/backups cannot change, and apt's (apt-compat) only takes a lock in /var/lib/apt
# when no APT::Periodic setting asks for more. Each skips when its directory is read-only.
skip_when_read_only() {
    local job=/etc/cron.daily/$1 directory=$2
    [ -f "$job" ] || return 0
    sed -i "1a # baseimage: skipped on a read-only root (nothing to do there).\\n[ -w $directory ] || exit 0" "$job"
}
skip_when_read_only dpkg /var/backups
skip_when_read_only apt-compat /var/lib/apt

install -d -m 0755 /etc/service/cron
install -m 0755 "$here/run" /etc/service/cron/run
# cron runs jobs as their owners and reads root's crontabs: skipped as a non-root user.
touch /etc/service/cron/needs-root
