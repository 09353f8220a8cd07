#!/usr/bin/env bash
# Make this machine ready for `make build` or `make test`, installing only what is
# missing: on a machine that is ready it changes nothing (a dpkg-query, a grep and two
# docker calls).
#
#   bash tools/setup-host.sh build|test      (`make build` and `make test` run it)
#
#   build  a Docker engine that answers: when none does, Debian's engine (docker.io) is
#          installed unless this machine has a dockerd of its own (docker-ce, say), and
#          dockerd is started; a Docker that answers, or a DOCKER_HOST elsewhere, is left
#          alone. And, when BASE_IMAGE or BUILDER_BASE is LOCAL_BASE and that image is missing, the image
#          (tools/make-base.sh, which needs debootstrap)
#   test   the same, first the Debian packages the tests and `make init` use (below) and
#          Podman's configuration (tools/setup-podman.sh: rlimits, and runc where crun
#          refuses the host's cgroups)
#
# Debian 12 and Ubuntu (dpkg and apt-get). What it cannot install (not root, no apt-get)
# fails in one line naming what is missing.
# Env: BASE_IMAGE, BUILDER_BASE and LOCAL_BASE (defaults: defaults.env's), DOCKERD_LOG (the log of a
# dockerd started here, default /var/log/dockerd.log), DOCKERD_WAIT (seconds it gets to
# answer, default 60).
set -euo pipefail
# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The tests' Debian packages. tini, dumb-init: the bench; debootstrap: `make base`;
# patchelf, ccache, gcc, patch, python3-venv, musl-tools, binutils, bzip2: `make init` (a
# static CPython built with musl-gcc, then Nuitka; build/pinned-venv.sh patches Nuitka;
# runit's programs from BusyBox's .tar.bz2) and the test venv; procps, psmisc: the
# process tools the tests call; locales: a non-UTF-8 locale for tests/build (localedef);
# openssh-client: the ssh tests; podman: the Podman image tests; busybox-static: the static
# program tools/setup-podman.sh runs to try Podman's runtime; ca-certificates: HTTPS to
# PyPI and the CA bundle CI passes as PIP_CA_BUNDLE; hyperfine: make bench-compare times with it;
# docker-registry, buildah, skopeo: the release rehearsal (a registry on 127.0.0.1, `make
# release`'s manifest lists); catatonit: the pause image `podman kube play` builds for its
# pods (tests/image/test_kube.py).
test_packages=(tini dumb-init debootstrap patchelf ccache procps psmisc locales openssh-client
    ca-certificates make gcc patch python3-venv podman busybox-static musl-tools binutils bzip2 hyperfine
    docker-registry buildah skopeo catatonit)

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# Sets missing to those of the given Debian packages that are not installed.
find_missing() {
    command -v dpkg-query >/dev/null 2>&1 ||
        die "cannot tell which packages are installed: no dpkg-query here (this set-up knows Debian and Ubuntu); needed: $*"
    local installed package
    missing=()
    # One call for all; an unknown package prints nothing (and an error, dropped).
    installed=" $(dpkg-query -W -f '${Package}=${db:Status-Abbrev} ' "$@" 2>/dev/null || true)"
    for package; do
        case $installed in
            *" $package="?i*) ;;
            *) missing+=("$package") ;;
        esac
    done
}

install_packages() {
    [ $# -gt 0 ] || return 0
    is_root || die "missing packages: $*; run as root to have them installed, or install them: apt-get install $*"
    command -v apt-get >/dev/null 2>&1 || die "missing packages: $*, and no apt-get here to install them"
    echo "*** installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

docker_answers() {
    docker info >/dev/null 2>&1
}

# True when DOCKER_HOST names this machine's own engine (or nothing).
docker_host_is_local() {
    case ${DOCKER_HOST:-unix:///var/run/docker.sock} in
        unix:///var/run/docker.sock | unix:///run/docker.sock) return 0 ;;
        *) return 1 ;;
    esac
}

# Sets engine_answered (yes or no) and engine_package: docker.io when an engine must be
# installed, that is when none answers, none is elsewhere, and this machine has no dockerd
# (a docker command alone is only a client).
choose_engine_package() {
    engine_answered=no
    engine_package=()
    if command -v docker >/dev/null 2>&1; then
        if docker_answers; then
            engine_answered=yes
            return 0
        fi
        docker_host_is_local || return 0
        command -v dockerd >/dev/null 2>&1 && return 0
    fi
    engine_package=(docker.io)
}

start_docker_engine() {
    # Another engine than this machine's: starting a local one would not make it answer.
    docker_host_is_local || die "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer (docker info)"
    is_root || die "no Docker engine answers (docker info), and only root can start one: start dockerd, or run this as root"
    local log=${DOCKERD_LOG:-/var/log/dockerd.log} wait=${DOCKERD_WAIT:-60} waited=0 pid=""
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        echo "*** starting docker.service"
        systemctl start docker.service || true
        log="journalctl -u docker.service"
    else
        command -v dockerd >/dev/null 2>&1 ||
            die "no Docker engine answers (docker info), and there is no dockerd here to start"
        echo "*** starting dockerd (log: $log)"
        # Its own session: it outlives this script and make, and Ctrl-C in the terminal.
        setsid dockerd >>"$log" 2>&1 </dev/null &
        pid=$!
    fi
    until docker info >/dev/null 2>&1; do
        if [ "$waited" -ge "$wait" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; then
            echo "setup-host.sh: the Docker engine did not answer within $waited s; the end of its log ($log):" >&2
            if [ -n "$pid" ]; then tail -n 20 "$log" >&2; else journalctl -u docker.service -n 20 --no-pager >&2 || true; fi
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "*** the Docker engine answers"
}

# The local Debian base, when the build is to use it and it is not there yet.
make_local_base() {
    local base_image=${BASE_IMAGE:-$DEFAULT_BASE_IMAGE} local_base=${LOCAL_BASE:-$DEFAULT_LOCAL_BASE}
    local builder_base=${BUILDER_BASE:-$DEFAULT_BUILDER_BASE}
    [ "$base_image" = "$local_base" ] || [ "$builder_base" = "$local_base" ] || return 0
    docker image inspect "$local_base" >/dev/null 2>&1 && return 0
    is_root || die "the base image $local_base is missing, and only root can make it (make base)"
    find_missing debootstrap
    install_packages "${missing[@]}"
    echo "*** $local_base is missing: making it (make base)"
    bash "$repo_root/tools/make-base.sh" "$local_base"
}

mode=${1:-}
case $mode in
    build) missing=() ;;
    test) find_missing "${test_packages[@]}" ;;
    *) die "usage: tools/setup-host.sh build|test" ;;
esac
# A machine with Docker's own packages (docker-ce), or a Docker that answers, keeps it.
choose_engine_package
install_packages "${missing[@]}" "${engine_package[@]}"
if [ "$mode" = test ]; then
    bash "$repo_root/tools/setup-podman.sh"
fi
[ "$engine_answered" = yes ] || start_docker_engine
make_local_base
