#!/usr/bin/env bash
# en_US.UTF-8 on both families. The Dockerfile sets LANG (ENV), so every process,
# `docker exec` included, uses it; the files written here serve PAM logins (ssh, cron).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! declare -F pkg_install >/dev/null; then
    # shellcheck source=../lib/distro.sh
    . "$here/../lib/distro.sh"
fi

locale_name=en_US.UTF-8
pkg_install locale-en

if [ "$DISTRO_FAMILY" = debian ]; then
    # Debian: compile the locale from the sources the `locales` package ships, into a
    # directory as EL's language packs have it (/usr/lib/locale/en_US.utf8, 2.6 MB), not
    # into the archive locale-gen writes (3.0 MB). It stays listed in /etc/locale.gen, so a
    # later locale-gen (another locale, an upgrade of `locales`) compiles it again.
    if ! grep -q "^$locale_name UTF-8" /etc/locale.gen 2>/dev/null; then
        echo "$locale_name UTF-8" >>/etc/locale.gen
    fi
    # locale-gen's options; --no-hard-links, so the identical file below is not linked to
    # the base's, which would copy that file into this layer.
    localedef --no-archive --no-hard-links -c -i en_US -f UTF-8 -A /usr/share/locale/locale.alias "$locale_name"
    locale_dir=/usr/lib/locale/en_US.utf8
    [ -f "$locale_dir/LC_CTYPE" ] || { echo "locale/install.sh: localedef wrote no $locale_dir" >&2; exit 1; }
    # A category identical to C.UTF-8's (the base's libc-bin; LC_CTYPE, 0.35 MB) links to it.
    for category in "$locale_dir"/LC_*; do
        shared=/usr/lib/locale/C.utf8/${category##*/}
        if [ -f "$category" ] && [ -f "$shared" ] && cmp -s "$category" "$shared"; then
            ln -sf "../C.utf8/${category##*/}" "$category"
        fi
    done
    echo "LANG=$locale_name" >/etc/default/locale
    # The sources (/usr/share/i18n/locales and charmaps, 16 MB) are needed only to
    # generate a locale. `apt-get install --reinstall locales` brings them back for another.
    rm -rf /usr/share/i18n/locales /usr/share/i18n/charmaps
else
    # EL: glibc-langpack-en carries it precompiled.
    echo "LANG=$locale_name" >/etc/locale.conf
fi

# Fail the build rather than ship a locale that does not load.
warnings=$(LC_ALL=$locale_name locale 2>&1 >/dev/null)
if [ -n "$warnings" ]; then
    echo "locale/install.sh: $locale_name does not load: $warnings" >&2
    exit 1
fi
