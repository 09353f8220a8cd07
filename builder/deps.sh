#!/usr/bin/env bash
# Dockerfile.builder, compile stage (the image's base): what the services' C helpers need
# there. The init and runit's programs are built elsewhere (builder/init-deps.sh).
set -euo pipefail
# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

pkg_refresh
pkg_install cc make
