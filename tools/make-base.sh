#!/usr/bin/env bash
# Build a minimal Debian bookworm base image with debootstrap and `docker import`,
# for machines that cannot pull from a registry. Usage: make-base.sh [IMAGE_NAME]
set -euo pipefail

name=${1:-local/debian:bookworm}
suite=${SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$name" >/dev/null 2>&1 && [ -z "${FORCE:-}" ]; then
    echo "*** $name already exists (FORCE=1 rebuilds it)"
    exit 0
fi
command -v debootstrap >/dev/null || { echo "make-base: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "*** debootstrap --variant=minbase $suite into $rootfs"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >/dev/null
# Plain http sources work behind no TLS-intercepting proxy; keep the image's apt as debootstrap left it.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - "$name"
echo "*** imported $name"
