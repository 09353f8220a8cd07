# shellcheck shell=bash
# What the image's steps and the builder's scripts share, in one place. Source it:
#
#   . image/lib/step.sh           (image/install.sh does, and exports the functions to
#                                  every step; builder/*.sh source it themselves)
#
# It loads distro.sh (pkg_install and friends) unless that is loaded already, and defines:
#
#   die MESSAGE...           print "SCRIPT: MESSAGE" on stderr and exit 1; SCRIPT is the
#                            script's path below image/ (e.g. services/cron/install.sh),
#                            or its file name outside the image build
#   pam_loginuid_off FILE    comment out `session required pam_loginuid.so` in the PAM file
#                            FILE; fails when FILE is missing or still requires it

if ! declare -F pkg_install >/dev/null; then
    # shellcheck source=image/lib/distro.sh
    . "$(dirname "${BASH_SOURCE[0]}")/distro.sh"
fi

die() {
    local script=${0#"${IMAGE_BUILD_DIR:-${0%/*}}"/}
    echo "$script: $*" >&2
    exit 1
}

# pam_loginuid cannot write /proc/self/loginuid in a container (no CAP_AUDIT_CONTROL), and
# as `required` it fails every session it is in ("Cannot make/remove an entry for the
# specified session"): every cron job, every ssh login.
pam_loginuid_off() {
    local file=$1 required='^[[:space:]]*session[[:space:]]+required[[:space:]]+pam_loginuid\.so'
    [ -f "$file" ] || die "PAM file $file does not exist"
    sed -i -E "s/($required.*)\$/# disabled for containers: \\1/" "$file"
    if grep -Eq "$required" "$file"; then
        die "pam_loginuid is still required in $file"
    fi
}

export -f die pam_loginuid_off
