#!/usr/bin/env bash
# Build runit's supervision programs as one static executable: BusyBox's runit applets
# (runsvdir, runsv, sv, svlogd, chpst), from Debian's busybox source package (its upstream
# tarball, SHA-256 pinned in defaults.env), with nothing else of BusyBox enabled, linked
# statically with musl. OUTDIR gets the program, runit-busybox, and a link per applet
# named as runit names it; the image copies them into /usr/bin on every base.
#
#   bash build/static-runit.sh OUTDIR      (prints nothing more when OUTDIR is up to date)
#
# Why BusyBox's applets: they are runit's programs ported into BusyBox (same service
# directories, supervise/ files and status format, the same sv commands and ./check), kept
# up by BusyBox, and their source is in Debian's archive, which every machine that builds
# this project reaches; runit's own tarball (smarden.org) and Debian's runit source are not
# reachable from the project's build machines. One build serves every base, as my_init's.
# Why each setting:
# - allnoconfig, then only the five applets (and no shell: SH_IS_NONE): nothing else of
#   BusyBox is in the image; the build checks the applet list.
# - SV_DEFAULT_SERVICE_DIR=/etc/service: what Debian's runit patches sv to, and where this
#   image keeps its services (BusyBox's default is /var/service).
# - SHOW_USAGE: `sv` without arguments says how to call it (and exits 100, as runit's
#   sv does; the other programs exit 1); BUSYBOX: the
#   program run by its own name lists its applets (`--list`), which this build checks.
# - STATIC with musl-gcc: no ELF interpreter and no shared library, like my_init.
# - build/busybox/sv-wait-implies-verbose.patch (every build/busybox/*.patch is applied):
#   in runit's sv, -w implies -v, so `sv -w 5 down S` waits until S is down; BusyBox's sv waits only with -v (for up,
#   down, ...), which scripts written for runit do not pass. One line of sv.c.
# - SOURCE_DATE_EPOCH from the tarball's own date: the build time BusyBox prints is the
#   same on every build machine.
#
# Env: CC (default musl-gcc), STATIC_RUNIT_WORK (scratch, default: a temporary directory),
# STATIC_SOURCES (where build/debian-source.sh keeps the fetched tarball; default: OUTDIR's
# parent's sources/).
# Needs musl-gcc (Debian: musl-tools), make, bzip2, patch and apt-get (fetch).
set -euo pipefail

# shellcheck source=build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=defaults.env
. "$build_dir/../defaults.env"

[ $# -eq 1 ] || die "usage: build/static-runit.sh OUTDIR"
outdir=$1
case $outdir in /*) ;; *) outdir=$(pwd)/$outdir ;; esac
cc=${CC:-musl-gcc}
command -v "$cc" >/dev/null 2>&1 || die "the C compiler '$cc' is not installed (Debian: apt-get install musl-tools)"
command -v make >/dev/null 2>&1 || die "make is not installed"
command -v bzip2 >/dev/null 2>&1 || die "bzip2 is not installed (BusyBox's tarball is .tar.bz2)"
command -v patch >/dev/null 2>&1 || die "patch is not installed"
package=${BUSYBOX_SOURCE_PACKAGE:-$DEFAULT_BUSYBOX_SOURCE_PACKAGE}
sha256=${BUSYBOX_SOURCE_SHA256:-$DEFAULT_BUSYBOX_SOURCE_SHA256}
program=runit-busybox
applets=(runsvdir runsv sv svlogd chpst)
enabled=(STATIC SHOW_USAGE BUSYBOX RUNSVDIR RUNSV SV SVLOGD CHPST SH_IS_NONE)
# allnoconfig still picks a choice's first answer: `sh` would be BusyBox's ash.
disabled=(SH_IS_ASH)

patches=("$build_dir"/busybox/*.patch)
stamp=$(cat "${BASH_SOURCE[0]}" "${patches[@]}" | cksum | cut -d' ' -f1)-$sha256-$("$cc" -dumpversion)
if [ "$(cat "$outdir.stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$outdir/$program" ]; then
    exit 0
fi

tarball=${STATIC_SOURCES:-$(dirname "$outdir")/sources}/$package-$sha256.orig.tar
bash "$build_dir/debian-source.sh" "$package" "$sha256" "$tarball" || exit 1

work=${STATIC_RUNIT_WORK:-}
if [ -z "$work" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
src=$work/busybox
rm -rf "$src"
mkdir -p "$src"
tar -xf "$tarball" -C "$src" --strip-components=1 || die "cannot unpack $tarball"
[ -d "$src/runit" ] || die "$tarball holds no BusyBox source with runit applets (no runit/)"
for patch_file in "${patches[@]}"; do
    patch -d "$src" -p1 --forward --quiet <"$patch_file" >"$work/patch.log" 2>&1 ||
        { cat "$work/patch.log" >&2; die "${patch_file##*/} does not apply to $package's source (another BusyBox release?)"; }
done

echo "*** building runit's programs (BusyBox's applets: ${applets[*]}; $package source, $cc)"
make -C "$src" allnoconfig >"$work/config.log" 2>&1 || { tail -n 20 "$work/config.log" >&2; die "BusyBox's allnoconfig failed"; }
for option in "${enabled[@]}"; do
    grep -qx "# CONFIG_$option is not set" "$src/.config" || die "BusyBox's .config has no option $option (another BusyBox release?)"
    sed -i "s/^# CONFIG_$option is not set\$/CONFIG_$option=y/" "$src/.config"
done
for option in "${disabled[@]}"; do
    grep -qx "CONFIG_$option=y" "$src/.config" || die "BusyBox's .config does not set $option (another BusyBox release?)"
    sed -i "s/^CONFIG_$option=y\$/# CONFIG_$option is not set/" "$src/.config"
done
# Options the applets bring in get their defaults; then the service directory is set.
{ yes "" || true; } | make -C "$src" oldconfig >>"$work/config.log" 2>&1 || { tail -n 20 "$work/config.log" >&2; die "BusyBox's oldconfig failed"; }
grep -q '^CONFIG_SV_DEFAULT_SERVICE_DIR=' "$src/.config" || die "BusyBox's .config has no SV_DEFAULT_SERVICE_DIR"
sed -i 's|^CONFIG_SV_DEFAULT_SERVICE_DIR=.*|CONFIG_SV_DEFAULT_SERVICE_DIR="/etc/service"|' "$src/.config"
epoch=$(stat -c %Y "$src/Makefile")
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
SOURCE_DATE_EPOCH=$epoch make -C "$src" -j "$jobs" CC="$cc" busybox >"$work/make.log" 2>&1 ||
    { tail -n 30 "$work/make.log" >&2; die "building BusyBox's runit applets failed (log: $work/make.log)"; }

# What it must be: static, and these applets and no others.
binary=$src/busybox
if readelf -l "$binary" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$binary asks for an ELF interpreter: not a static program"
fi
listed=$("$binary" --list | grep -vx busybox | sort | tr '\n' ' ')
expected=$(printf '%s\n' "${applets[@]}" | sort | tr '\n' ' ')
[ "$listed" = "$expected" ] || die "the build holds the applets '$listed', not '$expected'"

rm -rf "$outdir" "$outdir.stamp"
mkdir -p "$outdir"
install -m 0755 "$binary" "$outdir/$program"
for applet in "${applets[@]}"; do
    ln -s "$program" "$outdir/$applet"
done
printf '%s\n' "$stamp" >"$outdir.stamp"
echo "*** runit's programs in $outdir: $program ($(stat -c %s "$outdir/$program") bytes), linked as ${applets[*]}"
