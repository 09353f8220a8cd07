# shellcheck shell=bash
# What the scripts under tools/ share, in one place. Source it first:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# It sets repo_root (the checkout) and reads defaults.env (the DEFAULT_* variables), and
# defines:
#
#   die MESSAGE...        print "SCRIPT: MESSAGE" on stderr and exit 1
#   require_docker        fail unless the docker command is installed and its engine answers
#   prepare_bench_venv    make or refresh the bench's venv (tools/bench-requirements.txt,
#                         with PYTHON, default python3) and set bench_python to its python
#   run_labelled_bench LABEL COMMAND...
#                         run a bench whose containers carry LABEL and exit with its
#                         status; whatever ends it, those containers are removed first
#
# (tools/docker-ssh and tools/docker-bash do not use it: they are installed on their own.)

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=defaults.env
. "$repo_root/defaults.env"

# die: build/common.sh's, the one the build scripts use too
# shellcheck source=build/common.sh
. "$repo_root/build/common.sh"

require_docker() {
    command -v docker >/dev/null 2>&1 || die "docker is not installed"
    docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is dockerd running?)"
}

prepare_bench_venv() {
    local python=${PYTHON:-python3} venv=$repo_root/build/out/bench-venv
    command -v "$python" >/dev/null 2>&1 || die "PYTHON '$python' not found"
    bash "$repo_root/build/pinned-venv.sh" "$python" "$venv" "$repo_root/tools/bench-requirements.txt" || exit 1
    # shellcheck disable=SC2034  # the caller's
    bench_python=$venv/bin/python
}

# In the background, so that a signal to the script runs the trap at once (bash runs
# traps only between commands, and `wait` is interruptible where a foreground child is not).
run_labelled_bench() {
    bench_label=$1
    shift
    bench_pid=
    trap remove_bench_containers EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    "$@" &
    bench_pid=$!
    local status=0
    wait "$bench_pid" || status=$?
    bench_pid=
    exit "$status"
}

# shellcheck disable=SC2329  # invoked by run_labelled_bench's EXIT trap
remove_bench_containers() {
    local status=$? left
    if [ -n "$bench_pid" ]; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    left=$(docker ps --all --quiet --filter "label=$bench_label")
    if [ -n "$left" ]; then
        echo "${0##*/}: removing the run's containers" >&2
        # shellcheck disable=SC2086  # one container id per word
        docker rm --force --volumes $left >/dev/null || true
    fi
    exit "$status"
}
