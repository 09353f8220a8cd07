# shellcheck shell=bash
# Sourced by build/'s scripts (build.sh, pinned-venv.sh), which run on the host and in the
# builder stage, where neither image/lib nor tools/lib exists, and by tools/lib/common.sh.

# die MESSAGE...: one line on stderr, prefixed by the script's name, then exit 1.
die() {
    echo "${0##*/}: $*" >&2
    exit 1
}
