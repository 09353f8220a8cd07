"""The namespace sandbox of the PID-1 tests and the benchmark: an init runs as PID 1 of a
fresh PID namespace over a private /etc, so nothing it writes reaches the host.

As a module: prepare(upper, work) lays out the overlay's directories, command(...) is the
argv that runs an init in them. As a script (what command() runs, as root, already
inside `unshare --mount --propagation private`):

    sandbox.py UPPER WORK [--user UID:GID] [--no-pid-namespace] [--read-only-etc]
               [--exec-time FILE] -- INIT_ARGV...

/etc becomes an overlay of the host's /etc with UPPER/etc on top, and /usr/sbin one with
UPPER/sbin, so everything the init or a test writes there lands in UPPER and the host's
files are never touched. /run is UPPER/run (the init's runtime state). With
--read-only-etc, /etc is then made read-only, as on a container's read-only root.
--no-pid-namespace execs the init in place: it is PID 1 only when the caller made the
PID namespace (the bench does, so that --exec-time records the init's own exec).
"""

import os
import shutil
import stat
import subprocess
import sys
import time

SCRIPT = os.path.abspath(__file__)
# The PATH an init in the sandbox gets: Docker's default for a container, without the
# caller's per-user directories (pyenv shims under /root).
CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Directories the init reads; each starts empty (opaque over the host's /etc).
OWN_DIRECTORIES = ("my_init.d", "service", "container_environment", "my_init.pre_shutdown.d",
                   "my_init.post_shutdown.d")
# Files the init reads or writes at boot that a caller may hide (prepare's HIDE): the
# bench does, so that its runs are alike whatever the host holds; the tests make their own.
BOOT_FILES = ("rc.local", "container_environment.sh", "container_environment.json")


def prepare(upper, work, hide=()):
    """Creates the overlay's directories under UPPER and WORK (both new), with the files
    HIDE names (in /etc) whited out; returns UPPER/etc."""
    etc = os.path.join(upper, "etc")
    for directory in (etc, os.path.join(upper, "sbin"), os.path.join(upper, "run"),
                      os.path.join(work, "etc"), os.path.join(work, "sbin")):
        os.makedirs(directory)
    os.chmod(os.path.join(upper, "run"), 0o755)  # root's, as a fresh tmpfs
    for name in OWN_DIRECTORIES:
        directory = os.path.join(etc, name)
        os.mkdir(directory)
        os.setxattr(directory, "trusted.overlay.opaque", b"y")
    os.chmod(os.path.join(etc, "container_environment"), 0o700)
    for name in hide:
        os.mknod(os.path.join(etc, name), stat.S_IFCHR | 0o600, os.makedev(0, 0))  # a whiteout
    return etc


def add_programs(upper, directory):
    """Copies DIRECTORY's files (links as links) into UPPER's sbin, the sandbox's /usr/sbin,
    which comes before /usr/bin on CONTAINER_PATH: how the PID-1 suite and the bench run
    the image's runit programs (dist/runit) rather than whatever runit the host has."""
    for name in os.listdir(directory):
        shutil.copy2(os.path.join(directory, name), os.path.join(upper, "sbin", name), follow_symlinks=False)


def command(upper, work, init_argv, python=sys.executable, user=None, pid_namespace=True,
            read_only_etc=False, exec_time=None):
    """argv running INIT_ARGV in the sandbox over UPPER and WORK (see prepare). USER is
    "UID:GID" or None; PID_NAMESPACE False leaves the init in the caller's PID namespace;
    EXEC_TIME, a file that gets the wall-clock time of the init's exec, makes the PID
    namespace around the sandbox instead, so that the init is exec'd in place as PID 1."""
    unshare = ["unshare", "--mount", "--propagation", "private"]
    flags = []
    if user is not None:
        flags += ["--user", user]
    if exec_time is not None:
        unshare += ["--pid", "--fork", "--mount-proc", "--kill-child"]
        flags += ["--exec-time", exec_time]
    if exec_time is not None or not pid_namespace:
        flags.append("--no-pid-namespace")
    if read_only_etc:
        flags.append("--read-only-etc")
    return unshare + [python, SCRIPT, str(upper), str(work)] + flags + ["--"] + list(init_argv)


def main(argv):
    upper, work = argv[0], argv[1]
    rest = argv[2:]
    user = exec_time = None
    pid_namespace = True
    read_only_etc = False
    while rest and rest[0] != "--":
        flag = rest.pop(0)
        if flag == "--user":
            user = rest.pop(0)
        elif flag == "--exec-time":
            exec_time = rest.pop(0)
        elif flag == "--no-pid-namespace":
            pid_namespace = False
        elif flag == "--read-only-etc":
            read_only_etc = True
        else:
            sys.exit("sandbox: unknown flag %s" % flag)
    init_argv = rest[1:]
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
    argv = prefix + init_argv
    if exec_time is not None:
        with open(exec_time, "w") as stream:
            stream.write("%r\n" % time.time())
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
