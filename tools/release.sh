#!/usr/bin/env bash
# Publish the image and the static init to a registry: `make release REGISTRY=...`.
#
# For each base in BASES and each platform in PLATFORMS it builds the image
# (tools/build-image.sh, `docker build --platform`; a foreign architecture runs under
# emulation: qemu-user-static through binfmt_misc), runs one smoke check (my_init's exit
# code: `/sbin/my_init -- sh -c 'exit 3'` must exit 3; the tests are `make test`), pushes
# it as REGISTRY/NAME:VERSION-BASE-ARCH, then joins the architectures in one manifest list
# (buildah, from Debian) pushed under each tag:
#
#   VERSION-BASE    e.g. 1.0.0-stream10, the release
#   BASE            e.g. stream10, moving: the newest release on that base
#   latest          the default base's (defaults.env's DEFAULT_BASE_IMAGE; LATEST_BASE)
#
# The static init (the same on every base) goes out once per architecture, taken from
# the first base's image (so list the default base first when releasing several): dist/release/my_init-VERSION-ARCH.tar.gz (the directory
# my_init/: my_init, setuser and what the binary loads beside it) with its .sha256, and a
# tiny image, REGISTRY/NAME-init:VERSION (and :latest), holding only /usr/lib/my_init/ and
# the links /sbin/my_init and /sbin/setuser, for `COPY --from`.
#
# Environment (the Makefile passes them):
#   REGISTRY      where to push, with its namespace (e.g. ghcr.io/OWNER); required: there
#                 is no default push target
#   RELEASE_NAME  the image's name under REGISTRY (default baseimage-centos)
#   PLATFORMS     comma-separated (default linux/amd64,linux/arm64; known: those two)
#   BASES         comma-separated short names (default: the default base's); a name is one
#                 of `tools/release.sh --bases`, or SHORT=IMAGE for any other base image.
#                 `{arch}` in an IMAGE (and in BUILDER_BASE) becomes the platform's
#                 architecture (amd64, arm64): local bases, one per architecture
#   LATEST_BASE   the short name `latest` follows (default: the default base's)
#   VERSION       default: the VERSION file
#   BUILDER_BASE, PIP_CA_BUNDLE, PIP_INDEX_URL   as for tools/build-image.sh
#   TLS_VERIFY    true/false for buildah and skopeo; default false for a registry on
#                 127.0.0.1 or localhost (plain http, which docker also allows there), else true
#   SOURCE_URL    the org.opencontainers.image.source label (optional)
#   INIT          1 (default): the first base gives the static init; 0: no init (CI's
#                 jobs for the other bases)
#   OUT           where the tarballs and digests.txt go (default dist/release)
#   STAGE         all (default); images: only build, smoke-check and push the per-arch
#                 images and the init (one machine per architecture, e.g. CI's arm64
#                 runners); manifests: only join what `images` pushed into the lists
#
# `tools/release.sh --bases` lists the short names and their images; `--short-name IMAGE`
# prints one image's (any debian:bookworm, a local one too: debian12).
#
# Pushing needs a login first (docker login; buildah reads docker's credentials too).
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The bases a short name stands for (the workflow's matrix). The short name comes from
# the image's name (short_name below); the default base and Debian are defaults.env's.
known_bases=("$DEFAULT_BASE_IMAGE" quay.io/centos/centos:stream9
    almalinux:9 almalinux:10 almalinux:9-minimal almalinux:10-minimal
    rockylinux/rockylinux:9 rockylinux/rockylinux:10 rockylinux/rockylinux:9-minimal rockylinux/rockylinux:10-minimal
    registry.access.redhat.com/ubi9/ubi-minimal registry.access.redhat.com/ubi10/ubi-minimal
    "$DEFAULT_BUILDER_BASE")

# short_name IMAGE: stream10, alma9-minimal, rocky10, ubi9-minimal, debian12, ...
short_name() {
    local image=${1##*/} path=$1
    case $image in
        centos:stream*) echo "${image#centos:}" ;;
        almalinux:*) echo "alma${image#almalinux:}" ;;
        rockylinux:*) echo "rocky${image#rockylinux:}" ;;
        ubi-minimal | ubi-minimal:*) path=${path%/*}; echo "${path##*/}-minimal" ;;
        debian:bookworm | debian:12) echo debian12 ;;
        debian:trixie | debian:13) echo debian13 ;;
        *) return 1 ;;
    esac
}

