# shellcheck shell=bash
# Distribution differences for the image and builder steps, in one place. Source it:
#
#   . image/lib/distro.sh        (OS_RELEASE overrides /etc/os-release, for tests)
#
# Sourcing detects the distribution and sets DISTRO_FAMILY (el | debian), DISTRO_ID and
# DISTRO_MAJOR (major version). image/install.sh sources it and exports everything, so
# every step script can call these functions directly:
#
#   pkg_name LOGICAL       print the distribution's package name(s)
#   pkg_install LOGICAL... install packages by logical name (names not in the table below
#                          are used as they are), without documentation, man pages or weak
#                          dependencies; packages marked epel: are installed with EPEL and CRB
#                          enabled for that one transaction
#   pkg_refresh            fetch package lists where the package manager needs it (apt)
#   pkg_clean              remove package caches and lists
#   enable_epel            EL: install epel-release (once), import its key and leave its
#                          repositories disabled, so the image's `dnf upgrade` and derived
#                          images see only the distribution's own repositories
#   crb_repo               EL: the id of the CodeReady Builder repository (crb; on RHEL/UBI
#                          ubi-N-codeready-builder-rpms); fails when no repository file has it
#   pam_cron_file          the cron daemon's PAM file
#   sftp_server_path       the sftp-server binary of openssh-server
#   ssh_client_programs    the OpenSSH client programs installed with sshd that the image
#                          removes (Debian's openssh-server depends on openssh-client; EL's
#                          does not need openssh-clients, so on EL: none)
# Paths and URLs the functions use can be moved for tests: OS_RELEASE, APT_LISTS_DIR,
# APT_CACHE_DIR, YUM_REPOS_DIR, DNF_CACHE_DIR, YUM_CACHE_DIR, RPM_GPG_DIR, EPEL_URL.
#
# Logical name -> package names. EL packages marked "epel:" come from EPEL.
#   logical      debian              el
#   syslog-ng    syslog-ng-core      epel:syslog-ng
#   cron         cron                cronie
#   logrotate    logrotate           logrotate
#   sshd         openssh-server      openssh-server
#   ssh-client   openssh-client      openssh-clients
#   ps           procps              procps-ng
#   locale-en    locales             glibc-langpack-en
#   curl         curl                curl-minimal (EL9; the minimal images' libcurl-minimal
#                                    conflicts with curl), curl (EL10: curl-minimal is gone)
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
        syslog-ng) echo "syslog-ng-core|epel:syslog-ng" ;;
        cron) echo "cron|cronie" ;;
        logrotate) echo "logrotate|logrotate" ;;
        sshd) echo "openssh-server|openssh-server" ;;
        ssh-client) echo "openssh-client|openssh-clients" ;;
        ps) echo "procps|procps-ng" ;;
        locale-en) echo "locales|glibc-langpack-en" ;;
        curl)
            if [ "${DISTRO_MAJOR:-0}" -ge 10 ] 2>/dev/null; then echo "curl|curl"; else echo "curl|curl-minimal"; fi
            ;;
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

