#!/usr/bin/env bash
# Make Podman usable for the image tests on a CI machine; safe to run again.
#
#   bash tools/setup-podman.sh       (tools/setup-host.sh runs it for `make test`, after
#                                     installing podman)
#
# Sets `default_ulimits = []` in /etc/containers/containers.conf: Podman otherwise asks for
# raised rlimits (nofile, nproc) that a sandboxed CI machine refuses, and every `podman
# run` fails. A file that sets default_ulimits already is left as it is (no root needed).
# CONTAINERS_CONF, Podman's own variable for another file, moves it here too.
set -euo pipefail
# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

conf=${CONTAINERS_CONF:-/etc/containers/containers.conf}

command -v podman >/dev/null 2>&1 || die "podman is not installed (Debian and Ubuntu: apt-get install podman)"
if grep -Eqs '^[[:space:]]*default_ulimits[[:space:]]*=' "$conf"; then
    echo "*** $conf already sets default_ulimits; left as it is"
    exit 0
fi
[ -w "$conf" ] || [ "$(id -u)" -eq 0 ] || die "$conf needs 'default_ulimits = []' in [containers], and only root may write it"
mkdir -p "$(dirname "$conf")"
touch "$conf"
if grep -Eq '^[[:space:]]*\[containers\][[:space:]]*$' "$conf"; then
    sed -i -E 's/^[[:space:]]*\[containers\][[:space:]]*$/[containers]\ndefault_ulimits = []/' "$conf"
    echo "*** $conf: default_ulimits = [] added to [containers]"
else
    printf '\n[containers]\ndefault_ulimits = []\n' >>"$conf"
    echo "*** $conf: [containers] default_ulimits = [] appended"
fi
