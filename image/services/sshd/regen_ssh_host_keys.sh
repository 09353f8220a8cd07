#!/bin/sh
# Creates the sshd host keys this container lacks and prints the path of each key sshd is
# to use, one a line (sshd's run script passes them as `sshd -h`); it runs before every
# start. The image ships none, so every container gets its own, made the first time its
# sshd starts (containers that never enable sshd pay nothing). Modern types only
# (ed25519, ecdsa, rsa 3072); existing keys are never replaced. A key in /etc/ssh (baked
# into an image or mounted) is used as it is; a missing one is made in /etc/ssh, or, when
# /etc/ssh is read-only (docker run --read-only), in /run/ssh, where it lasts until the
# container stops. It lives in the service's own directory (/etc/service/sshd/), not in
# /etc/my_init.d, which users may replace wholesale (e.g. with a volume).
set -e
runtime_dir=/run/ssh
generate() {
    type=$1
    shift
    file=/etc/ssh/ssh_host_${type}_key
    if [ ! -s "$file" ] && [ ! -w /etc/ssh ]; then
        file=$runtime_dir/ssh_host_${type}_key
        # Said once a container start (while /run/ssh does not exist yet).
        if [ ! -d "$runtime_dir" ]; then
            echo "sshd: /etc/ssh is read-only; host keys it lacks are made in $runtime_dir, new each time the container starts (mount keys into /etc/ssh to keep them)" >&2
            install -d -m 0700 "$runtime_dir"
        fi
    fi
    if [ ! -s "$file" ]; then
        rm -f "$file" "$file.pub"
        ssh-keygen -q -t "$type" "$@" -N '' -C "root@$(uname -n)" -f "$file"
        echo "generated the sshd $type host key $file" >&2
    fi
    echo "$file"
}
generate ed25519
generate ecdsa -b 256
generate rsa -b 3072
