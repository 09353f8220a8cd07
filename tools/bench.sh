#!/usr/bin/env bash
# make bench: the PID-1 benchmark (tools/bench.py) in its own venv, the only place that
# has matplotlib (for dist/bench.png). Run as root after `make init`; arguments go to
# bench.py (e.g. --quick, --inits compiled,tini). Env: PYTHON (venv interpreter, default
# python3), PIP_CA_BUNDLE and PIP_INDEX_URL as for the build.
set -euo pipefail

die() {
    echo "bench.sh: $*" >&2
    exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
venv=$root/build/out/bench-venv
requirements=$root/tools/bench-requirements.txt

[ "$(id -u)" -eq 0 ] || die "must run as root (every init runs as PID 1 of new namespaces)"
command -v "$python" >/dev/null 2>&1 || die "PYTHON '$python' not found"

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
    echo "*** creating the benchmark venv in $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "'$python -m venv' failed"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-hashes -r "$requirements" || die "pip install -r $requirements failed"
    printf '%s\n' "$wanted_stamp" >"$venv/.requirements-stamp"
fi

exec "$venv/bin/python" "$root/tools/bench.py" "$@"
