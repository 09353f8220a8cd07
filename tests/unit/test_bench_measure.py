"""tools/bench_measure.py, the benches' one reader: a process's memory (psutil, or the
smaps_rollup text a container prints), a container's memory cgroup found from its
/proc/PID/cgroup on cgroup v1 (this CI's engine), v2 (systemd or cgroupfs driver) and
hybrid hosts, also when its PID 1 sits in a cgroup of its own below the container's
(systemd, make bench-compare), that cgroup's anon, file and total, and hyperfine."""

import os
import subprocess
import sys

import pytest

import bench_measure

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
    assert bench_measure.memory_cgroup(proc_cgroup) == expected


def test_no_memory_cgroup_is_an_error_that_shows_the_file():
    with pytest.raises(bench_measure.BenchError, match="no memory cgroup in: 3:cpu:/docker/x"):
        bench_measure.memory_cgroup("3:cpu:/docker/x\n")


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
    assert bench_measure.container_cgroup(directory, FULL_ID) == expected


def write_cgroup(directory, stat, total_file, total):
    os.makedirs(directory)
    with open(os.path.join(directory, "memory.stat"), "w") as stream:
        stream.write("".join("%s %d\n" % item for item in stat.items()))
    with open(os.path.join(directory, total_file), "w") as stream:
        stream.write("%d\n" % total)
    return directory


@pytest.mark.parametrize("version, stat, total_file", [
    # v1: total_* count the cgroups below too (systemd's units below the container's)
    (1, {"cache": 1, "rss": 2, "total_cache": 4096, "total_rss": 8192, "total_mapped_file": 3},
     "memory.usage_in_bytes"),
    (2, {"anon": 8192, "file": 4096, "kernel": 5, "shmem": 6}, "memory.current"),
])
def test_cgroup_memory_reads_anon_file_and_total_of_either_version(tmp_path, version, stat, total_file):
    directory = write_cgroup(str(tmp_path / "docker" / "abc"), stat, total_file, 20000)
    assert bench_measure.cgroup_memory(version, directory) == {
        "anon_bytes": 8192, "file_bytes": 4096, "total_bytes": 20000}


def test_a_cgroup_without_memory_stat_says_the_engine_must_be_on_this_host(tmp_path):
    with pytest.raises(bench_measure.BenchError, match="memory.stat not found: the Docker engine must run"):
        bench_measure.cgroup_memory(2, str(tmp_path))


@pytest.mark.parametrize("versions, expected", [
    ([1, 1], {"version": 1, "anon": "memory.stat total_rss", "file": "memory.stat total_cache",
              "total": "memory.usage_in_bytes"}),
    ([2], {"version": 2, "anon": "memory.stat anon", "file": "memory.stat file", "total": "memory.current"}),
    ([1, 2], {"version": "mixed", "anon": "mixed", "file": "mixed", "total": "mixed"}),
])
def test_cgroup_sources_name_the_files_the_figures_come_from(versions, expected):
    assert bench_measure.cgroup_sources(iter(versions)) == expected


ROLLUP = """55d0c0de0000-7ffc0de00000 ---p 00000000 00:00 0                          [rollup]
Rss:                2960 kB
Pss:                1234 kB
Pss_Anon:            900 kB
Shared_Clean:       1700 kB
Private_Clean:       300 kB
Private_Dirty:       960 kB
Anonymous:           950 kB
Swap:                  0 kB
"""


def test_rollup_memory_reads_the_smaps_rollup_a_container_prints():
    assert bench_measure.rollup_memory(ROLLUP) == bench_measure.ProcessMemory(
        rss=2960 * 1024, pss=1234 * 1024, uss=1260 * 1024, anonymous=950 * 1024, private_dirty=960 * 1024)


# A process that holds 32 MB of anonymous memory it has written, until its stdin closes.
HOLDER = "import sys; held = bytearray(32 << 20); print('ready', flush=True); sys.stdin.read()"


def test_process_memory_sees_what_a_process_holds_as_smaps_rollup_does():
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "ready\n"
        memory = bench_measure.process_memory(holder.pid)
        with open("/proc/%d/smaps_rollup" % holder.pid) as stream:
            rollup = bench_measure.rollup_memory(stream.read())
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert memory.anonymous >= 32 << 20 and memory.private_dirty >= 32 << 20
    assert memory.anonymous <= memory.uss <= memory.rss and memory.pss <= memory.rss
    for field in bench_measure.ProcessMemory._fields:  # the two reads, a moment apart
        assert abs(getattr(memory, field) - getattr(rollup, field)) < 2 << 20, field


def test_process_memory_of_an_exited_process_is_an_oserror():
    exited = subprocess.Popen(["true"])
    exited.wait()
    with pytest.raises(ProcessLookupError):
        bench_measure.process_memory(exited.pid)


def test_hyperfine_times_each_run_in_the_environment_given(tmp_path):
    command = "sh -c 'test \"$BENCH_MEASURE_TEST\" = given'"
    results = bench_measure.hyperfine(["--runs", "3", command], str(tmp_path / "times.json"),
                                      {"PATH": os.environ["PATH"], "BENCH_MEASURE_TEST": "given"})
    assert len(results) == 1 and len(results[0]["times"]) == 3 and results[0]["median"] > 0
    with pytest.raises(bench_measure.BenchError, match="hyperfine failed: "):
        bench_measure.hyperfine(["--runs", "1", command], str(tmp_path / "fails.json"), {"PATH": os.environ["PATH"]})
