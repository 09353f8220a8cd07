#!/usr/bin/env bash
# Dockerfile.builder, init stage (a Debian image): what the static build of my_init needs.
# musl-tools: musl-gcc (build/static-python.sh, build/static-runit.sh); bzip2: BusyBox's
# tarball; apt-get fetches the sources itself
# (build/debian-source.sh, with debian-archive-keyring); python3 and python3-venv: the pip
# that installs the pinned Nuitka (the static CPython has no ssl: build/pinned-venv.sh);
# gcc, make, patch, binutils (readelf, strip), patchelf, file: the builds and Nuitka (which
# stops when the `file` tool is missing).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends musl-tools gcc libc6-dev make patch binutils patchelf \
    python3 python3-venv ca-certificates debian-archive-keyring xz-utils bzip2 file >/dev/null
rm -rf /var/lib/apt/lists/*
