"""tools/bench_image.py finds a container's memory cgroup from its /proc/PID/cgroup, on
cgroup v1 (this CI's engine), v2 (systemd or cgroupfs driver) and hybrid hosts, also when
its PID 1 sits in a cgroup of its own below the container's (systemd, make bench-compare)."""


import pytest

import bench_image

CONTAINER = "19895fe6efb2"


@pytest.mark.parametrize("proc_cgroup, expected", [
    # cgroup v1, cgroupfs driver
    ("9:name=systemd:/docker/%s\n4:memory:/docker/%s\n1:cpu:/docker/%s\n0::/docker/%s\n"
     % ((CONTAINER,) * 4), (1, "/sys/fs/cgroup/memory/docker/%s" % CONTAINER)),
    # v1 with memory mounted together with other controllers
    ("5:cpuacct,memory:/docker/%s\n" % CONTAINER, (1, "/sys/fs/cgroup/memory/docker/%s" % CONTAINER)),
    # cgroup v2, systemd driver
    ("0::/system.slice/docker-%s.scope\n" % CONTAINER, (2, "/sys/fs/cgroup/system.slice/docker-%s.scope" % CONTAINER)),
    # cgroup v2, cgroupfs driver
    ("0::/docker/%s\n" % CONTAINER, (2, "/sys/fs/cgroup/docker/%s" % CONTAINER)),
])
def test_memory_cgroup_directory(proc_cgroup, expected):
    assert bench_image.memory_cgroup(proc_cgroup) == expected


def test_no_memory_cgroup_is_an_error_that_shows_the_file():
    with pytest.raises(bench_image.BenchError, match="no memory cgroup in: 3:cpu:/docker/x"):
        bench_image.memory_cgroup("3:cpu:/docker/x\n")


FULL_ID = CONTAINER + "a" * 52


@pytest.mark.parametrize("directory, expected", [
    # v1 and v2 cgroupfs driver, the container's PID 1 in the container's cgroup
    ("/sys/fs/cgroup/memory/docker/%s" % FULL_ID, "/sys/fs/cgroup/memory/docker/%s" % FULL_ID),
    # systemd as PID 1 in a cgroup of its own below the container's (v2, systemd driver)
    ("/sys/fs/cgroup/system.slice/docker-%s.scope/init.scope" % FULL_ID,
     "/sys/fs/cgroup/system.slice/docker-%s.scope" % FULL_ID),
    ("/sys/fs/cgroup/docker/%s/init.scope" % FULL_ID, "/sys/fs/cgroup/docker/%s" % FULL_ID),
    # no directory named after the container: PID 1's own
    ("/sys/fs/cgroup/memory/elsewhere/init.scope", "/sys/fs/cgroup/memory/elsewhere/init.scope"),
])
def test_container_cgroup_is_the_one_named_after_the_container(directory, expected):
    assert bench_image.container_cgroup(directory, FULL_ID) == expected


@pytest.mark.parametrize("image, variant, expected", [
    ("bi-i8c:1.0.0", "tini", "bi-i8c-bench-tini:1.0.0"),
    ("me/baseimage:2", "interpreted", "me/baseimage-bench-interpreted:2"),
    ("registry:5000/me/baseimage", "tini", "registry:5000/me/baseimage-bench-tini:latest"),
])
def test_derived_image_tags_sit_next_to_the_image(image, variant, expected):
    assert bench_image.derived_tag(image, variant) == expected
