#!/bin/sh
# Creates the sshd host keys this container lacks; sshd's run script calls it before
# every start. The image ships none, so every container gets its own, made the first
# time its sshd starts (containers that never enable sshd pay nothing). Modern types
# only (ed25519, ecdsa, rsa 3072); existing keys are never replaced. It lives in the
# service's own directory (/etc/service/sshd/), not in /etc/my_init.d, which users may
# replace wholesale (e.g. with a volume).
set -e
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
