#!/usr/bin/env bash
# Build the builder (Dockerfile.builder) and then the image (Dockerfile), streaming
# docker's progress. `make build` runs this.
#
# Environment:
#   NAME           image name (default baseimage-centos); the builder is NAME-builder,
#                  tagged VERSION and latest (the Dockerfile's default BUILDER_IMAGE is
#                  baseimage-centos-builder:latest, so a plain `docker build .` finds it)
#   VERSION        version (default: the VERSION file)
#   TAG            the image's tag (default VERSION, plus -nosyslog, -nossh, -nocron for
#                  each service left out, so a stripped image never replaces the full one)
#   BUILDER_IMAGE  an existing builder image to use instead of building one
#   BASE_IMAGE     the image's base (default: defaults.env's DEFAULT_BASE_IMAGE), and the
#                  base on which the builder compiles runit and the services' helpers
#   BUILDER_BASE   the Debian 12 image on which the builder builds the static init, the
#                  same for every BASE_IMAGE (default: defaults.env's DEFAULT_BUILDER_BASE)
#   PIP_CA_BUNDLE  optional CA bundle file for pip and downloads in the builder (TLS
#                  proxies); it goes into the builder's throw-away stage only
#   PIP_INDEX_URL  optional package index for pip in the builder
#   DISABLE_SYSLOG, DISABLE_SSH, DISABLE_CRON   1 leaves that service out (default 0)
#   DOCKER_BUILD_OPTIONS  extra `docker build` options, split on spaces (e.g. --no-cache)
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

name=${NAME:-baseimage-centos}
version=${VERSION:-$(cat "$repo_root/VERSION")}
base_image=${BASE_IMAGE:-$DEFAULT_BASE_IMAGE}
builder_base=${BUILDER_BASE:-$DEFAULT_BUILDER_BASE}
builder_image=${BUILDER_IMAGE:-}
read -r -a extra_options <<<"${DOCKER_BUILD_OPTIONS:-}"

for flag in DISABLE_SYSLOG DISABLE_SSH DISABLE_CRON; do
    case ${!flag:-0} in
        0 | 1) ;;
        *) die "$flag must be 0 or 1, got '${!flag}'" ;;
    esac
done
tag=${TAG:-$version}
if [ -z "${TAG:-}" ]; then
    [ "${DISABLE_SYSLOG:-0}" = 1 ] && tag+=-nosyslog
    [ "${DISABLE_SSH:-0}" = 1 ] && tag+=-nossh
    [ "${DISABLE_CRON:-0}" = 1 ] && tag+=-nocron
fi
image="$name:$tag"
if [ -n "${PIP_CA_BUNDLE:-}" ] && [ ! -r "$PIP_CA_BUNDLE" ]; then
    die "PIP_CA_BUNDLE '$PIP_CA_BUNDLE' is not a readable file"
fi
require_docker

build_builder() {
    # The builder gets its own context: the sources it compiles plus the CA bundle, so
    # the bundle never sits in the repository and never reaches the image's context.
    local context started
    context=$(mktemp -d)
    # shellcheck disable=SC2064  # expand now: $context is local
    trap "rm -rf '$context'" EXIT
    # Of the services, only their C sources (builder/service-libs.sh compiles them).
    local service_sources
    service_sources=$(cd "$repo_root" && find image/services -name '*.c' -print)
    # shellcheck disable=SC2086  # one path a word (no spaces in our file names)
    tar -C "$repo_root" -cf - --exclude=__pycache__ --exclude='*.pyc' --exclude=build/out \
        Dockerfile.builder defaults.env image/lib builder init build $service_sources |
        tar -C "$context" -xf -
    if [ -n "${PIP_CA_BUNDLE:-}" ]; then
        cp "$PIP_CA_BUNDLE" "$context/pip-ca.crt"
    else
        : >"$context/pip-ca.crt"
    fi

    local builder_args=(--build-arg "BUILDER_BASE=$builder_base" --build-arg "BASE_IMAGE=$base_image"
        --build-arg "PIP_INDEX_URL=${PIP_INDEX_URL:-}")

    echo "*** building $builder_image: the init and runit on $builder_base, the services' helpers on $base_image"
    started=$(date +%s)
    docker build "${extra_options[@]}" "${builder_args[@]}" \
        -f "$context/Dockerfile.builder" -t "$builder_image" -t "$name-builder:latest" "$context"
    echo "*** built $builder_image (also $name-builder:latest) in $(($(date +%s) - started)) s"
}

if [ -n "$builder_image" ]; then
    docker image inspect "$builder_image" >/dev/null 2>&1 ||
        die "BUILDER_IMAGE '$builder_image' does not exist (leave it unset to build one)"
    echo "*** using the builder $builder_image"
else
    builder_image="$name-builder:$version"
    build_builder
fi

echo "*** building $image on $base_image"
started=$(date +%s)
docker build "${extra_options[@]}" \
    --build-arg "BUILDER_IMAGE=$builder_image" \
    --build-arg "BASE_IMAGE=$base_image" \
    --build-arg "VERSION=$version" \
    --build-arg "DISABLE_SYSLOG=${DISABLE_SYSLOG:-0}" \
    --build-arg "DISABLE_SSH=${DISABLE_SSH:-0}" \
    --build-arg "DISABLE_CRON=${DISABLE_CRON:-0}" \
    -f "$repo_root/Dockerfile" -t "$image" "$repo_root"
echo "*** built $image in $(($(date +%s) - started)) s"
bash "$repo_root/tools/image-size.sh" "$image" "$base_image"
echo "*** the image is $image"
