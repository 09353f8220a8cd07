#!/usr/bin/env bash
# Build the CPython that my_init's static build compiles with: CPython from Debian's
# python3.11 source package (its upstream tarball, SHA-256 pinned in defaults.env), built
# with musl-gcc into a static interpreter and a static libpython3.11.a, every extension
# module the init or Nuitka needs built in. build/build.sh run with this Python (make init,
# and Dockerfile.builder) links my_init into one static executable: no ELF interpreter, no
# shared library, the same bytes on every distribution of the architecture.
#
#   bash build/static-python.sh PREFIX      (prints nothing more when PREFIX is up to date)
#
# Why each step:
# - musl, not glibc: glibc's static programs still dlopen NSS modules for user and group
#   look-ups (getpwnam, for setuser and the docker_env group), and warn about it; musl
#   reads /etc/passwd and /etc/group itself.
# - MULTIARCH emptied in configure: configure compares the target triplet it derives
#   (x86_64-linux-musl) with `$CC --print-multiarch`, which musl-gcc passes to Debian's gcc
#   (x86_64-linux-gnu), and stops; with no multiarch it takes the derived triplet.
# - Modules/Setup.local: on Linux, configure builds the extension modules as shared
#   objects through setup.py, and a static program cannot load them. Every module of the
#   standard Setup.stdlib that needs no outside library is listed under *static* (built
#   in), with _prctl (build/static/prctlmodule.c: prctl(2) without ctypes); the modules
#   that need outside libraries (zlib, OpenSSL, libffi, ...) are *disabled*, so setup.py
#   builds nothing. Nuitka's builtin_inittab.py then keeps only what the init imports.
#   _ctypes is built in with a static libffi (Debian's libffi source, pinned the same way,
#   built with musl-gcc; --disable-exec-static-tramp: its trampolines need kernel headers
#   musl-gcc does not see): Nuitka itself imports ctypes. ctypes.pythonapi becomes None
#   where dlopen cannot work (a static program), which is how Nuitka tells a statically
#   linked Python; the init itself does not use ctypes in this build (_prctl instead).
# - --disable-test-modules, --without-ensurepip: no pip inside it (it has no ssl module:
#   build/pinned-venv.sh installs Nuitka with another Python's pip).
#
# Env: STATIC_PYTHON_WORK (scratch, default: a temporary directory), CC (default
# musl-gcc). The sources are fetched by build/debian-source.sh into PREFIX's parent's
# sources/ (kept: a rebuild does not fetch again). Needs musl-gcc (Debian: musl-tools), make and apt-get (fetch).
set -euo pipefail

# shellcheck source=build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=defaults.env
. "$build_dir/../defaults.env"

