#!/usr/bin/env bash
# OpenSSH server, installed but down by default; keys only; host keys made per container
# at boot; the insecure key shipped (public half only) but enabled only on request.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! declare -F pkg_install >/dev/null; then
    # shellcheck source=../../lib/distro.sh
    . "$here/../../lib/distro.sh"
fi

pkg_install sshd

# The server side only (README, "What is inside"): the client programs that came with it
# go, ssh-keygen and scp stay. `apt-get install --reinstall openssh-client` brings them back.
while IFS= read -r program; do
    rm -f "$program"
done < <(ssh_client_programs)
# (EL has no scp: it is in openssh-clients, which openssh-server does not pull in.)
kept=(ssh-keygen)
if [ "$DISTRO_FAMILY" = debian ]; then kept+=(scp); fi
for needed in "${kept[@]}"; do
    command -v "$needed" >/dev/null ||
        { echo "sshd/install.sh: $needed is missing (ssh_client_programs lists too much)" >&2; exit 1; }
done

# Debian's package generates host keys when installed: every container of the image
# would share them. None may be in the image.
rm -f /etc/ssh/ssh_host_*

sftp_server=$(sftp_server_path)
if [ ! -x "$sftp_server" ]; then
    echo "sshd/install.sh: sftp server $sftp_server (sftp_server_path) is not installed" >&2
    exit 1
fi
mkdir -p /etc/ssh/sshd_config.d
sed "s#@SFTP_SERVER@#$sftp_server#" "$here/sshd_config" >/etc/ssh/sshd_config
chmod 0600 /etc/ssh/sshd_config

# The same pam_loginuid problem as cron's: a `required` line breaks every login.
sed -i -E 's/^([[:space:]]*session[[:space:]]+required[[:space:]]+pam_loginuid\.so.*)$/# disabled for containers: \1/' /etc/pam.d/sshd
if grep -Eq '^[[:space:]]*session[[:space:]]+required[[:space:]]+pam_loginuid' /etc/pam.d/sshd; then
    echo "sshd/install.sh: pam_loginuid is still required in /etc/pam.d/sshd" >&2
    exit 1
fi

install -m 0755 "$here/enable_insecure_key" /usr/sbin/enable_insecure_key
install -m 0644 "$here/keys/insecure_key.pub" /etc/insecure_key.pub

# Debian's package also ships a runit service named `ssh` (/etc/sv/ssh) that runit-helper
# may link into the service directory; ours is `sshd`, so only one may exist.
if [ -L /etc/service/ssh ]; then
    rm -f /etc/service/ssh
fi
install -d -m 0755 /etc/service/sshd
# The host-key helper sits with the service, not in /etc/my_init.d (users may replace
# that directory): the run script calls it before each start.
install -m 0755 "$here/run" "$here/check" "$here/regen_ssh_host_keys.sh" /etc/service/sshd/
touch /etc/service/sshd/down
# Privilege separation, host keys and logins as other users need root.
touch /etc/service/sshd/needs-root

# Check the configuration now rather than at the first login (with a throwaway key,
# since the image must not contain real host keys).
scratch=$(mktemp -d)
ssh-keygen -q -t ed25519 -N '' -f "$scratch/key"
mkdir -p /run/sshd
/usr/sbin/sshd -t -f /etc/ssh/sshd_config -h "$scratch/key"
rm -rf "$scratch"
