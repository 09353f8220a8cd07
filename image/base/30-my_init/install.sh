#!/usr/bin/env bash
# The compiled init: the Dockerfile copies the builder's dist to /usr/lib/my_init; this
# step links the commands and proves the binary runs on this base's glibc; it also
# installs my_init's shell tools.
set -euo pipefail

dist=/usr/lib/my_init
for program in my_init setuser; do
    [ -x "$dist/$program" ] || die "$dist/$program is missing (builder stage output)"
    ln -sfn "$dist/$program" "/sbin/$program"
done
version=$(/sbin/my_init --version) || die "/sbin/my_init --version failed"
echo "*** installed $version"
/sbin/setuser --help >/dev/null || die "/sbin/setuser --help failed"
# Shell tools that talk to my_init through /run/my_init (README: "Health check",
# "Critical services"): cheaper per call than the compiled binary.
install -m 0755 my_init_health my_init_exit /sbin/
