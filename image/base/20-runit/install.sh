#!/usr/bin/env bash
# runit's supervision tools. The Dockerfile copies them from the builder's /out/runit into
# /usr/bin (runit-busybox, one static program for every base, and a link per tool:
# build/static-runit.sh); this step checks that they are all there and run on this base.
set -euo pipefail

for tool in runsvdir runsv sv svlogd chpst; do
    [ -x "/usr/bin/$tool" ] || die "/usr/bin/$tool is missing (builder stage output)"
done
# `sv` without arguments prints its usage and exits 1; a binary that cannot load exits 127.
status=0
/usr/bin/sv >/dev/null 2>&1 || status=$?
[ "$status" -ne 127 ] && [ "$status" -ne 126 ] ||
    die "/usr/bin/sv does not run on this base (exit $status)"
install -d -m 0755 /etc/service
# Shared by the run scripts of the services that log through syslog-ng (cron, sshd).
install -d -m 0755 /usr/lib/baseimage
install -m 0755 wait-for-syslog /usr/lib/baseimage/wait-for-syslog
