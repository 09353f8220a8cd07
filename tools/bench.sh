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

bash "$root/build/pinned-venv.sh" "$python" "$venv" "$requirements" || exit 1

exec "$venv/bin/python" "$root/tools/bench.py" "$@"
