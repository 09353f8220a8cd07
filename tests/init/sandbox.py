"""Launch an init as PID 1 of a fresh PID namespace, with a private /etc.

Usage (as root, already inside `unshare --mount --propagation private`):
    sandbox.py UPPER WORK [--user UID:GID] [--no-pid-namespace] -- INIT_ARGV...

/etc becomes an overlay of the host's /etc with UPPER on top, so everything the init
or the test writes under /etc lands in UPPER and the host's /etc is never touched.
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
    subprocess.run(
        ["mount", "-t", "overlay", "overlay", "-o",
         "lowerdir=/etc,upperdir=%s,workdir=%s" % (upper, work), "/etc"],
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
