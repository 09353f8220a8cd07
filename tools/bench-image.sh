#!/usr/bin/env bash
# make bench-image: per-container memory of idle containers of the image, of the image
# with the interpreted init, and of its base with tini (tools/bench_image.py), in the
# bench's venv (matplotlib, for dist/bench-image.png). Run it after `make build`, on the
# Docker engine's host (root is not needed); arguments go to bench_image.py (e.g.
# --containers 2, --settle 5, --out DIR).
# Env: IMAGE (the image under test, default baseimage-centos:<VERSION>), BASE_IMAGE (its
# base; default the image's base.name label), PYTHON (venv interpreter, default python3),
# PIP_CA_BUNDLE and PIP_INDEX_URL as for the build, BENCH_RUN_ID (container names/label).
#
# Whatever ends the run (an error, Ctrl-C, TERM), the trap removes every container that
# carries this run's label, also one whose `docker run` was cut short.
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

image=${IMAGE:-baseimage-centos:$(cat "$repo_root/VERSION")}
run_id=${BENCH_RUN_ID:-$(date +%s)-$$}
label=baseimage-centos.bench-image.run=$run_id

require_docker
prepare_bench_venv

run_labelled_bench "$label" "$bench_python" "$repo_root/tools/bench_image.py" --image "$image" \
    --base-image "${BASE_IMAGE:-}" --run-id "$run_id" "$@"
