#!/usr/bin/env bash
# Build the builder (Dockerfile.builder) and then the image (Dockerfile), streaming
# docker's progress. `make build` runs this.
#
# Environment:
#   NAME           image name (default baseimage-centos); the builder is NAME-builder
#   VERSION        tag (default: the VERSION file)
#   BASE_IMAGE     base of both (default quay.io/centos/centos:stream10)
#   PIP_CA_BUNDLE  optional CA bundle file for pip and downloads in the builder (TLS
#                  proxies); it goes into the builder's throw-away stage only
#   PIP_INDEX_URL  optional package index for pip in the builder
#   RUNIT_URL      optional mirror of runit's upstream tarball (EL bases)
#   DISABLE_SYSLOG, DISABLE_SSH, DISABLE_CRON   1 leaves that service out (default 0)
#   DOCKER_BUILD_OPTIONS  extra `docker build` options, split on spaces (e.g. --no-cache)
set -euo pipefail

die() {
    echo "build-image.sh: $*" >&2
    exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${NAME:-baseimage-centos}
version=${VERSION:-$(cat "$root/VERSION")}
base_image=${BASE_IMAGE:-quay.io/centos/centos:stream10}
builder_image="$name-builder:$version"
image="$name:$version"
read -r -a extra_options <<<"${DOCKER_BUILD_OPTIONS:-}"

for flag in DISABLE_SYSLOG DISABLE_SSH DISABLE_CRON; do
    case ${!flag:-0} in
        0 | 1) ;;
        *) die "$flag must be 0 or 1, got '${!flag}'" ;;
    esac
done
if [ -n "${PIP_CA_BUNDLE:-}" ] && [ ! -r "$PIP_CA_BUNDLE" ]; then
    die "PIP_CA_BUNDLE '$PIP_CA_BUNDLE' is not a readable file"
fi
command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is dockerd running?)"

# The builder gets its own context: the sources it compiles plus the CA bundle, so the
# bundle never sits in the repository and never reaches the image's context.
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
tar -C "$root" -cf - --exclude=__pycache__ --exclude='*.pyc' --exclude=build/out \
    Dockerfile.builder image/lib image/builder init build | tar -C "$context" -xf -
if [ -n "${PIP_CA_BUNDLE:-}" ]; then
    cp "$PIP_CA_BUNDLE" "$context/pip-ca.crt"
else
    : >"$context/pip-ca.crt"
fi

builder_args=(--build-arg "BASE_IMAGE=$base_image" --build-arg "PIP_INDEX_URL=${PIP_INDEX_URL:-}")
if [ -n "${RUNIT_URL:-}" ]; then builder_args+=(--build-arg "RUNIT_URL=$RUNIT_URL"); fi

echo "*** building $builder_image on $base_image"
started=$(date +%s)
docker build "${extra_options[@]}" "${builder_args[@]}" \
    -f "$context/Dockerfile.builder" -t "$builder_image" "$context"
echo "*** built $builder_image in $(($(date +%s) - started)) s"

echo "*** building $image on $base_image"
started=$(date +%s)
docker build "${extra_options[@]}" \
    --build-arg "BUILDER_IMAGE=$builder_image" \
    --build-arg "BASE_IMAGE=$base_image" \
    --build-arg "VERSION=$version" \
    --build-arg "DISABLE_SYSLOG=${DISABLE_SYSLOG:-0}" \
    --build-arg "DISABLE_SSH=${DISABLE_SSH:-0}" \
    --build-arg "DISABLE_CRON=${DISABLE_CRON:-0}" \
    -f "$root/Dockerfile" -t "$image" "$root"
echo "*** built $image in $(($(date +%s) - started)) s"
docker image ls "$name"
bash "$root/tools/image-size.sh" "$image" "$base_image"
