"""What the three benches (bench.py, bench_image.py, bench_compare.py) read and time with,
in one place: a process's memory, a memory cgroup's (v1 and v2), and hyperfine for
whatever can be timed as a whole command.

    process_memory(pid) -> ProcessMemory        psutil: RSS, PSS, USS, Anonymous, Private_Dirty
    rollup_memory(text) -> ProcessMemory        the same from smaps_rollup's text, for a
                                                process this host may not read
    memory_cgroup(proc_cgroup) -> (version, directory)
    container_cgroup(directory, container_id) -> directory
    cgroup_of(pid) -> (version, directory)      PID's memory cgroup, seen from this host
    cgroup_memory(version, directory) -> {anon_bytes, file_bytes, total_bytes}
    cgroup_sources(versions) -> {version, anon, file, total}   which files the figures are
    hyperfine(arguments, export, environment=None) -> its JSON export's results

psutil is imported by process_memory only: it is in the benches' venv (and the test
venv), while tools/publish_bench.py, which imports the benches for their tables, runs on
the bare python3 of `make bench`.
"""

import collections
import json
import os
import signal
import subprocess

CGROUP_ROOT = "/sys/fs/cgroup"

# Bytes each. Anonymous is what each further process of the same program costs: its code
# is page cache shared by all; USS (Private_Clean + Private_Dirty) is what only it holds.
ProcessMemory = collections.namedtuple("ProcessMemory", "rss pss uss anonymous private_dirty")

# memory.stat's key for anon and file, and the total's file, per cgroup version
CGROUP_FILES = {1: {"anon": "total_rss", "file": "total_cache", "total": "memory.usage_in_bytes"},
                2: {"anon": "anon", "file": "file", "total": "memory.current"}}


class BenchError(Exception):
    """A step of a bench went wrong; the message is one line."""


def process_memory(pid):
    """PID's memory; PermissionError when this user may not read it (another user's
    process), ProcessLookupError when PID has exited: the OSErrors the benches handle."""
    import psutil  # see the module's docstring

    try:
        process = psutil.Process(pid)
        full = process.memory_full_info()  # RSS from statm; PSS and USS from smaps_rollup
        # psutil gives Anonymous and Private_Dirty per mapping only (smaps)
        mappings = process.memory_maps(grouped=False)
    except psutil.AccessDenied:
        raise PermissionError("may not read the memory of PID %d" % pid) from None
    except psutil.NoSuchProcess:
        raise ProcessLookupError("PID %d has exited" % pid) from None
    return ProcessMemory(rss=full.rss, pss=full.pss, uss=full.uss,
                         anonymous=sum(mapping.anonymous for mapping in mappings),
                         private_dirty=sum(mapping.private_dirty for mapping in mappings))


def rollup_memory(text):
    """ProcessMemory from the text of a /proc/PID/smaps_rollup ("Key:   N kB" lines)."""
    kilobytes = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            kilobytes[key] = int(value.split()[0])
    return ProcessMemory(rss=kilobytes["Rss"] * 1024, pss=kilobytes["Pss"] * 1024,
                         uss=(kilobytes["Private_Clean"] + kilobytes["Private_Dirty"]) * 1024,
                         anonymous=kilobytes["Anonymous"] * 1024, private_dirty=kilobytes["Private_Dirty"] * 1024)


def memory_cgroup(proc_cgroup, cgroup_root=CGROUP_ROOT):
    """(cgroup version, directory) of the memory cgroup named in the text of a
    /proc/PID/cgroup file: the v1 hierarchy with the memory controller when there is one
    (also on hybrid hosts), else the unified (v2) hierarchy, "0::PATH"."""
    entries = [line.split(":", 2) for line in proc_cgroup.splitlines() if line.count(":") >= 2]
    for _hierarchy, controllers, path in entries:
        if "memory" in controllers.split(","):
            return 1, os.path.join(cgroup_root, "memory", path.lstrip("/"))
    for hierarchy, controllers, path in entries:
        if hierarchy == "0" and not controllers:
            return 2, os.path.join(cgroup_root, path.lstrip("/"))
    raise BenchError("no memory cgroup in: %s" % " ".join(proc_cgroup.split()))


def container_cgroup(directory, container_id):
    """The container's own cgroup DIRECTORY, from that of its PID 1: the same, or the
    nearest one above it named after the container (CONTAINER_ID, the full id), as Docker
    names it with either driver (.../docker/ID, .../docker-ID.scope); an init that makes
    cgroups of its own (systemd) runs in one below it (ID/init.scope). DIRECTORY itself
    when none above is named so."""
    found = directory
    while container_id not in os.path.basename(found):
        if os.path.dirname(found) == found:
            return directory
        found = os.path.dirname(found)
    return found


def cgroup_of(pid, cgroup_root=CGROUP_ROOT):
    """(cgroup version, directory) of PID's memory cgroup, seen from this host."""
    with open("/proc/%d/cgroup" % pid) as stream:
        return memory_cgroup(stream.read(), cgroup_root)


def cgroup_memory(version, directory):
    """{anon_bytes, file_bytes, total_bytes} of the memory cgroup DIRECTORY (VERSION 1 or 2):
    anon is what each further container costs; file is page cache charged to whichever
    cgroup read a file first; total is everything charged to it."""
    files = CGROUP_FILES[version]
    stat_path = os.path.join(directory, "memory.stat")
    if not os.path.isfile(stat_path):
        raise BenchError("%s not found: the Docker engine must run on this host" % stat_path)
    stat = {}
    with open(stat_path) as stream:
        for line in stream:
            key, value = line.split()
            stat[key] = int(value)
    with open(os.path.join(directory, files["total"])) as stream:
        total = int(stream.read())
    return {"anon_bytes": stat[files["anon"]], "file_bytes": stat[files["file"]], "total_bytes": total}


def cgroup_sources(versions):
    """What a run's cgroup figures are, from the VERSIONS its containers were read on:
    {"version": 1, 2 or "mixed", "anon", "file", "total": the file or memory.stat key}."""
    versions = set(versions)
    version = versions.pop() if len(versions) == 1 else "mixed"
    if version == "mixed":
        return {"version": version, "anon": "mixed", "file": "mixed", "total": "mixed"}
    files = CGROUP_FILES[version]
    return {"version": version, "anon": "memory.stat " + files["anon"], "file": "memory.stat " + files["file"],
            "total": files["total"]}


def hyperfine(arguments, export, environment=None):
    """Runs hyperfine (shell none, output none) with ARGUMENTS, the commands it times in
    ENVIRONMENT (default this process's); its JSON export's results (each with "times",
    "median", "mean", in seconds). BenchError with hyperfine's last line when it fails,
    e.g. when a command exits non-zero."""
    command = ["hyperfine", "--shell=none", "--style", "none", "--export-json", export] + arguments
    # In a session of its own, so that a run cut short (TERM, Ctrl-C) ends hyperfine and the
    # command it is timing at once (the caller then cleans up: containers, sandboxes).
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, env=environment)
    except FileNotFoundError:
        raise BenchError("hyperfine is not installed (Debian: apt-get install hyperfine; "
                         "`make test-host` does)") from None
    try:
        stdout, stderr = process.communicate()
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    if process.returncode != 0:
        lines = (stderr or stdout).strip().splitlines()
        raise BenchError("hyperfine failed: %s" % (lines[-1] if lines else "exit %d" % process.returncode))
    with open(export) as stream:
        return json.load(stream)["results"]
