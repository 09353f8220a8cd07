#!/usr/bin/env bash
# Build a minimal Debian bookworm base image with debootstrap and `docker import`,
# for machines that cannot pull from a registry. Usage: make-base.sh [IMAGE_NAME]
# (default: defaults.env's DEFAULT_LOCAL_BASE)
#
# The image's apt sources hold the release, its -updates and its -security suites (what
# Debian's own images carry), and its packages are upgraded from them before the import:
# a base that misses security updates must not be made, nor silently kept.
#
# Environment: SUITE (bookworm), DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR (defaults.env's
# DEFAULT_DEBIAN_MIRROR and DEFAULT_DEBIAN_SECURITY_MIRROR), FORCE=1 rebuilds an
# image that already exists, ARCH (a Debian architecture, default the machine's): another
# one (e.g. arm64) is made under emulation (qemu-user-static through binfmt_misc) and
# imported as a linux/ARCH image (`docker build --platform` FROM scratch: `docker import`
# ignores --platform on Docker 20.10).
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

name=${1:-$DEFAULT_LOCAL_BASE}
suite=${SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-$DEFAULT_DEBIAN_MIRROR}
security_mirror=${DEBIAN_SECURITY_MIRROR:-$DEFAULT_DEBIAN_SECURITY_MIRROR}
native_arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
arch=${ARCH:-$native_arch}
case $arch in
    amd64 | arm64) ;;
    *) die "ARCH '$arch' is not one this script knows (amd64, arm64)" ;;
esac

# An existing image is kept only if it has the security suite; one made by an older
# make-base.sh without it is rebuilt, with a message saying why.
if docker image inspect "$name" >/dev/null 2>&1 && [ -z "${FORCE:-}" ]; then
    if docker run --rm --entrypoint grep "$name" -qs -- "$suite-security" /etc/apt/sources.list; then
        echo "*** $name already exists (FORCE=1 rebuilds it)"
        exit 0
    fi
    echo "*** $name exists but its apt sources lack $suite-security: rebuilding it"
fi
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
# A root directory must be world-readable (mktemp makes it 0700; apt's _apt user needs in).
chmod 0755 "$rootfs"
echo "*** debootstrap --variant=minbase $suite into $rootfs"
debootstrap --variant=minbase --arch="$arch" "$suite" "$rootfs" "$mirror" >/dev/null

# Plain http: apt checks the signatures, and it works behind TLS-intercepting proxies.
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES
echo "*** upgrading from $suite-updates and $suite-security"
# No daemon may start inside the chroot (minbase has none; this keeps it so).
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive \
    apt-get upgrade -y -qq -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0 >/dev/null
rm -f "$rootfs/usr/sbin/policy-rc.d"
pending=$(chroot "$rootfs" apt-get -s upgrade | grep -c '^Inst ' || true)
[ "$pending" -eq 0 ] || die "$pending packages still pending an upgrade in $rootfs"

# The upgrade's downloads, package lists and apt's binary caches (80 MB) stay out.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
if [ "$arch" = "$native_arch" ]; then
    tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - "$name"
else
    context=$(mktemp -d)
    # shellcheck disable=SC2064  # expand now
    trap "rm -rf '$rootfs' '$context'" EXIT
    tar -C "$rootfs" -cf "$context/rootfs.tar" .
    printf 'FROM scratch\nADD rootfs.tar /\nCMD ["/bin/bash"]\n' >"$context/Dockerfile"
    docker build --quiet --platform "linux/$arch" -t "$name" "$context" >/dev/null
fi
echo "*** imported $name"
