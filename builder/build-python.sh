#!/usr/bin/env bash
# Dockerfile.builder: provide the Python that build/build.sh compiles my_init with, one
# that ships a static libpython, and write its path to OUTFILE.
#
#   build-python.sh PREFIX OUTFILE
#
# Why: Nuitka links libpython statically when the Python it runs on ships libpythonX.Y.a;
# the binary then holds only the parts of it the init uses, and build.sh leaves out every
# built-in module the init does not import (build/builtin_inittab.py). Debian's
# python3-dev ships that library. The EL family's python3 does not (Fedora and RHEL build
# it without, their patch 00111), and a shared libpython costs every container more
# memory and the dist the whole library (README, "How small it got"). So where python3
# has no static library, this builds CPython of the same minor version (the release
# pinned below, checksum verified) as a static build (--disable-shared) into PREFIX. It
# runs in the builder's compile stage only; nothing of it reaches the image.
#
# BUILD_PYTHON_FROM  system | source | auto (default: system when python3 has a static
#                    libpython, else source)
# CPYTHON_VERSION    the release to build (default: the one pinned for python3's X.Y)
# CPYTHON_SHA256     its tarball's sha256 (needed with CPYTHON_VERSION)
# CPYTHON_URL        its tarball (default https://www.python.org/ftp/python/V/Python-V.tgz)
# CPYTHON_CA_BUNDLE  optional CA bundle for the download (TLS proxies)
# PYTHON             the distribution's Python (default python3)
set -euo pipefail

# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

# The CPython release built for each minor version, and its .tgz's sha256 (python.org's
# tarballs; the same figures as pyenv's python-build definitions). 3.9 is EL9's python3
# (3.9.21 in EL 9.6), 3.12 EL10's (3.12.9 in EL 10.0).
pinned_release() {
    case $1 in
        3.9) echo "3.9.21 667c3ba2ca98d39ead1162f6548c3475768582e2ff89e0821d25eb956ac09944" ;;
        3.12) echo "3.12.9 45313e4c5f0e8acdec9580161d565cf5fea578e3eabf25df7cc6355bf4afa1ee" ;;
    esac
}

[ $# -eq 2 ] || die "usage: build-python.sh PREFIX OUTFILE"
prefix=$1 outfile=$2
python=${PYTHON:-python3}
from=${BUILD_PYTHON_FROM:-auto}
case $from in
    auto | system | source) ;;
    *) die "BUILD_PYTHON_FROM must be system, source or auto, got '$from'" ;;
esac

command -v "$python" >/dev/null 2>&1 || die "the distribution's Python '$python' is not installed"
# "X.Y.Z 1|0 EXECUTABLE": the version, whether a static libpython ships, the interpreter
read -r system_version system_static system_executable < <("$python" -c '
import glob, os, sys, sysconfig
libpl = sysconfig.get_config_var("LIBPL") or ""
static = glob.glob(os.path.join(libpl, "libpython%d.%d*.a" % sys.version_info[:2]))
print("%d.%d.%d" % sys.version_info[:3], 1 if static else 0, sys.executable)') ||
    die "could not ask '$python' for its version"
minor=${system_version%.*}

if [ "$from" = auto ]; then
    if [ "$system_static" = 1 ]; then from=system; else from=source; fi
fi
if [ "$from" = system ]; then
    [ "$system_static" = 1 ] ||
        die "BUILD_PYTHON_FROM=system: $system_executable ($system_version) has no static libpython"
    printf '%s\n' "$system_executable" >"$outfile"
    echo "*** build Python: $system_executable ($system_version, static libpython)"
    exit 0
fi

if [ -n "${CPYTHON_VERSION:-}" ]; then
    version=$CPYTHON_VERSION
    sha256=${CPYTHON_SHA256:-}
    [ -n "$sha256" ] || die "CPYTHON_VERSION=$version needs CPYTHON_SHA256 (its tarball's checksum)"
else
    read -r version sha256 < <(pinned_release "$minor") ||
        die "no CPython release pinned for Python $minor (the distribution's $system_version); set CPYTHON_VERSION and CPYTHON_SHA256"
fi
case $version in
    "$minor".*) ;;
    *) die "CPython $version is not the distribution's minor version $minor" ;;
esac
url=${CPYTHON_URL:-https://www.python.org/ftp/python/$version/Python-$version.tgz}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "*** downloading $url (the distribution's python3 is $system_version and has no static libpython)"
curl_options=(-fsSL --retry 3 -o "$work/python.tgz")
if [ -s "${CPYTHON_CA_BUNDLE:-}" ]; then curl_options+=(--cacert "$CPYTHON_CA_BUNDLE"); fi
curl "${curl_options[@]}" "$url" || die "download of $url failed"
echo "$sha256  $work/python.tgz" | sha256sum -c --quiet - || die "checksum mismatch for $url (expected $sha256)"
tar -xzf "$work/python.tgz" -C "$work"
src=$work/Python-$version
[ -x "$src/configure" ] || die "$url holds no Python-$version/configure"

echo "*** building CPython $version (static libpython) into $prefix"
# --disable-shared: libpythonX.Y.a, and a python linked with it. No ensurepip run at
# install (venv still bootstraps pip from the bundled wheel); no test modules.
(cd "$src" && ./configure --prefix="$prefix" --disable-shared --without-ensurepip \
    --disable-test-modules >"$work/configure.log" 2>&1) ||
    { tail -n 40 "$work/configure.log" >&2; die "configuring CPython $version failed"; }
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
make -C "$src" -j "$jobs" >"$work/make.log" 2>&1 ||
    { tail -n 40 "$work/make.log" >&2; die "building CPython $version failed"; }
make -C "$src" install >"$work/install.log" 2>&1 ||
    { tail -n 40 "$work/install.log" >&2; die "installing CPython $version failed"; }
built=$prefix/bin/python$minor
[ -x "$built" ] || die "the build installed no $built"
printf '%s\n' "$built" >"$outfile"
echo "*** build Python: $built (CPython $version, static libpython)"
