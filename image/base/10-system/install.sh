#!/usr/bin/env bash
# The base system my_init expects: the docker_env group, its directories and their modes,
# the tools the image's own checks use, and Debian's "no daemons during the build" policy.
set -euo pipefail

# ps: `docker exec ... ps` and testinfra's process module; groupadd where it is missing
# (UBI minimal).
pkg_install ps
command -v groupadd >/dev/null 2>&1 || pkg_install useradd

# Members of docker_env may read the environment dumps (/etc/container_environment.*).
# The gid is fixed so that images and hosts can agree on it.
if getent group docker_env >/dev/null; then
    [ "$(getent group docker_env | cut -d: -f3)" = 8377 ] ||
        die "group docker_env exists with a gid other than 8377"
else
    groupadd -g 8377 docker_env
fi

# The init's directories. /etc/container_environment holds variables, possibly secrets.
install -d -m 0755 /etc/my_init.d /etc/my_init.pre_shutdown.d /etc/my_init.post_shutdown.d /etc/service
install -d -m 0700 -o root -g root /etc/container_environment
# The dumps are runtime state: my_init writes them through these links into /run, so
# they work on a read-only root too (they appear at boot, with the modes the README
# describes).
ln -sfn /run/container_environment.sh /etc/container_environment.sh
ln -sfn /run/container_environment.json /etc/container_environment.json
# Login shells pick the dumped environment up (/etc/profile skips files it cannot read).
ln -sf /etc/container_environment.sh /etc/profile.d/container_environment.sh

if [ "$DISTRO_FAMILY" = debian ]; then
    # Packages must not start their daemons inside `docker build` or derived builds:
    # runit starts them at boot. (The same file Docker's Debian images used to ship.)
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
fi
