"""Launch an init as PID 1 of a fresh PID namespace, with a private /etc.

Usage (as root, already inside `unshare --mount --propagation private`):
    sandbox.py UPPER WORK [--user UID:GID] [--no-pid-namespace] [--read-only-etc] -- INIT_ARGV...

/etc becomes an overlay of the host's /etc with UPPER/etc on top, and /usr/sbin one
with UPPER/sbin, so everything the init or the test writes there lands in UPPER and the
host's files are never touched. /run is UPPER/run (the init's runtime state). With
--read-only-etc, /etc is then made read-only, as on a container's read-only root.
"""

import os
import subprocess
import sys


def main(argv):
    upper, work = argv[0], argv[1]
    rest = argv[2:]
    user = None
    pid_namespace = True
    read_only_etc = False
    while rest and rest[0] != "--":
        flag = rest.pop(0)
        if flag == "--user":
            user = rest.pop(0)
        elif flag == "--no-pid-namespace":
            pid_namespace = False
        elif flag == "--read-only-etc":
            read_only_etc = True
        else:
            sys.exit("sandbox: unknown flag %s" % flag)
    command = rest[1:]
    for target, name in (("/etc", "etc"), ("/usr/sbin", "sbin")):
        subprocess.run(
            ["mount", "-t", "overlay", "overlay", "-o",
             "lowerdir=%s,upperdir=%s/%s,workdir=%s/%s" % (target, upper, name, work, name),
             target],
            check=True)
    subprocess.run(["mount", "--bind", os.path.join(upper, "run"), "/run"], check=True)
    if read_only_etc:
        subprocess.run(["mount", "-o", "remount,ro", "/etc"], check=True)
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
