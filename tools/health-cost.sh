#!/usr/bin/env bash
# Cost per call of the health check, in a running container of IMAGE, against the
# compiled my_init binary starting up (what a compiled health command would cost at the
# least): wall time per call (mean of N calls, timed inside the container) and peak RSS
# (GNU time's maximum resident set size over the call's processes).
#
#   bash tools/health-cost.sh IMAGE [N]      (needs docker and the host's /usr/bin/time,
#                                             copied into the container: a glibc base;
#                                             CONTAINER_NAME names the container)
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -ge 1 ] || die "usage: tools/health-cost.sh IMAGE [N]"
image=$1
calls=${2:-200}
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed"
name=${CONTAINER_NAME:-health-cost-$$}
docker run -d --name "$name" "$image" >/dev/null
trap 'docker rm -f "$name" >/dev/null' EXIT
docker cp /usr/bin/time "$name:/tmp/gnu-time"
# Until healthy: every service up, so the check walks its full path.
for _ in $(seq 100); do
    docker exec "$name" /sbin/my_init_health >/dev/null 2>&1 && break
    sleep 0.2
done
docker exec "$name" /sbin/my_init_health >/dev/null || die "the container did not become healthy"

measure() {
    local label=$1
    shift
    local per_call peak
    # shellcheck disable=SC2016  # expanded by the container's shell
    per_call=$(docker exec "$name" sh -c '
        n=$1; shift
        start=$(date +%s%N)
        i=0
        while [ "$i" -lt "$n" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done
        end=$(date +%s%N)
        echo $(( (end - start) / n / 1000 ))' sh "$calls" "$@")
    peak=$(docker exec "$name" /tmp/gnu-time -f %M "$@" 2>&1 >/dev/null | tail -n 1)
    awk -v label="$label" -v us="$per_call" -v kb="$peak" 'BEGIN { printf "%-40s %8.2f ms/call %8d KB peak RSS\n", label, us / 1000, kb }'
}

echo "*** $image, $calls calls each"
measure "my_init_health (sh + sv per service)" /sbin/my_init_health
measure "compiled binary start (setuser --help)" /usr/lib/my_init/setuser --help
