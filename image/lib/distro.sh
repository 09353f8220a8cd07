# shellcheck shell=bash
# Distribution differences for the image and builder steps, in one place. Source it:
#
#   . image/lib/distro.sh        (OS_RELEASE overrides /etc/os-release, for tests)
#
# Sourcing detects the distribution and sets DISTRO_FAMILY (el | debian), DISTRO_ID and
# DISTRO_MAJOR (major version). image/install.sh sources it and exports everything, so
# every step script can call these functions directly:
#
#   pkg_name LOGICAL       print the distribution's package name(s); nothing when the
#                          distribution has no package (runit on EL: built in the builder)
#   pkg_install LOGICAL... install packages by logical name (names not in the table below
#                          are used as they are); enables EPEL first when a package needs it
#   pkg_refresh            fetch package lists where the package manager needs it (apt)
#   pkg_clean              remove package caches and lists
# Paths the functions touch can be moved for tests: OS_RELEASE, APT_LISTS_DIR,
# APT_CACHE_DIR, YUM_REPOS_DIR, DNF_CACHE_DIR, YUM_CACHE_DIR.
#   enable_epel            EL: install epel-release and enable CRB (once)
#   pam_cron_file          the cron daemon's PAM file
#   sftp_server_path       the sftp-server binary of openssh-server
#
# Logical name -> package names. EL packages marked "epel:" come from EPEL.
#   logical      debian              el
#   runit        runit               -  (upstream tarball, built in Dockerfile.builder)
#   syslog-ng    syslog-ng-core      epel:syslog-ng
#   cron         cron                cronie
#   logrotate    logrotate           logrotate
#   sshd         openssh-server      openssh-server
#   ssh-client   openssh-client      openssh-clients
#   ps           procps              procps-ng
#   locale-en    locales             glibc-langpack-en
#   useradd      passwd              shadow-utils
#   cc           gcc libc6-dev       gcc glibc-devel
#   python-dev   python3-dev         python3-devel
#   python-venv  python3-venv        python3
#   patchelf     patchelf            epel:patchelf
#   ccache       ccache              epel:ccache
#   tini         tini                epel:tini   (only tools/bench-image's tini variant)

distro_die() {
    echo "distro.sh: $*" >&2
    return 1
}

# Reads ID, ID_LIKE and VERSION_ID from an os-release file without running it (it is data,
# not a script), then sets DISTRO_FAMILY, DISTRO_ID and DISTRO_MAJOR.
distro_detect() {
    local os_release=${OS_RELEASE:-/etc/os-release}
    local line key value id="" id_like="" version_id=""
    [ -r "$os_release" ] || { distro_die "cannot read $os_release"; return 1; }
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            [A-Z_]*=*) ;;
            *) continue ;;
        esac
        key=${line%%=*}
        value=${line#*=}
        value=${value#[\"\']}
        value=${value%[\"\']}
        case $key in
            ID) id=$value ;;
            ID_LIKE) id_like=$value ;;
            VERSION_ID) version_id=$value ;;
        esac
    done <"$os_release"

    local family=""
    case $id in
        centos | almalinux | rocky | rhel) family=el ;;
        debian | ubuntu) family=debian ;;
        *)
            case " $id_like " in
                *" rhel "* | *" centos "* | *" fedora "*) family=el ;;
                *" debian "* | *" ubuntu "*) family=debian ;;
            esac
            ;;
    esac
    [ -n "$family" ] || { distro_die "unsupported distribution '${id:-unknown}' in $os_release"; return 1; }
    DISTRO_FAMILY=$family
    DISTRO_ID=$id
    DISTRO_MAJOR=${version_id%%.*}
    export DISTRO_FAMILY DISTRO_ID DISTRO_MAJOR
}

# Prints "debian-names|el-names" for a logical name, or nothing when it is not in the table.
distro_package_table() {
    case $1 in
        runit) echo "runit|" ;;
        syslog-ng) echo "syslog-ng-core|epel:syslog-ng" ;;
        cron) echo "cron|cronie" ;;
        logrotate) echo "logrotate|logrotate" ;;
        sshd) echo "openssh-server|openssh-server" ;;
        ssh-client) echo "openssh-client|openssh-clients" ;;
        ps) echo "procps|procps-ng" ;;
        locale-en) echo "locales|glibc-langpack-en" ;;
        useradd) echo "passwd|shadow-utils" ;;
        cc) echo "gcc libc6-dev|gcc glibc-devel" ;;
        python-dev) echo "python3-dev|python3-devel" ;;
        python-venv) echo "python3-venv|python3" ;;
        patchelf) echo "patchelf|epel:patchelf" ;;
        ccache) echo "ccache|epel:ccache" ;;
        tini) echo "tini|epel:tini" ;;
    esac
}

