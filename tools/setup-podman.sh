#!/usr/bin/env bash
# Make Podman usable for the image tests on this machine; safe to run again (a machine
# that is ready gets one trial run and no change).
#
#   bash tools/setup-podman.sh       (tools/setup-host.sh runs it for `make test`, after
#                                     installing podman and busybox-static)
#
# In /etc/containers/containers.conf (CONTAINERS_CONF, Podman's own variable for another
# file, moves it here too), each only when the file does not set it already:
# - `default_ulimits = []` in [containers]: Podman otherwise asks for raised rlimits
#   (nofile, nproc) that a sandboxed CI machine refuses, and every `podman run` fails.
# - `runtime = "runc"` in [engine], only when the default runtime cannot run a container
#   here and runc can: crun refuses hosts with cgroups in hybrid mode (v1 controllers plus
#   a cgroup2 tree that holds a controller). Which runtime works is found by trying: a
#   container whose root holds only busybox-static's program, no image, no network.
set -euo pipefail
# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

conf=${CONTAINERS_CONF:-/etc/containers/containers.conf}

# Succeeds when the file sets KEY (in any section: the keys used here live in one).
conf_sets() {
    grep -Eqs "^[[:space:]]*$1[[:space:]]*=" "$conf"
}

# Adds the line "KEY = VALUE" to [SECTION], making the section when the file has none.
conf_add() {
    local section=$1 key=$2 value=$3
    [ -w "$conf" ] || [ "$(id -u)" -eq 0 ] || die "$conf needs '$key = $value' in [$section], and only root may write it"
    mkdir -p "$(dirname "$conf")"
    touch "$conf"
    if grep -Eq "^[[:space:]]*\\[$section\\][[:space:]]*$" "$conf"; then
        sed -i -E "s/^[[:space:]]*\\[$section\\][[:space:]]*$/[$section]\\n$key = $value/" "$conf"
    else
        printf '\n[%s]\n%s = %s\n' "$section" "$key" "$value" >>"$conf"
    fi
}

# Runs one container with Podman (and the runtime given, if any); its errors on stdout.
try_podman() {
    podman ${1:+--runtime "$1"} run --rm --network none --rootfs "$trial_root" /busybox true 2>&1
}

command -v podman >/dev/null 2>&1 || die "podman is not installed (Debian and Ubuntu: apt-get install podman)"
busybox=$(command -v busybox) || die "busybox is not installed; the trial container runs it (apt-get install busybox-static)"

if conf_sets default_ulimits; then
    echo "*** $conf already sets default_ulimits; left as it is"
else
    conf_add containers default_ulimits "[]"
    echo "*** $conf: default_ulimits = [] in [containers]"
fi

trial_root=$(mktemp -d)
trap 'rm -rf "$trial_root"' EXIT
cp "$busybox" "$trial_root/busybox"

if refusal=$(try_podman); then
    echo "*** podman runs containers here with its configured runtime"
    exit 0
fi
refusal=$(printf '%s\n' "$refusal" | grep -v '^[[:space:]]*$' | tail -n 1)
conf_sets runtime && die "podman cannot run a container with the runtime $conf sets: $refusal"
for runtime in runc crun; do
    command -v "$runtime" >/dev/null 2>&1 || continue
    try_podman "$runtime" >/dev/null || continue
    conf_add engine runtime "\"$runtime\""
    echo "*** $conf: runtime = \"$runtime\" in [engine]: Podman's default runtime refused this host ($refusal)"
    problem=$(try_podman) || die "podman still cannot run a container after $conf got runtime = \"$runtime\": $problem"
    exit 0
done
die "podman cannot run a container here with any runtime installed (runc, crun): $refusal"