case ${1:-} in
    --bases)
        for image in "${known_bases[@]}"; do printf '%-16s %s\n' "$(short_name "$image")" "$image"; done
        exit 0 ;;
    --short-name)
        [ $# -eq 2 ] || die "usage: tools/release.sh --short-name IMAGE"
        short_name "$2" || die "no short name for '$2' (give it in BASES as SHORT=IMAGE)"
        exit 0 ;;
esac
[ $# -eq 0 ] || die "usage: REGISTRY=... tools/release.sh (--bases: the short names; --short-name IMAGE)"

registry=${REGISTRY:-}
[ -n "$registry" ] || die "REGISTRY is required (e.g. make release REGISTRY=ghcr.io/OWNER); there is no default push target"
registry=${registry%/}
name=${RELEASE_NAME:-baseimage-centos}
version=${VERSION:-$(cat "$repo_root/VERSION")}
out=${OUT:-$repo_root/dist/release}
default_short=$(short_name "$DEFAULT_BASE_IMAGE") || die "the default base $DEFAULT_BASE_IMAGE has no short name"
latest_short=${LATEST_BASE:-$default_short}

platforms=()
IFS=, read -r -a requested <<<"${PLATFORMS:-linux/amd64,linux/arm64}"
for platform in "${requested[@]}"; do
    case $platform in
        linux/amd64 | linux/arm64) platforms+=("$platform") ;;
        *) die "PLATFORMS: unknown platform '$platform' (known: linux/amd64, linux/arm64)" ;;
    esac
