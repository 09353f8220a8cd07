#!/bin/sh
# Startup script (/etc/my_init.d/00_regen_ssh_host_keys.sh): create the sshd host keys
# this container lacks. The image ships none, so every container gets its own.
# Modern types only (ed25519, ecdsa, rsa 3072); existing keys are never replaced.
# Skipped while sshd is disabled (/etc/service/sshd/down) so containers without sshd
# boot without the cost; sshd's run script calls it with --force before starting.
set -e
if [ "${1:-}" != --force ] && [ -e /etc/service/sshd/down ]; then
    exit 0
fi
generate() {
    type=$1
    shift
    file=/etc/ssh/ssh_host_${type}_key
    if [ ! -s "$file" ]; then
        rm -f "$file" "$file.pub"
        ssh-keygen -q -t "$type" "$@" -N '' -C "root@$(uname -n)" -f "$file"
        echo "generated the sshd $type host key $file"
    fi
}
generate ed25519
generate ecdsa -b 256
generate rsa -b 3072
