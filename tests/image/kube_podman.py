"""A Podman of its own for `podman kube play` (tests/image/test_kube.py): its storage, run
and temporary directories in a temporary directory (--root, --runroot, --tmpdir), so it
shares no containers, images, volumes or pods with the machine's Podman, and every
command run in one private mount namespace, so that the mounts Podman makes (the
containers' roots, /run/netns) are seen by all its commands and by no one else.

Why the namespace, and what it changes (nothing on the host's mounts):

- On a HYBRID host (cgroup v1 controllers under /sys/fs/cgroup/*, and the cgroup2 tree at
  /sys/fs/cgroup/unified holding controllers: CI's machines, where it holds hugetlb),
  Podman 4.3 cannot make a pod: with cgroup v1 it makes the pod's cgroup in every v1
  controller the kernel has, and a controller held by the cgroup2 tree (or not mounted at
  all) has no v1 directory (`creating cgroup path for hugetlb: mkdir
  /sys/fs/cgroup/hugetlb/libpod_parent: read-only file system`; crun refuses such a host
  outright). In the namespace, /sys/fs/cgroup becomes the host's own cgroup2 mount alone
  (a bind mount of /sys/fs/cgroup/unified moved there, the v1 mounts unmounted in the
  namespace only): Podman and its runtime see a unified host and use cgroup v2, with the
  controllers that tree really has. No cgroup hierarchy is mounted or changed (mounting
  v1 controllers by hand once broke Docker's statistics).
- On a unified (cgroup v2) host or a plain cgroup v1 host, /sys/fs/cgroup is left as it
  is: Podman makes pods there itself.

    cgroup_layout()           -> "unified", "hybrid" or "v1", read from /proc/self/mountinfo
    KubePodman(directory, layout)   .podman(*args), .close()
    detach_device_filters(path)     what Podman 5 does (see there)
    apply_fs_group(path, gid)       what the kubelet does (see there)
"""

import ctypes
import os
import platform
import stat
import struct
import subprocess


def _mounts():
    """(mount point, filesystem type) of each mount this process sees."""
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            before, _, after = line.partition(" - ")
            yield before.split()[4], after.split()[0]


def cgroup_layout():
    mounts = dict(_mounts())
    if mounts.get("/sys/fs/cgroup") == "cgroup2":
        return "unified"
    if mounts.get("/sys/fs/cgroup/unified") == "cgroup2":
        with open("/sys/fs/cgroup/unified/cgroup.controllers") as controllers:
            if controllers.read().split():
                return "hybrid"
    # v1 alone, or systemd's hybrid layout whose cgroup2 tree holds no controller (it only
    # tracks processes): Podman uses the v1 controllers, all mounted.
    return "v1"


# Run by `unshare --mount --propagation private` (every mount private to the new
# namespace, so nothing below reaches the host): on a hybrid host, the cgroup2 mount
# alone at /sys/fs/cgroup. Then it waits on its standard input: the namespace lives until
# the test closes it (or dies), and every Podman command joins it with nsenter.
HOLDER = """set -e
if [ "$1" = hybrid ]; then
    cgroup2=$(mktemp -d)
    mount --bind /sys/fs/cgroup/unified "$cgroup2"
    umount -R /sys/fs/cgroup
    mount --move "$cgroup2" /sys/fs/cgroup
    rmdir "$cgroup2"
fi
echo ready
exec cat >/dev/null
"""


class KubePodman:
    def __init__(self, directory, layout):
        self.directory = directory
        self.layout = layout
        self.holder = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                        HOLDER, "holder", layout],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
        line = self.holder.stdout.readline()
        if line != "ready\n":
            self.holder.stdin.close()
            raise RuntimeError("the mount namespace for Podman was not made (%s layout): %s%s"
                               % (layout, line, self.holder.stderr.read()))
        self.global_options = ["--root", os.path.join(directory, "root"),
                               "--runroot", os.path.join(directory, "runroot"),
                               "--tmpdir", os.path.join(directory, "tmp")]

    @property
    def root(self):
        """The namespace's root (its /sys/fs/cgroup is seen under it)."""
        return "/proc/%d/root" % self.holder.pid

    def command(self, *args):
        return ["nsenter", "--mount=/proc/%d/ns/mnt" % self.holder.pid, "--", "podman"] \
            + self.global_options + [str(arg) for arg in args]

    def podman(self, *args, timeout=120):
        return subprocess.run(self.command(*args), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)

    def close(self):
        """Ends the namespace (Podman's mounts in it go with it); remove the pods first."""
        self.holder.stdin.close()
        self.holder.wait(timeout=30)


