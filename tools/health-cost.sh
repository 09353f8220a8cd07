#!/usr/bin/env bash
# Cost per call of the health check, in a running container of IMAGE, against the
# compiled my_init binary starting up (what a compiled health command would cost at the
# least): wall time per call (mean of N calls, timed inside the container) and peak RSS
# (GNU time's maximum resident set size over the call's processes). Prints them and writes
# them to OUT/health-cost.json (OUT default dist/); `python3 tools/publish_bench.py
# health-cost` publishes that run in docs/benchmark.md (a table generated from the JSON).
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
[[ $calls =~ ^[1-9][0-9]*$ ]] || die "N must be a whole number of calls, got '$calls'"
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

# measure LABEL COMMAND...: prints LABEL's line, then "MICROSECONDS_PER_CALL PEAK_RSS_KB"
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
    [[ $per_call =~ ^[0-9]+$ && $peak =~ ^[0-9]+$ ]] || die "$label: no figures (time: '$per_call', peak: '$peak')"
    awk -v label="$label" -v us="$per_call" -v kb="$peak" 'BEGIN { printf "%-40s %8.2f ms/call %8d KB peak RSS\n", label, us / 1000, kb }' >&2
    echo "$per_call $peak"
}

echo "*** $image, $calls calls each"
health=$(measure "my_init_health (sh + sv per service)" /sbin/my_init_health)
compiled=$(measure "compiled binary start (setuser --help)" /usr/lib/my_init/setuser --help)
read -r health_us health_kb <<<"$health"
read -r compiled_us compiled_kb <<<"$compiled"

out=${OUT:-$repo_root/dist}
mkdir -p "$out"
# The figures as measured: microseconds per call (mean of CALLS), kB of peak RSS.
printf '{\n  "date": "%s",\n  "image": "%s",\n  "calls": %d,\n  "cores": %d,\n  "results": {\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$image" "$calls" "$(nproc)" >"$out/health-cost.json"
printf '    "health": {"us_per_call": %d, "peak_rss_kb": %d},\n' "$health_us" "$health_kb" >>"$out/health-cost.json"
printf '    "compiled-start": {"us_per_call": %d, "peak_rss_kb": %d}\n  }\n}\n' "$compiled_us" "$compiled_kb" \
    >>"$out/health-cost.json"
echo "*** wrote $out/health-cost.json"
