#!/usr/bin/env bash
# The static my_init and runit's programs for another architecture, built under emulation:
# `make init-arm64`.
#
#   bash tools/build-init-arch.sh ARCH OUTDIR      (ARCH: a Debian architecture, e.g. arm64)
#
# The same scripts as `make init` (build/static-runit.sh, build/static-python.sh, then
# build/build.sh) run inside
# a Debian bookworm root of that architecture (debootstrap, kept in build/out/rootfs-ARCH),
# its programs run by Debian's qemu-user-static through binfmt_misc, in a mount namespace
# of their own (chroot, /proc, /dev). The result, OUTDIR/my_init and OUTDIR/setuser, is
# the same kind of file as dist/my_init: one static executable, for ARCH; OUTDIR/../runit
# holds runit's programs as dist/runit does.
#
# Root only (debootstrap, chroot, mounts). Installs debootstrap, qemu-user-static and
# binfmt-support when missing, mounts binfmt_misc when it is not, and enables the
# emulator. Slow: every compiler run is emulated (about 10 times the native time).
# Env: PIP_CA_BUNDLE (an extra CA bundle for pip inside), DEBIAN_MIRROR (defaults.env's).
set -euo pipefail
# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -eq 2 ] || die "usage: tools/build-init-arch.sh ARCH OUTDIR"
arch=$1 outdir=$2
case $arch in
    arm64) qemu_arch=aarch64 ;;
    amd64) qemu_arch=x86_64 ;;
    *) die "ARCH '$arch' is not one this build knows (arm64, amd64)" ;;
esac
[ "$(id -u)" -eq 0 ] || die "building under emulation needs root (debootstrap, chroot, mounts)"
mirror=${DEBIAN_MIRROR:-$DEFAULT_DEBIAN_MIRROR}
# What the build needs inside (builder/init-deps.sh's list, as debootstrap takes it).
packages=musl-tools,gcc,libc6-dev,make,patch,binutils,patchelf,python3,python3-venv,ca-certificates,debian-archive-keyring,xz-utils,bzip2,file

missing=()
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
[ -e /usr/bin/qemu-$qemu_arch-static ] || missing+=(qemu-user-static)
command -v update-binfmts >/dev/null 2>&1 || missing+=(binfmt-support)
if [ ${#missing[@]} -gt 0 ]; then
    echo "*** installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$(uname -m)" != "$qemu_arch" ]; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
        die "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (a container without that right?)"
    update-binfmts --enable "qemu-$qemu_arch" >/dev/null 2>&1 || true
    grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qemu_arch" 2>/dev/null ||
        die "binfmt_misc has no enabled qemu-$qemu_arch entry (update-binfmts --enable qemu-$qemu_arch)"
fi

rootfs=$repo_root/build/out/rootfs-$arch
stamp="bookworm $arch $packages"
if [ "$(cat "$rootfs.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "*** debootstrap --arch=$arch bookworm into $rootfs (emulated; several minutes)"
    rm -rf "$rootfs" "$rootfs.stamp"
    debootstrap --arch="$arch" --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" \
        >"$rootfs.log" 2>&1 || { tail -n 20 "$rootfs.log" >&2; die "debootstrap for $arch failed (log: $rootfs.log)"; }
    printf '%s\n' "$stamp" >"$rootfs.stamp"
fi

# The sources, fresh each time; the static CPython and the Nuitka venv stay between runs.
rm -rf "$rootfs/src" "$rootfs/out"
mkdir -p "$rootfs/src" "$rootfs/out"
tar -C "$repo_root" -cf - --exclude=__pycache__ --exclude='*.pyc' --exclude=build/out defaults.env build init |
    tar -C "$rootfs/src" -xf -
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
pip_ca=""
if [ -n "${PIP_CA_BUNDLE:-}" ]; then
    cp "$PIP_CA_BUNDLE" "$rootfs/src/pip-ca.crt"
    pip_ca=/src/pip-ca.crt
fi

echo "*** building the static my_init for $arch under emulation"
started=$(date +%s)
# A mount namespace of its own: the mounts go when the build ends, whatever ends it.
# shellcheck disable=SC2016  # the script runs in the namespace, with its own arguments
unshare --mount --fork -- /bin/bash -euc '
    rootfs=$1 pip_ca=$2
    mount --make-rprivate /
    mount -t proc proc "$rootfs/proc"
    mount --rbind /dev "$rootfs/dev"
    mount -t tmpfs tmpfs "$rootfs/tmp"
    exec chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        ${pip_ca:+PIP_CA_BUNDLE=$pip_ca} /bin/bash -euc "
            STATIC_SOURCES=/opt/sources bash /src/build/static-runit.sh /out/runit
            bash /src/build/static-python.sh /opt/static-python/python
            PYTHON=/opt/static-python/python/bin/python3 BUILD_WORK=/opt/nuitka bash /src/build/build.sh /out/my_init"
' build-init-arch "$rootfs" "$pip_ca" || die "the $arch build failed (the lines above say where)"

mkdir -p "$(dirname "$outdir")"
rm -rf "$outdir.new"
cp -a "$rootfs/out/my_init" "$outdir.new"
rm -rf "$outdir"
mv "$outdir.new" "$outdir"
runit=$(dirname "$outdir")/runit
rm -rf "$runit"
cp -a "$rootfs/out/runit" "$runit"
echo "*** $outdir/my_init for $arch, built in $(($(date +%s) - started)) s: $(file -b "$outdir/my_init")"
