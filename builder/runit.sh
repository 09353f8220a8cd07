#!/usr/bin/env bash
# Dockerfile.builder: put runit's supervision tools (runsvdir runsv sv svlogd chpst) in OUTDIR.
#
#   runit.sh OUTDIR
#
# RUNIT_FROM   package | source | auto (default: package on Debian/Ubuntu, source on EL)
# RUNIT_URL    upstream tarball     } needed for `source`; tools/build-image.sh passes
# RUNIT_SHA256 its checksum         } defaults.env's (DEFAULT_RUNIT_URL, _SHA256)
# RUNIT_CA_BUNDLE  optional CA bundle for the download (TLS proxies)
set -euo pipefail
# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

[ $# -eq 1 ] || die "usage: runit.sh OUTDIR"
outdir=$1
tools=(runsvdir runsv sv svlogd chpst)
url=${RUNIT_URL:-}
sha256=${RUNIT_SHA256:-}
from=${RUNIT_FROM:-auto}
if [ "$from" = auto ]; then
    if [ "$DISTRO_FAMILY" = debian ]; then from=package; else from=source; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir"

case $from in
    package)
        [ "$DISTRO_FAMILY" = debian ] || die "RUNIT_FROM=package: $DISTRO_ID has no runit package"
        # Unpack the package instead of installing it: only the binaries are wanted.
        (cd "$work" && apt-get download "$(pkg_name runit)")
        dpkg-deb -x "$work"/runit_*.deb "$work/root"
        # Globs, not find: the minimal EL images have no findutils (this script runs there too).
        for tool in "${tools[@]}"; do
            binary=""
            for candidate in "$work"/root/usr/bin/"$tool" "$work"/root/usr/sbin/"$tool" \
                "$work"/root/bin/"$tool" "$work"/root/sbin/"$tool"; do
                if [ -f "$candidate" ] && [ -x "$candidate" ]; then binary=$candidate; break; fi
            done
            [ -n "$binary" ] || die "the runit package has no $tool in /usr/bin, /usr/sbin, /bin or /sbin"
            install -m 0755 "$binary" "$outdir/$tool"
        done
        ;;
    source)
        [ -n "$url" ] && [ -n "$sha256" ] ||
            die "RUNIT_URL and RUNIT_SHA256 must be set to build runit from source (defaults.env has them; tools/build-image.sh passes them)"
        command -v curl >/dev/null 2>&1 || pkg_install curl
        echo "*** downloading $url"
        curl_options=(-fsSL --retry 3 -o "$work/runit.tar.gz")
        if [ -s "${RUNIT_CA_BUNDLE:-}" ]; then curl_options+=(--cacert "$RUNIT_CA_BUNDLE"); fi
        curl "${curl_options[@]}" "$url" || die "download of $url failed"
        echo "$sha256  $work/runit.tar.gz" | sha256sum -c --quiet - ||
            die "checksum mismatch for $url (expected $sha256)"
        tar -xzf "$work/runit.tar.gz" -C "$work"
        # The tarball unpacks to admin/runit-VERSION/src (some mirrors drop admin/).
        src=""
        for candidate in "$work"/admin/runit-*/src "$work"/runit-*/src; do
            if [ -d "$candidate" ]; then src=$candidate; break; fi
        done
        [ -n "$src" ] || die "no runit-*/src directory in $url"
        # Only these five: runit and runit-init link -static (glibc-static, from CRB).
        # GCC 14 (EL10) turns old-style C into errors; runit 2.1.2 predates that.
        echo "gcc -O2 -Wall -Wno-error=implicit-function-declaration -Wno-error=implicit-int -Wno-error=incompatible-pointer-types -Wno-error=int-conversion" >"$src/conf-cc"
        echo "gcc -s" >"$src/conf-ld"
        make -C "$src" "${tools[@]}" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; die "building runit failed"; }
        for tool in "${tools[@]}"; do
            install -m 0755 "$src/$tool" "$outdir/$tool"
        done
        ;;
    *) die "RUNIT_FROM must be package, source or auto, got '$from'" ;;
esac
echo "*** runit tools ($from) in $outdir: ${tools[*]}"