# The CodeReady Builder repository's id, read from the repository files: EPEL packages
# depend on it. A name that no file defines would make dnf and microdnf fail with an
# "unknown repo" error deep in the build, so this says which ids it looked for.
crb_repo() {
    [ "$DISTRO_FAMILY" = el ] || { distro_die "crb_repo: $DISTRO_ID is not an EL distribution"; return 1; }
    local repos_dir=${YUM_REPOS_DIR:-/etc/yum.repos.d} candidates id file line
    case $DISTRO_ID in
        # UBI images carry ubi.repo; a subscribed RHEL host's redhat.repo names it by arch.
        rhel) candidates=("ubi-$DISTRO_MAJOR-codeready-builder-rpms" "codeready-builder-for-rhel-$DISTRO_MAJOR-${HOSTTYPE:-x86_64}-rpms") ;;
        *) candidates=(crb) ;;
    esac
    for id in "${candidates[@]}"; do
        for file in "$repos_dir"/*.repo; do
            [ -f "$file" ] || continue
            while IFS= read -r line || [ -n "$line" ]; do
                if [ "${line%"${line##*[![:space:]]}"}" = "[$id]" ]; then
                    echo "$id"
                    return 0
                fi
            done <"$file"
        done
    done
    distro_die "no CodeReady Builder repository (${candidates[*]}) in $repos_dir/*.repo; EPEL packages need it"
}

# Sets enabled=0 in the given repository files (microdnf has no config-manager).
distro_disable_repo_files() {
    local file line content
    for file in "$@"; do
        [ -f "$file" ] || continue
        content=""
        while IFS= read -r line || [ -n "$line" ]; do
            case $line in
                enabled=* | "enabled "*) line="enabled=0" ;;
            esac
            content+="$line"$'\n'
        done <"$file"
        printf '%s' "$content" >"$file"
    done
}

# epel-release from the Fedora project, for RHEL and UBI (their repositories do not carry
# it) and as a fallback elsewhere. microdnf installs only from repositories, never from a
# file or URL, so rpm installs it. The EPEL key is fetched over HTTPS from the same place
# and imported first, so `rpm -K` can check the package's signature before it is installed.
distro_install_epel_release_rpm() {
    command -v curl >/dev/null 2>&1 || pkg_install curl || return 1
    local work status=0
    work=$(mktemp -d) || return 1
    distro_fetch_and_install_epel_release "$work" || status=$?
    rm -rf "$work"
    return "$status"
}

distro_fetch_and_install_epel_release() {
    local work=$1 base_url=${EPEL_URL:-https://dl.fedoraproject.org/pub/epel}
    local key_url="$base_url/RPM-GPG-KEY-EPEL-$DISTRO_MAJOR"
    local rpm_url="$base_url/epel-release-latest-$DISTRO_MAJOR.noarch.rpm"
    echo "*** installing epel-release from $rpm_url"
    curl -fsSL --retry 3 -o "$work/RPM-GPG-KEY-EPEL" "$key_url" ||
        { distro_die "could not download $key_url"; return 1; }
    rpm --import "$work/RPM-GPG-KEY-EPEL" ||
        { distro_die "could not import the EPEL key from $key_url"; return 1; }
    curl -fsSL --retry 3 -o "$work/epel-release.rpm" "$rpm_url" ||
        { distro_die "could not download $rpm_url"; return 1; }
    rpm -K "$work/epel-release.rpm" ||
        { distro_die "$rpm_url: signature check failed (rpm -K)"; return 1; }
    rpm -i "$work/epel-release.rpm" || { distro_die "could not install $rpm_url"; return 1; }
}

enable_epel() {
    [ "$DISTRO_FAMILY" = el ] || return 0
    local repos_dir=${YUM_REPOS_DIR:-/etc/yum.repos.d}
    if [ ! -e "$repos_dir/epel.repo" ]; then
        local manager
        manager=$(distro_package_manager) || return 1
        echo "*** installing epel-release (EPEL stays disabled; used for single transactions)"
        # CentOS Stream, AlmaLinux and Rocky ship epel-release in their extras repository;
        # RHEL and UBI do not.
        if [ "$DISTRO_ID" = rhel ] ||
            ! "$manager" -y install --setopt=install_weak_deps=0 --setopt=tsflags=nodocs epel-release; then
            distro_install_epel_release_rpm || return 1
        fi
        [ -e "$repos_dir/epel.repo" ] ||
            { distro_die "epel-release installed no $repos_dir/epel.repo"; return 1; }
    fi
    # dnf on RHEL/UBI and microdnf do not import the key by themselves.
    local key=${RPM_GPG_DIR:-/etc/pki/rpm-gpg}/RPM-GPG-KEY-EPEL-$DISTRO_MAJOR
    rpm --import "$key" || { distro_die "could not import the EPEL key $key"; return 1; }
    distro_disable_repo_files "$repos_dir"/epel*.repo
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
            # Documentation is left out by dpkg's path excludes (image/base/00-nodoc).
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
            ;;
        dnf | microdnf)
            # microdnf takes install_weak_deps as 0/1 only; dnf takes both.
            local options=(-y install --setopt=install_weak_deps=0 --setopt=tsflags=nodocs)
            if [ -n "$needs_epel" ]; then
                local crb
                # CRB first: a base without it fails before anything is installed.
                crb=$(crb_repo) || return 1
                enable_epel || return 1
                options+=(--enablerepo=epel "--enablerepo=$crb")
            fi
            "$manager" "${options[@]}" "${packages[@]}"
            ;;
    esac
}

pkg_clean() {
    case $(distro_package_manager) in
        apt-get)
            apt-get clean
            rm -rf "${APT_LISTS_DIR:-/var/lib/apt/lists}"/* "${APT_CACHE_DIR:-/var/cache/apt}"/*.bin
            # The backups dpkg and debconf keep of their databases (rewritten on the next
            # install anyway): otherwise a second 1 MB copy in the layer.
            rm -f /var/cache/debconf/*-old /var/lib/dpkg/*-old
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

# Debian's openssh-server depends on openssh-client (for ssh-keygen), which brings 4.7 MB
# of programs a container running sshd does not use. Kept: ssh-keygen (the host keys) and
# scp (the server end of the original scp protocol, which clients before OpenSSH 9.0 use).
# EL splits them the same way already: openssh (ssh-keygen) and openssh-clients, which
# openssh-server does not require and the image does not install.
ssh_client_programs() {
    [ "$DISTRO_FAMILY" = debian ] || return 0
    printf '%s\n' /usr/bin/ssh /usr/bin/slogin /usr/bin/sftp /usr/bin/ssh-add /usr/bin/ssh-agent \
        /usr/bin/ssh-argv0 /usr/bin/ssh-copy-id /usr/bin/ssh-keyscan /usr/lib/openssh/agent-launch \
        /usr/lib/openssh/ssh-keysign /usr/lib/openssh/ssh-pkcs11-helper /usr/lib/openssh/ssh-sk-helper
}

# Exported so that the step scripts install.sh runs (each in its own bash) can call them.
export -f distro_die distro_detect distro_package_table distro_package_entries pkg_name \
    distro_package_manager pkg_refresh crb_repo distro_disable_repo_files \
    distro_install_epel_release_rpm distro_fetch_and_install_epel_release enable_epel pkg_install pkg_clean \
    pam_cron_file sftp_server_path ssh_client_programs

distro_detect