# Package names with their "epel:" markers, for pkg_name and pkg_install.
distro_package_entries() {
    local row
    row=$(distro_package_table "$1")
    if [ -z "$row" ]; then
        echo "$1"
    elif [ "$DISTRO_FAMILY" = el ]; then
        echo "${row#*|}"
    else
        echo "${row%%|*}"
    fi
}

pkg_name() {
    [ $# -eq 1 ] || { distro_die "usage: pkg_name LOGICAL_NAME"; return 1; }
    local entries
    entries=$(distro_package_entries "$1")
    echo "${entries//epel:/}"
}

distro_package_manager() {
    if [ "$DISTRO_FAMILY" = debian ]; then
        echo apt-get
    elif command -v dnf >/dev/null 2>&1; then
        echo dnf
    elif command -v microdnf >/dev/null 2>&1; then
        echo microdnf
    else
        distro_die "neither dnf nor microdnf found"
    fi
}

pkg_refresh() {
    if [ "$DISTRO_FAMILY" = debian ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
    fi
}

enable_epel() {
    [ "$DISTRO_FAMILY" = el ] || return 0
    local repos_dir=${YUM_REPOS_DIR:-/etc/yum.repos.d}
    [ -e "$repos_dir/epel.repo" ] && return 0
    local manager
    manager=$(distro_package_manager) || return 1
    echo "*** enabling EPEL"
    # CentOS Stream, AlmaLinux and Rocky ship epel-release in their extras repository;
    # RHEL and UBI do not, so fall back to the Fedora project's release package.
    "$manager" -y install epel-release ||
        "$manager" -y install "https://dl.fedoraproject.org/pub/epel/epel-release-latest-$DISTRO_MAJOR.noarch.rpm" ||
        { distro_die "could not install epel-release"; return 1; }
    # EPEL packages depend on CRB (CodeReady Builder); epel-release ships /usr/bin/crb,
    # which needs dnf's config-manager plugin.
    if [ "$manager" = dnf ] && [ -x /usr/bin/crb ]; then
        if ! { dnf -y install dnf-plugins-core && /usr/bin/crb enable; }; then
            distro_die "could not enable CRB"
            return 1
        fi
    fi
}

pkg_install() {
    [ $# -ge 1 ] || { distro_die "usage: pkg_install LOGICAL_NAME..."; return 1; }
    local logical entry packages=() needs_epel=""
    for logical in "$@"; do
        for entry in $(distro_package_entries "$logical"); do
            case $entry in
                epel:*) needs_epel=1; packages+=("${entry#epel:}") ;;
                *) packages+=("$entry") ;;
            esac
        done
    done
    [ ${#packages[@]} -gt 0 ] || return 0
    local manager
    manager=$(distro_package_manager) || return 1
    echo "*** installing ${packages[*]}"
    case $manager in
        apt-get)
            if ! compgen -G "${APT_LISTS_DIR:-/var/lib/apt/lists}/*_Packages" >/dev/null; then
                pkg_refresh || return 1
            fi
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
            ;;
        dnf)
            if [ -n "$needs_epel" ]; then enable_epel || return 1; fi
            dnf -y install --setopt=install_weak_deps=False "${packages[@]}"
            ;;
        microdnf)
            if [ -n "$needs_epel" ]; then
                enable_epel || return 1
                # microdnf has no config-manager: enable CRB for this transaction only.
                microdnf -y install --setopt=install_weak_deps=0 --enablerepo=crb "${packages[@]}"
            else
                microdnf -y install --setopt=install_weak_deps=0 "${packages[@]}"
            fi
            ;;
    esac
}

pkg_clean() {
    case $(distro_package_manager) in
        apt-get)
            apt-get clean
            rm -rf "${APT_LISTS_DIR:-/var/lib/apt/lists}"/* "${APT_CACHE_DIR:-/var/cache/apt}"/*.bin
            ;;
        dnf | microdnf)
            "$(distro_package_manager)" clean all
            rm -rf "${DNF_CACHE_DIR:-/var/cache/dnf}"/* "${YUM_CACHE_DIR:-/var/cache/yum}"/*
            ;;
    esac
}

pam_cron_file() {
    if [ "$DISTRO_FAMILY" = el ]; then echo /etc/pam.d/crond; else echo /etc/pam.d/cron; fi
}

sftp_server_path() {
    if [ "$DISTRO_FAMILY" = el ]; then
        echo /usr/libexec/openssh/sftp-server
    else
        echo /usr/lib/openssh/sftp-server
    fi
}

distro_detect
