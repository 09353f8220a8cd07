#!/usr/bin/env bash
# Dockerfile.builder, compile stage (the image's base): what runit's tools and the
# services' C helpers need there. The init is built elsewhere (builder/init-deps.sh).
set -euo pipefail
# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

pkg_refresh
pkg_install cc make
if [ "$DISTRO_FAMILY" = el ]; then
    # runit's tarball is fetched with curl (curl-minimal in the EL images), and unpacked.
    command -v curl >/dev/null 2>&1 || pkg_install curl
    pkg_install tar gzip
fi
