#!/usr/bin/env bash
# The compiled init: the Dockerfile copies the builder's dist to /usr/lib/my_init; this
# step links the commands and proves the binary runs on this base's glibc.
set -euo pipefail

dist=/usr/lib/my_init
for program in my_init setuser; do
    [ -x "$dist/$program" ] || { echo "30-my_init: $dist/$program is missing (builder stage output)" >&2; exit 1; }
    ln -sfn "$dist/$program" "/sbin/$program"
done
version=$(/sbin/my_init --version) || { echo "30-my_init: /sbin/my_init --version failed" >&2; exit 1; }
echo "*** installed $version"
/sbin/setuser --help >/dev/null || { echo "30-my_init: /sbin/setuser --help failed" >&2; exit 1; }
