#!/usr/bin/env bash
# Install the host tools: docker-ssh and docker-bash into PREFIX/bin, and the insecure
# key pair docker-ssh uses by default into PREFIX/share/baseimage-centos/.
# Usage: install-host-tools.sh [PREFIX]   (default /usr/local; run as root for that)
set -euo pipefail

prefix=${1:-/usr/local}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
keys=$here/../image/services/sshd/keys

for file in "$here/docker-ssh" "$here/docker-bash" "$keys/insecure_key" "$keys/insecure_key.pub"; do
    [ -f "$file" ] || { echo "install-host-tools.sh: $file is missing (run it from a source checkout)" >&2; exit 1; }
done
install -d "$prefix/bin" "$prefix/share/baseimage-centos"
install -m 0755 "$here/docker-ssh" "$here/docker-bash" "$prefix/bin/"
# World-readable on purpose: the key is public knowledge, and docker-ssh copies it to a
# private file before use. It is the INSECURE key: see the README.
install -m 0644 "$keys/insecure_key" "$keys/insecure_key.pub" "$prefix/share/baseimage-centos/"
echo "installed docker-ssh and docker-bash into $prefix/bin"
