#!/usr/bin/env bash
# Create (or reuse) a venv holding exactly the hash-pinned requirements, rebuilt when the
# pins (or patches) change. Used by build/build.sh (Nuitka) and tools/bench.sh (matplotlib).
#
#   bash build/pinned-venv.sh PYTHON VENV REQUIREMENTS [PATCH...]
#
# Each PATCH (a unified diff against the installed packages, paths from site-packages,
# e.g. build/nuitka-inspect-on-import.patch) is applied with `patch -p1` after the
# install; one that does not apply cleanly (the pinned version changed) is an error.
#
# Env: PIP_CA_BUNDLE (an extra CA bundle, for TLS proxies) and PIP_INDEX_URL (another
# index) are honoured for this install and stored nowhere. PIP_PYTHON (default python3):
# the Python whose pip installs when PYTHON has no ssl or zlib (see below).
set -euo pipefail

# shellcheck source=build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -ge 3 ] || die "usage: build/pinned-venv.sh PYTHON VENV REQUIREMENTS [PATCH...]"
python=$1 venv=$2 requirements=$3
shift 3
patches=("$@")
for patch_file in "${patches[@]}"; do
    [ -r "$patch_file" ] || die "patch '$patch_file' is not a readable file"
done
if [ ${#patches[@]} -gt 0 ]; then
    command -v patch >/dev/null 2>&1 || die "'patch' is not installed (Debian and EL: package patch)"
fi

if [ -n "${PIP_CA_BUNDLE:-}" ]; then
    [ -r "$PIP_CA_BUNDLE" ] || die "PIP_CA_BUNDLE '$PIP_CA_BUNDLE' is not a readable file"
    export PIP_CERT=$PIP_CA_BUNDLE
fi
if [ -z "${PIP_INDEX_URL:-}" ]; then
    unset PIP_INDEX_URL
else
    export PIP_INDEX_URL
fi

# A Python without ssl or zlib (the static build's, build/static-python.sh) has no pip that
# can fetch: the pip of PIP_PYTHON (default python3) installs the packages into its venv,
# from a venv of its own (no system pip needed, nothing installed beside it). Both must be
# the same X.Y: the packages land in the venv's lib/pythonX.Y.
install_with_another_pip() {
    local installer=${PIP_PYTHON:-python3} version installer_version helper
    command -v "$installer" >/dev/null 2>&1 ||
        die "'$python' has no ssl or zlib module, so another Python must install the packages: PIP_PYTHON '$installer' not found"
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    installer_version=$("$installer" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$version" = "$installer_version" ] ||
        die "PIP_PYTHON '$installer' is Python $installer_version; the venv's '$python' is $version (they must match)"
    "$python" -m venv --without-pip "$venv" || die "'$python -m venv --without-pip' failed"
    helper=$(mktemp -d)
    "$installer" -m venv "$helper/venv" || { rm -rf "$helper"; die "'$installer -m venv' failed (Debian: apt-get install python3-venv)"; }
    "$helper/venv/bin/python" -m pip install --quiet --disable-pip-version-check --prefix "$venv" \
        --ignore-installed --no-warn-script-location --require-hashes -r "$requirements" ||
        { rm -rf "$helper"; die "pip install --prefix $venv -r $requirements failed (with $installer's pip)"; }
    rm -rf "$helper"
}

wanted_stamp=$(cat "$requirements" "${patches[@]}" | cksum)
if [ "$(cat "$venv/.requirements-stamp" 2>/dev/null)" != "$wanted_stamp" ]; then
    echo "*** creating $venv from $requirements"
    rm -rf "$venv"
    if "$python" -c 'import ssl, zlib' 2>/dev/null; then
        "$python" -m venv "$venv" || die "'$python -m venv' failed (Debian: apt-get install python3-venv)"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --require-hashes -r "$requirements" || die "pip install -r $requirements failed"
    else
        install_with_another_pip
    fi
    site_packages=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    for patch_file in "${patches[@]}"; do
        echo "*** patching $site_packages with $patch_file"
        # the dry run first: a patch that does not apply exactly (no fuzz) changes nothing
        patch --directory="$site_packages" -p1 --forward --batch --fuzz=0 --dry-run --quiet <"$patch_file" ||
            die "$patch_file does not apply to the packages of $requirements (update the patch for the pinned version)"
        patch --directory="$site_packages" -p1 --forward --batch --fuzz=0 --quiet <"$patch_file" ||
            die "applying $patch_file failed"
    done
    printf '%s\n' "$wanted_stamp" >"$venv/.requirements-stamp"
fi