done
[ ${#platforms[@]} -gt 0 ] || die "PLATFORMS is empty (known: linux/amd64, linux/arm64)"

base_shorts=() base_images=()
IFS=, read -r -a requested <<<"${BASES:-$default_short}"
for entry in "${requested[@]}"; do
    if [[ $entry == *=* ]]; then
        short=${entry%%=*} image=${entry#*=}
        [[ $short =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "BASES: '$short' is not a short name (lower case, digits, . and -)"
    else
        short=$entry image=""
        for known in "${known_bases[@]}"; do
            [ "$(short_name "$known")" = "$entry" ] && image=$known
        done
        [ -n "$image" ] || die "BASES: unknown base '$entry' (tools/release.sh --bases lists them; or give SHORT=IMAGE)"
    fi
    base_shorts+=("$short") base_images+=("$image")
done
[ ${#base_shorts[@]} -gt 0 ] || die "BASES is empty"

case ${INIT:-1} in
    0 | 1) with_init=${INIT:-1} ;;
    *) die "INIT must be 0 or 1, got '$INIT'" ;;
esac
case ${STAGE:-all} in
    all | images | manifests) stage=${STAGE:-all} ;;
    *) die "STAGE must be all, images or manifests, got '$STAGE'" ;;
esac
case ${TLS_VERIFY:-} in
    true | false) tls_verify=$TLS_VERIFY ;;
    "") case $registry in
            127.0.0.1:* | localhost:* | 127.0.0.1/* | localhost/*) tls_verify=false ;;
            *) tls_verify=true ;;
        esac ;;
    *) die "TLS_VERIFY must be true or false, got '$TLS_VERIFY'" ;;
esac
require_docker
for tool in buildah skopeo; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (apt-get install buildah skopeo; make test-host installs them)"
done

mkdir -p "$out"
: >"$out/digests.txt"
created=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
revision=$(git -C "$repo_root" rev-parse HEAD 2>/dev/null || echo unknown)
labels="--label org.opencontainers.image.created=$created --label org.opencontainers.image.revision=$revision"
labels+=" --label org.opencontainers.image.licenses=MIT"
[ -n "${SOURCE_URL:-}" ] && labels+=" --label org.opencontainers.image.source=$SOURCE_URL"
local_name=${RELEASE_LOCAL_NAME:-$name-release}
work=$(mktemp -d)
list=""
cleanup() {
    [ -n "$list" ] && buildah manifest rm "$list" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

# publish_list TAGS... : one manifest list of the per-arch references in $arch_refs,
# pushed under each REGISTRY/REPOSITORY:TAG given (repository:tag pairs).
publish_list() {
    list=release-list-$$-$RANDOM
    buildah manifest create "$list" >/dev/null
    local ref target digest
    for ref in "${arch_refs[@]}"; do
        buildah manifest add --tls-verify="$tls_verify" "$list" "docker://$ref" >/dev/null
    done
    for target in "$@"; do
        buildah manifest push --quiet --all --format v2s2 --tls-verify="$tls_verify" "$list" "docker://$target"
        digest=$(skopeo inspect --raw --tls-verify="$tls_verify" "docker://$target" | sha256sum | cut -d' ' -f1)
        echo "*** pushed $target: manifest list sha256:$digest (${platforms[*]})"
        printf '%s sha256:%s %s\n' "$target" "$digest" "${platforms[*]}" >>"$out/digests.txt"
    done
    buildah manifest rm "$list" >/dev/null
    list=""
}

# push LOCAL REMOTE: the local image under REMOTE (docker push; docker's own credentials)
push() {
    docker tag "$1" "$2"
    docker push --quiet "$2" >/dev/null || die "docker push $2 failed"
    docker rmi "$2" >/dev/null
    echo "*** pushed $2"
}

# build_and_push I PLATFORM: base I for PLATFORM built, smoke-checked and pushed; the
# first base of each architecture also gives the static init (tarball and tiny image).
build_and_push() {
    local i=$1 platform=$2 arch base_image builder_base local_image status container tarball
    arch=${platform#linux/}
    base_image=${base_images[$i]//\{arch\}/$arch}
    builder_base=${BUILDER_BASE:-$DEFAULT_BUILDER_BASE}
    builder_base=${builder_base//\{arch\}/$arch}
    local_image=$local_name-$short-$arch:$version
    echo "*** $short ($base_image) for $platform"
    NAME=$local_name-$short-$arch VERSION=$version TAG=$version BASE_IMAGE=$base_image BUILDER_BASE=$builder_base \
        DOCKER_BUILD_OPTIONS="--platform $platform $labels" bash "$repo_root/tools/build-image.sh"
    actual=$(docker image inspect --format '{{.Os}}/{{.Architecture}}' "$local_image")
    [ "$actual" = "$platform" ] || die "$local_image is $actual, not $platform (is the base $base_image for $platform?)"
    # The smoke check: my_init boots, runs the command and exits with its code.
    status=0
    docker run --rm --platform "$platform" "$local_image" /sbin/my_init -- sh -c 'exit 3' >/dev/null 2>&1 || status=$?
    [ "$status" -eq 3 ] || die "smoke check: $local_image's my_init -- sh -c 'exit 3' exited $status, not 3"
    echo "*** smoke check passed on $platform: my_init passed on exit code 3"
    push "$local_image" "$registry/$name:$version-$short-$arch"
    [ "$i" -eq 0 ] && [ "$with_init" = 1 ] || return 0
    # The static init, from this image: the tarball and the tiny image.
    rm -rf "$work/init" && mkdir -p "$work/init/rootfs/usr/lib" "$work/init/rootfs/sbin"
    container=$(docker create --platform "$platform" "$local_image")
    docker cp "$container:/usr/lib/my_init" "$work/init/rootfs/usr/lib/my_init"
    docker rm "$container" >/dev/null
    ln -s /usr/lib/my_init/my_init "$work/init/rootfs/sbin/my_init"
    ln -s /usr/lib/my_init/setuser "$work/init/rootfs/sbin/setuser"
    tarball=my_init-$version-$arch.tar.gz
    tar -C "$work/init/rootfs/usr/lib" --owner=0 --group=0 --numeric-owner -czf "$out/$tarball" my_init
    (cd "$out" && sha256sum "$tarball" >"$tarball.sha256")
    echo "*** $out/$tarball: $(cut -d' ' -f1 "$out/$tarball.sha256")"
    cp "$repo_root/tools/release-init.Dockerfile" "$work/init/Dockerfile"
    docker build --quiet --platform "$platform" --label "org.opencontainers.image.version=$version" \
        --label "org.opencontainers.image.revision=$revision" \
        -t "$local_name-init-$arch:$version" "$work/init" >/dev/null
    push "$local_name-init-$arch:$version" "$registry/$name-init:$version-$arch"
}

# require_pushed REF: the manifest stage joins only what the images stage pushed.
require_pushed() {
    skopeo inspect --raw --tls-verify="$tls_verify" "docker://$1" >/dev/null 2>&1 ||
        die "$1 is not in the registry (STAGE=images pushes it first)"
}

started=$(date +%s)
for i in "${!base_shorts[@]}"; do
    short=${base_shorts[$i]}
    if [ "$stage" != manifests ]; then
        for platform in "${platforms[@]}"; do build_and_push "$i" "$platform"; done
    fi
    [ "$stage" != images ] || continue
    arch_refs=()
    for platform in "${platforms[@]}"; do
        arch_refs+=("$registry/$name:$version-$short-${platform#linux/}")
        require_pushed "${arch_refs[-1]}"
    done
    targets=("$registry/$name:$version-$short" "$registry/$name:$short")
    [ "$short" = "$latest_short" ] && targets+=("$registry/$name:latest")
    publish_list "${targets[@]}"
    if [ "$i" -eq 0 ] && [ "$with_init" = 1 ]; then
        arch_refs=()
        for platform in "${platforms[@]}"; do
            arch_refs+=("$registry/$name-init:$version-${platform#linux/}")
            require_pushed "${arch_refs[-1]}"
        done
        publish_list "$registry/$name-init:$version" "$registry/$name-init:latest"
    fi
done
echo "*** released $name $version (${base_shorts[*]}; ${platforms[*]}) to $registry in $(($(date +%s) - started)) s"
echo "*** digests: $out/digests.txt; the init: $out/my_init-$version-*.tar.gz"
