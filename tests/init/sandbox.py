"""Launch an init as PID 1 of a fresh PID namespace, with a private /etc.

Usage (as root, already inside `unshare --mount --propagation private`):
    sandbox.py UPPER WORK [--user UID:GID] [--no-pid-namespace] -- INIT_ARGV...

/etc becomes an overlay of the host's /etc with UPPER/etc on top, /usr/sbin one with
UPPER/sbin and /run one with UPPER/run (my_init's /run/my_init), so everything the init
or the test writes there lands in UPPER and the host's files are never touched.
"""

import os
import subprocess
import sys


def main(argv):
    upper, work = argv[0], argv[1]
    rest = argv[2:]
    user = None
    pid_namespace = True
    while rest and rest[0] != "--":
        flag = rest.pop(0)
        if flag == "--user":
            user = rest.pop(0)
        elif flag == "--no-pid-namespace":
            pid_namespace = False
        else:
            sys.exit("sandbox: unknown flag %s" % flag)
    command = rest[1:]
    for target, name in (("/etc", "etc"), ("/usr/sbin", "sbin"), ("/run", "run")):
        subprocess.run(
            ["mount", "-t", "overlay", "overlay", "-o",
             "lowerdir=%s,upperdir=%s/%s,workdir=%s/%s" % (target, upper, name, work, name),
             target],
            check=True)
    prefix = []
    if pid_namespace:
        prefix = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]
    if user is not None:
        uid, gid = user.split(":")
        prefix += ["setpriv", "--reuid", uid, "--regid", gid, "--clear-groups", "--"]
    argv = prefix + command
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
