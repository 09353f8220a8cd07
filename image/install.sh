#!/usr/bin/env bash
# Runs every image step, once, inside `docker build` (the Dockerfile copies image/ to
# /tmp/image and runs `bash /tmp/image/install.sh`).
#
# Contract for step and service authors:
# - lib/distro.sh is sourced first; its functions (pkg_install, pkg_name, enable_epel,
#   pam_cron_file, sftp_server_path, ssh_client_programs, ...) and DISTRO_FAMILY /
#   DISTRO_ID / DISTRO_MAJOR are exported, so each step calls them directly.
#   IMAGE_BUILD_DIR is this directory.
# - Steps run as `bash install.sh`, from their own folder, with `set -euo pipefail`
#   expected; a failing step fails the build. Order:
#     1. base/*/install.sh       the base system (init, runit, directories), lexical order
#     2. */install.sh            other system-wide steps, one folder each (e.g. locale/),
#                                lexical order; lib/, base/ and services/ are not steps
#     3. services/*/install.sh   one folder per service, lexical order
#   A service folder may hold a one-line file `disable-flag` naming a build argument
#   (e.g. DISABLE_SYSLOG); when that variable is 1 the service is skipped. The Dockerfile
#   passes DISABLE_SYSLOG, DISABLE_SSH and DISABLE_CRON (default 0); map: syslog-ng and
#   logrotate -> DISABLE_SYSLOG, cron -> DISABLE_CRON, sshd -> DISABLE_SSH.
#   Adding a service touches only its folder. A service that cannot run without root
#   has a file `needs-root` (my_init skips it, with one line, as a non-root user).
# - Afterwards each /etc/service/*/supervise is linked to /run/runit/supervise.NAME.
# - Afterwards package caches are cleaned and this directory is removed.
# It changes the system it runs on, so it refuses to run unless IMAGE_BUILD=1 (the
# Dockerfile sets it).
set -euo pipefail

if [ "${IMAGE_BUILD:-}" != 1 ]; then
    echo "install.sh: this installs the image into the running system; run it in docker build (IMAGE_BUILD=1)" >&2
    exit 1
fi

IMAGE_BUILD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IMAGE_BUILD_DIR

# shellcheck source=image/lib/distro.sh
. "$IMAGE_BUILD_DIR/lib/distro.sh"
export -f distro_die distro_detect distro_package_table distro_package_entries \
    distro_package_manager pkg_name pkg_refresh pkg_install pkg_clean enable_epel \
    pam_cron_file sftp_server_path ssh_client_programs
echo "*** image: building on $DISTRO_ID $DISTRO_MAJOR ($DISTRO_FAMILY family)"

die() {
    echo "install.sh: $*" >&2
    exit 1
}

run_step() {
    local script=$1
    echo "*** image: ${script#"$IMAGE_BUILD_DIR"/}"
    (cd "$(dirname "$script")" && bash "$script") || die "step $script failed"
}

# A service's disable flag: the build argument named in its disable-flag file, if any.
service_disabled() {
    local flag_file=$1/disable-flag flag value
    [ -f "$flag_file" ] || return 1
    read -r flag <"$flag_file" || true
    [[ $flag =~ ^DISABLE_[A-Z0-9_]+$ ]] || die "$flag_file: expected a name like DISABLE_SYSLOG, got '$flag'"
    value=${!flag:-0}
    case $value in
        0) return 1 ;;
        1) return 0 ;;
        *) die "$flag must be 0 or 1, got '$value'" ;;
    esac
}

# Check every service's flag before anything is installed.
for service in "$IMAGE_BUILD_DIR"/services/*/; do
    service_disabled "${service%/}" || true
done

pkg_refresh

for script in "$IMAGE_BUILD_DIR"/base/*/install.sh; do
    [ -e "$script" ] || continue
    run_step "$script"
done

for script in "$IMAGE_BUILD_DIR"/*/install.sh; do
    [ -e "$script" ] || continue
    run_step "$script"
done

for service in "$IMAGE_BUILD_DIR"/services/*/; do
    service=${service%/}
    [ -e "$service/install.sh" ] || continue
    if service_disabled "$service"; then
        echo "*** image: services/${service##*/} skipped ($(cat "$service/disable-flag")=1)"
        continue
    fi
    run_step "$service/install.sh"
done

# runsv keeps each service's state in its supervise/ directory; link those into /run
# (my_init creates the targets at boot), so the services run on a read-only root too.
# IMAGE_SERVICE_DIR: another service directory, for the unit tests only.
service_dir=${IMAGE_SERVICE_DIR:-/etc/service}
for supervise_parent in "$service_dir"/*/ "$service_dir"/*/log/; do
    [ -d "$supervise_parent" ] || continue
    supervise_parent=${supervise_parent%/}
    name=${supervise_parent#"$service_dir"/}
    [ -e "$supervise_parent/supervise" ] || [ -L "$supervise_parent/supervise" ] ||
        ln -s "/run/runit/supervise.${name//\//.}" "$supervise_parent/supervise"
done

echo "*** image: cleaning up"
pkg_clean
rm -rf "$IMAGE_BUILD_DIR"
