#!/usr/bin/env bash
# en_US.UTF-8 on both families. The Dockerfile sets LANG (ENV), so every process,
# `docker exec` included, uses it; the files written here serve PAM logins (ssh, cron).
set -euo pipefail

locale_name=en_US.UTF-8
pkg_install locale-en

if command -v locale-gen >/dev/null 2>&1; then
    # Debian: compile the locale from the sources the `locales` package ships.
    if ! grep -q "^$locale_name UTF-8" /etc/locale.gen 2>/dev/null; then
        echo "$locale_name UTF-8" >>/etc/locale.gen
    fi
    locale-gen
    echo "LANG=$locale_name" >/etc/default/locale
    # The sources (/usr/share/i18n/locales and charmaps, 16 MB) are needed only to
    # generate a locale, and the compiled one is in /usr/lib/locale/locale-archive.
    # `apt-get install --reinstall locales` brings them back for another locale.
    rm -rf /usr/share/i18n/locales /usr/share/i18n/charmaps
else
    # EL: glibc-langpack-en carries it precompiled.
    echo "LANG=$locale_name" >/etc/locale.conf
fi

# Fail the build rather than ship a locale that does not load.
warnings=$(LC_ALL=$locale_name locale 2>&1 >/dev/null)
[ -z "$warnings" ] || die "$locale_name does not load: $warnings"
