#!/usr/bin/env bash
# make bench-compare: the same services (syslog-ng, cron, sshd, an idle main command)
# under the image's compiled my_init, the interpreted one, supervisord, s6 and systemd,
# N idle containers of each (tools/bench_compare.py), in the bench's venv (psutil,
# matplotlib). As root, after `make build`, on the Docker engine's host; needs hyperfine
# (Debian's package; `make test-host` installs it). Arguments go to `bench_compare.py run`
# (e.g. --containers 1, --settle 2, --out DIR, --docs; --help lists them).
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
label=baseimage-centos.bench-compare.run=$run_id

[ "$(id -u)" -eq 0 ] || die "run it as root: it reads the containers' /proc and cgroups from this host"
require_docker
command -v hyperfine >/dev/null 2>&1 || die "hyperfine is not installed (Debian: apt-get install hyperfine; make test-host installs it)"
prepare_bench_venv

run_labelled_bench "$label" "$bench_python" "$repo_root/tools/bench_compare.py" run --image "$image" \
    --base-image "${BASE_IMAGE:-}" --run-id "$run_id" "$@"
