#!/usr/bin/env bash
# Dockerfile.builder: compile each service's C helper libraries, on the image's own
# distribution (they are preloaded into its daemons, so they must match its glibc).
#
#   service-libs.sh SERVICES_DIR OUTDIR
#
# SERVICES_DIR/NAME/FILE.c becomes OUTDIR/NAME/FILE.so; the Dockerfile copies OUTDIR
# over /tmp/image/services/, where the service's install.sh finds it beside its sources.
set -euo pipefail

# shellcheck source=image/lib/step.sh
. "$(dirname "${BASH_SOURCE[0]}")/../image/lib/step.sh"

[ $# -eq 2 ] || die "usage: service-libs.sh SERVICES_DIR OUTDIR"
services_dir=$1
outdir=$2
mkdir -p "$outdir"
for source in "$services_dir"/*/*.c; do
    [ -e "$source" ] || continue
    service=$(basename "$(dirname "$source")")
    library=$outdir/$service/$(basename "$source" .c).so
    mkdir -p "$outdir/$service"
    gcc -O2 -Wall -Wextra -Werror -shared -fPIC -s -o "$library" "$source" ||
        die "compiling $source failed"
    echo "*** built ${library#"$outdir"/}"
done
