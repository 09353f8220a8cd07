#!/usr/bin/env bash
# make bench: the PID-1 benchmark (tools/bench.py) in its own venv, the only place that
# has matplotlib (for dist/bench.png). Run as root after `make init`; arguments go to
# bench.py (e.g. --quick, --inits compiled,tini). Env: PYTHON (venv interpreter, default
# python3), PIP_CA_BUNDLE and PIP_INDEX_URL as for the build.
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ "$(id -u)" -eq 0 ] || die "must run as root (every init runs as PID 1 of new namespaces)"
prepare_bench_venv
exec "$bench_python" "$repo_root/tools/bench.py" "$@"
