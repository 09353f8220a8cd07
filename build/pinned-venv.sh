#!/usr/bin/env bash
# Create (or reuse) a venv holding exactly the hash-pinned requirements, rebuilt when the
# pins change. Used by build/build.sh (Nuitka) and tools/bench.sh (matplotlib).
#
#   bash build/pinned-venv.sh PYTHON VENV REQUIREMENTS
#
# Env: PIP_CA_BUNDLE (an extra CA bundle, for TLS proxies) and PIP_INDEX_URL (another
# index) are honoured for this install and stored nowhere.
set -euo pipefail

die() {
    echo "pinned-venv.sh: $*" >&2
    exit 1
}

[ $# -eq 3 ] || die "usage: build/pinned-venv.sh PYTHON VENV REQUIREMENTS"
python=$1 venv=$2 requirements=$3

if [ -n "${PIP_CA_BUNDLE:-}" ]; then
    [ -r "$PIP_CA_BUNDLE" ] || die "PIP_CA_BUNDLE '$PIP_CA_BUNDLE' is not a readable file"
    export PIP_CERT=$PIP_CA_BUNDLE
fi
if [ -z "${PIP_INDEX_URL:-}" ]; then
    unset PIP_INDEX_URL
else
    export PIP_INDEX_URL
fi

wanted_stamp=$(cksum <"$requirements")
if [ "$(cat "$venv/.requirements-stamp" 2>/dev/null)" != "$wanted_stamp" ]; then
    echo "*** creating $venv from $requirements"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "'$python -m venv' failed (Debian: apt-get install python3-venv)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-hashes -r "$requirements" || die "pip install -r $requirements failed"
    printf '%s\n' "$wanted_stamp" >"$venv/.requirements-stamp"
fi
