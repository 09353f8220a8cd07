#!/usr/bin/env bash
# No documentation, man or info pages and no translations in the image: runs before any
# other step installs a package. Debian: dpkg's path excludes (they stay, so images built
# from ours are small too; the file says how to undo it). EL: pkg_install passes
# tsflags=nodocs and install_weak_deps=0 on each dnf/microdnf command line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$DISTRO_FAMILY" = debian ]; then
    install -d -m 0755 /etc/dpkg/dpkg.cfg.d
    install -m 0644 "$here/dpkg-nodoc" /etc/dpkg/dpkg.cfg.d/baseimage-nodoc
fi
