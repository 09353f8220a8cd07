#!/usr/bin/env bash
# Print how much an image adds to its base: the difference of their `docker image inspect`
# sizes (uncompressed, MB = 10^6 bytes, as docker prints them), then the image's own
# layers (`docker history` above the base's). tools/build-image.sh runs it after a build;
# tests/image/test_size.py holds the image to its budget on the Debian base.
#
#   tools/image-size.sh IMAGE BASE_IMAGE
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -eq 2 ] || die "usage: tools/image-size.sh IMAGE BASE_IMAGE"
image=$1
base=$2
image_bytes=$(docker image inspect -f '{{.Size}}' "$image" 2>/dev/null) || die "no image $image"
base_bytes=$(docker image inspect -f '{{.Size}}' "$base" 2>/dev/null) || die "no base image $base"

# One decimal, in tenths of a MB, without floating point.
megabytes() {
    local tenths=$((($1 + 50000) / 100000))
    if [ "$tenths" -lt 0 ]; then
        echo "-$((-tenths / 10)).$((-tenths % 10))"
    else
        echo "$((tenths / 10)).$((tenths % 10))"
    fi
}

echo "*** $image adds $(megabytes $((image_bytes - base_bytes))) MB to $base ($(megabytes "$image_bytes") MB over $(megabytes "$base_bytes") MB)"
base_layers=$(docker history -q "$base" | wc -l)
image_layers=$(docker history -q "$image" | wc -l)
echo "*** its layers (newest first):"
docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$image" | head -n $((image_layers - base_layers)) |
    while IFS=$'\t' read -r size created_by; do
        [ "$size" = 0B ] && continue
        step=${created_by##*/bin/sh -c }
        step=${step#\#(nop) }
        if [[ $step =~ ^(COPY|ADD)\ (dir|file):[0-9a-f]+\ (.*)$ ]]; then
            step="${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
        fi
        printf '    %8s  %.100s\n' "$size" "$step"
    done
