#!/usr/bin/env bash
# syslog-ng: the only listener on /dev/log; writes /var/log/{syslog,messages,auth.log,
# cron.log,mail.log} and copies every message to the container log. A runit service that
# the init stops after all the others (`stop-last`), so shutdown messages are kept.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# util-linux: `logger`, the command-line client (EL base images lack it; Debian has it).
pkg_install syslog-ng util-linux

# The config must declare the installed syslog-ng's config version (3.x on Debian 12 and
# EPEL 9, 4.x on EPEL 10); a mismatch starts it in compatibility mode with warnings.
version_output=$(syslog-ng --version)
config_version=$(sed -n 's/^Config version: *//p' <<<"$version_output")
release=$(sed -n 's/^Installer-Version: *//p' <<<"$version_output")
if [ -z "$config_version" ] || [ -z "$release" ]; then
    die "no 'Config version:' or 'Installer-Version:' in syslog-ng --version"
fi
# 4.1 moved stats_freq() into a stats() block and warns about the old keyword.
if [ "$(printf '%s\n' 4.1 "$release" | sort -V | head -n 1)" = 4.1 ]; then
    stats_freq_off='stats(freq(0));'
else
    stats_freq_off='stats_freq(0);'
fi
mkdir -p /etc/syslog-ng/conf.d
sed -e "s/@CONFIG_VERSION@/$config_version/" -e "s/@STATS_FREQ_OFF@/$stats_freq_off/" \
    "$here/syslog-ng.conf" >/etc/syslog-ng/syslog-ng.conf
# The /var/log files, and the empty stand-in the run script picks on a read-only /var/log.
install -m 0644 "$here/log-files.conf" /etc/syslog-ng/log-files.conf
printf '# /var/log is read-only: no log files (see log-files.conf)\n' >/etc/syslog-ng/log-files-off.conf
chmod 0644 /etc/syslog-ng/syslog-ng.conf /etc/syslog-ng/log-files-off.conf
# syslog-ng's state (persist file, control socket) is runtime state: into /run, where the
# run script creates the directory (syslog-ng-ctl finds the socket at the usual path).
rm -rf /var/lib/syslog-ng
ln -s /run/syslog-ng /var/lib/syslog-ng
# Fail the build on a config error or warning (e.g. an obsolete keyword), with and
# without the /var/log files.
for log_files in '' -off; do
    if ! syntax_output=$(SYSLOG_LOG_FILES=$log_files syslog-ng --syntax-only --no-caps 2>&1) ||
        [ -n "$syntax_output" ]; then
        die "syslog-ng --syntax-only (SYSLOG_LOG_FILES='$log_files'): $syntax_output"
    fi
done

# Our rotation rules replace the package's (Debian: syslog-ng, EL: syslog), which name
# other files and restart syslog-ng through invoke-rc.d or systemctl.
rm -f /etc/logrotate.d/syslog /etc/logrotate.d/syslog-ng
mkdir -p /etc/logrotate.d
install -m 0644 "$here/logrotate.conf" /etc/logrotate.d/syslog-ng

install -d -m 0755 /etc/service/syslog-ng
install -m 0755 "$here/run" "$here/check" /etc/service/syslog-ng/
# Read by my_init: stopped only after every other service (their shutdown messages
# still reach docker logs). It also needs root: only root may create /dev/log.
touch /etc/service/syslog-ng/stop-last /etc/service/syslog-ng/needs-root