[ $# -eq 1 ] || die "usage: build/static-python.sh PREFIX"
prefix=$1
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
cc=${CC:-musl-gcc}
command -v "$cc" >/dev/null 2>&1 || die "the C compiler '$cc' is not installed (Debian: apt-get install musl-tools)"
command -v make >/dev/null 2>&1 || die "make is not installed"
sha256=${CPYTHON_SOURCE_SHA256:-$DEFAULT_CPYTHON_SOURCE_SHA256}
package=${CPYTHON_SOURCE_PACKAGE:-$DEFAULT_CPYTHON_SOURCE_PACKAGE}
libffi_sha256=${LIBFFI_SOURCE_SHA256:-$DEFAULT_LIBFFI_SOURCE_SHA256}
libffi_package=${LIBFFI_SOURCE_PACKAGE:-$DEFAULT_LIBFFI_SOURCE_PACKAGE}

# The built modules, and those left to setup.py's shared build (none may be).
static_modules=(array _asyncio _bisect _contextvars _csv _heapq _json _opcode _pickle _queue _random _struct
    _typing _zoneinfo math cmath _statistics _datetime _decimal binascii _md5 _sha1 _sha256 _sha512 _sha3
    _blake2 pyexpat _elementtree unicodedata fcntl grp mmap _posixsubprocess resource select _socket termios)
disabled_modules=(_lzma zlib nis _uuid _bz2 _gdbm _crypt ossaudiodev _sqlite3 _ssl _hashlib _tkinter
    _curses _curses_panel _dbm readline _xxsubinterpreters audioop _multiprocessing _posixshmem spwd syslog
    _lsprof _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _multibytecodec
    _ctypes_test _testbuffer _testcapi _testclinic _testimportmultiple _testinternalcapi _testmultiphase
    _xxtestfuzz xxlimited xxlimited_35 _scproxy)

# Up to date when built from the same source, script and module by the same compiler.
stamp=$(cat "${BASH_SOURCE[0]}" "$build_dir/static/prctlmodule.c" | cksum | cut -d' ' -f1)-$sha256-$libffi_sha256-$("$cc" -dumpversion)
if [ "$(cat "$prefix/.static-python-stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$prefix/bin/python3" ]; then
    exit 0
fi

sources=$(dirname "$prefix")/sources
source_tarball=$sources/$package-$sha256.orig.tar
libffi_tarball=$sources/$libffi_package-$libffi_sha256.orig.tar
bash "$build_dir/debian-source.sh" "$package" "$sha256" "$source_tarball" || exit 1
bash "$build_dir/debian-source.sh" "$libffi_package" "$libffi_sha256" "$libffi_tarball" || exit 1

work=${STATIC_PYTHON_WORK:-}
if [ -z "$work" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
rm -rf "$work/src" "$work/libffi-src" "$work/libffi"
mkdir -p "$work/src" "$work/libffi-src"

echo "*** building a static libffi ($libffi_package source, $cc)"
tar -xf "$libffi_tarball" -C "$work/libffi-src" --strip-components=1 || die "cannot unpack $libffi_tarball"
(cd "$work/libffi-src" && CC=$cc ./configure --prefix="$work/libffi" --disable-shared --enable-static \
    --disable-docs --disable-multi-os-directory --disable-exec-static-tramp >"$work/libffi.log" 2>&1 &&
    make -j "$jobs" >>"$work/libffi.log" 2>&1 && make install >>"$work/libffi.log" 2>&1) ||
    { tail -n 30 "$work/libffi.log" >&2; die "building libffi failed (log: $work/libffi.log)"; }
tar -xf "$source_tarball" -C "$work/src" --strip-components=1 || die "cannot unpack $source_tarball"
src=$work/src
[ -x "$src/configure" ] || die "$source_tarball holds no CPython source (no configure)"

# configure's multiarch check (see above): the one line, or the build stops here.
# shellcheck disable=SC2016  # the literal line of configure, not to expand
multiarch_line='    MULTIARCH=$($CC --print-multiarch 2>/dev/null)'
grep -qxF "$multiarch_line" "$src/configure" ||
    die "$source_tarball: configure has no line '$multiarch_line' to empty (another CPython release?)"
sed -i "s/^    MULTIARCH=\$(\$CC --print-multiarch 2>\/dev\/null)$/    MULTIARCH=/" "$src/configure"

# ctypes in a static program: no pythonapi (see above). The one line, or stop here.
pythonapi_line='    pythonapi = PyDLL(None)'
grep -qxF "$pythonapi_line" "$src/Lib/ctypes/__init__.py" ||
    die "$source_tarball: Lib/ctypes/__init__.py has no line '$pythonapi_line' (another CPython release?)"
sed -i 's/^    pythonapi = PyDLL(None)$/    try:\n        pythonapi = PyDLL(None)\n    except OSError:  # a static program cannot dlopen\n        pythonapi = None/' \
    "$src/Lib/ctypes/__init__.py"

cp "$build_dir/static/prctlmodule.c" "$src/Modules/prctlmodule.c"
{
    echo "# Written by build/static-python.sh: every module built in, none shared."
    echo "*static*"
    # Each module's line as the standard Setup.stdlib.in has it (its sources).
    for module in "${static_modules[@]}"; do
        line=$(sed -n -E "s/^@MODULE_[A-Z0-9_]+_TRUE@($module [^#]*)$/\\1/p" "$src/Modules/Setup.stdlib.in")
        [ -n "$line" ] || die "Modules/Setup.stdlib.in has no line for $module (another CPython release?)"
        printf '%s\n' "$line"
    done
    echo "_prctl prctlmodule.c"
    # (No "=" on a module's line: makesetup takes such a line for a variable.)
    echo "_ctypes _ctypes/_ctypes.c _ctypes/callbacks.c _ctypes/callproc.c _ctypes/stgdict.c _ctypes/cfield.c" \
        "-I$work/libffi/include $work/libffi/lib/libffi.a" \
        "-DHAVE_FFI_PREP_CIF_VAR -DHAVE_FFI_PREP_CLOSURE_LOC -DHAVE_FFI_CLOSURE_ALLOC"
    echo "*disabled*"
    printf '%s\n' "${disabled_modules[@]}"
} >"$src/Modules/Setup.local"

echo "*** building a static CPython ($package source, $cc) into $prefix"
# No pkg-config: the host's .pc files describe glibc libraries (zlib, ...), and configure
# would take their word without trying a musl compile.
(cd "$src" && CC=$cc LDFLAGS="-static" MODULE_BUILDTYPE=static PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH='' ./configure --prefix="$prefix" \
    --disable-shared --without-ensurepip --disable-test-modules >"$work/configure.log" 2>&1) ||
    { tail -n 30 "$work/configure.log" >&2; die "configuring CPython failed (log: $work/configure.log)"; }
make -C "$src" -j "$jobs" >"$work/make.log" 2>&1 ||
    { tail -n 30 "$work/make.log" >&2; die "building CPython failed (log: $work/make.log)"; }
rm -rf "$prefix"
make -C "$src" install >"$work/install.log" 2>&1 ||
    { tail -n 30 "$work/install.log" >&2; die "installing CPython failed (log: $work/install.log)"; }

# What a static build must be: no interpreter, every listed module built in.
python=$prefix/bin/python3
"$python" - "${static_modules[@]}" _prctl _ctypes <<'EOF' || die "the static CPython in $prefix is not what was asked for"
import sys
missing = sorted(set(sys.argv[1:]) - set(sys.builtin_module_names))
if missing:
    sys.exit("static-python.sh: not built in: " + " ".join(missing))
EOF
if readelf -l "$python" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$python asks for an ELF interpreter: not a static program"
fi
printf '%s\n' "$stamp" >"$prefix/.static-python-stamp"
echo "*** static CPython: $python ($("$python" -V 2>&1))"