# bpf(2): the syscall's number, and the commands and attach type used below (linux/bpf.h).
BPF_SYSCALL = {"x86_64": 321, "aarch64": 280}
BPF_PROG_DETACH, BPF_PROG_GET_FD_BY_ID, BPF_PROG_QUERY = 9, 13, 16
BPF_CGROUP_DEVICE = 6


def _bpf(command, attributes):
    libc = ctypes.CDLL(None, use_errno=True)
    machine = platform.machine()
    if machine not in BPF_SYSCALL:
        raise OSError("no bpf syscall number known for %s" % machine)
    result = libc.syscall(BPF_SYSCALL[machine], command, attributes, len(attributes))
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, "bpf(%d): %s" % (command, os.strerror(error)))
    return result


def detach_device_filters(cgroup):
    """Detaches the device programs attached to the cgroup v2 directory CGROUP; returns
    their IDs.

    Podman 4.3 with the cgroupfs manager (no systemd) on cgroup v2 sets the pod's cgroup up
    with the container's resource code and an empty device list, which attaches a device
    program allowing no device to the pod's cgroup. Every container of the pod is below it,
    so the pod's first container fails (`error reopening /dev/null inside container: open
    /dev/null: operation not permitted`). Podman 5.0 fixed it by attaching no device
    program to a pod's cgroup (commit 6a727fd, "Fix updated runc dep breaking pod devices
    cgroup": res.SkipDevices = true); this leaves the pod's cgroup as Podman 5 does. Each
    container keeps the device program its runtime attaches to its own cgroup."""
    directory = os.open(cgroup, os.O_RDONLY | os.O_DIRECTORY)
    try:
        ids = (ctypes.c_uint32 * 64)()
        query = ctypes.create_string_buffer(40)  # target_fd, attach_type, query_flags, attach_flags, prog_ids, prog_cnt
        struct.pack_into("=IIIIQI", query, 0, directory, BPF_CGROUP_DEVICE, 0, 0, ctypes.addressof(ids), len(ids))
        _bpf(BPF_PROG_QUERY, query)
        found = list(ids[:struct.unpack_from("=I", query, 24)[0]])
        for program_id in found:
            by_id = ctypes.create_string_buffer(40)
            struct.pack_into("=I", by_id, 0, program_id)
            program = _bpf(BPF_PROG_GET_FD_BY_ID, by_id)
            try:
                detach = ctypes.create_string_buffer(40)  # target_fd, attach_bpf_fd, attach_type
                struct.pack_into("=III", detach, 0, directory, program, BPF_CGROUP_DEVICE)
                _bpf(BPF_PROG_DETACH, detach)
            finally:
                os.close(program)
        return found
    finally:
        os.close(directory)


def apply_fs_group(path, gid):
    """What the kubelet does to a pod's volume for the pod's securityContext.fsGroup: every
    file and directory under PATH gets group GID and group read-write (directories also
    group search and setgid, so that new files get the group). Podman 4.3's kube play
    ignores fsGroup (and an emptyDir's `medium: Memory`): it makes the emptyDir a volume
    with the owner and mode of the image's directory (root, 0755 for /run), which the pod's
    non-root user cannot write."""
    def chgrp(name, directory):
        mode = os.lstat(name).st_mode
        os.lchown(name, -1, gid)
        if not stat.S_ISLNK(mode):
            os.chmod(name, stat.S_IMODE(mode) | (stat.S_IRWXG | stat.S_ISGID if directory else
                                                 stat.S_IRGRP | stat.S_IWGRP))
    chgrp(path, True)
    for parent, directories, files in os.walk(path):
        for name in directories:
            chgrp(os.path.join(parent, name), True)
        for name in files:
            chgrp(os.path.join(parent, name), False)
