#!/usr/bin/env bash
# Make Podman usable for the image tests on a CI machine; safe to run again.
#
#   bash tools/setup-podman.sh       (as root; .ci/run calls it)
#
# Installs Debian's podman when it is missing, and sets `default_ulimits = []` in
# /etc/containers/containers.conf: Podman otherwise asks for raised rlimits (nofile,
# nproc) that a sandboxed CI machine refuses, and every `podman run` fails.
set -euo pipefail

conf=/etc/containers/containers.conf

if ! command -v podman >/dev/null 2>&1; then
    echo "*** installing podman"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null
fi

mkdir -p "$(dirname "$conf")"
touch "$conf"
if grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$conf"; then
    echo "*** $conf already sets default_ulimits; left as it is"
elif grep -Eq '^[[:space:]]*\[containers\][[:space:]]*$' "$conf"; then
    sed -i -E 's/^[[:space:]]*\[containers\][[:space:]]*$/[containers]\ndefault_ulimits = []/' "$conf"
    echo "*** $conf: default_ulimits = [] added to [containers]"
else
    printf '\n[containers]\ndefault_ulimits = []\n' >>"$conf"
    echo "*** $conf: [containers] default_ulimits = [] appended"
fi
podman --version
