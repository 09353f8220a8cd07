#!/usr/bin/env bash
# Fetch the upstream tarball of a Debian source package and check it against a pinned
# SHA-256: the static build's sources (build/static-python.sh) come from Debian's archive,
# which every machine that builds this project reaches, and are the upstream release's
# bytes (Debian's .orig tarball is upstream's, unchanged).
#
#   bash build/debian-source.sh PACKAGE SHA256 OUTFILE
#
# It uses an apt configuration of its own (a deb-src list in a scratch directory), so the
# machine's apt sources are neither needed nor changed; apt-get is the only requirement
# (Debian and Ubuntu, and the builder image). The .orig tarball's checksum decides: a
# Debian revision that keeps the upstream release changes nothing here, a new upstream
# release fails until the pin is moved.
#
# Env: DEBIAN_MIRROR and DEBIAN_SUITE (defaults.env's DEFAULT_DEBIAN_MIRROR and
# DEFAULT_DEBIAN_SUITE), DEBIAN_KEYRING (default /usr/share/keyrings/debian-archive-keyring.gpg).
set -euo pipefail

# shellcheck source=build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=defaults.env
. "$(dirname "${BASH_SOURCE[0]}")/../defaults.env"

[ $# -eq 3 ] || die "usage: build/debian-source.sh PACKAGE SHA256 OUTFILE"
package=$1 sha256=$2 outfile=$3
case $sha256 in
    *[!0-9a-f]* | "") die "SHA256 '$sha256' is not a lower-case hex digest" ;;
esac
[ ${#sha256} -eq 64 ] || die "SHA256 '$sha256' is not 64 hex digits"
mirror=${DEBIAN_MIRROR:-$DEFAULT_DEBIAN_MIRROR}
suite=${DEBIAN_SUITE:-$DEFAULT_DEBIAN_SUITE}
keyring=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
command -v apt-get >/dev/null 2>&1 || die "apt-get is needed to fetch Debian's $package source (Debian and Ubuntu)"
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring)"

if [ -f "$outfile" ] && echo "$sha256  $outfile" | sha256sum -c --quiet - >/dev/null 2>&1; then
    echo "*** $package source: $outfile (checked)"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/download"
echo "deb-src [signed-by=$keyring] $mirror $suite main" >"$work/sources.list"
apt_options=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
echo "*** fetching Debian's $package source ($suite, $mirror)"
apt-get "${apt_options[@]}" update >"$work/apt.log" 2>&1 ||
    { tail -n 5 "$work/apt.log" >&2; die "apt-get update of $mirror $suite (deb-src) failed"; }
(cd "$work/download" && apt-get "${apt_options[@]}" source --download-only "$package") >"$work/apt.log" 2>&1 ||
    { tail -n 5 "$work/apt.log" >&2; die "apt-get source $package failed ($mirror $suite)"; }
origs=("$work"/download/*.orig.tar.*)
[ -f "${origs[0]}" ] && [ ${#origs[@]} -eq 1 ] ||
    die "Debian's $package source has no single .orig tarball (found: ${origs[*]##*/})"
echo "$sha256  ${origs[0]}" | sha256sum -c --quiet - >/dev/null 2>&1 ||
    die "${origs[0]##*/} from $mirror $suite does not have the pinned SHA-256 $sha256 (a new upstream release? move the pin in defaults.env)"
mkdir -p "$(dirname "$outfile")"
mv "${origs[0]}" "$outfile.new"
mv "$outfile.new" "$outfile"
echo "*** $package source: $outfile (${origs[0]##*/}, SHA-256 checked)"
