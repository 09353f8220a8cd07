"""Benchmark the compiled and the interpreted my_init against tini, dumb-init and the CPython floor.

    sudo python3 tools/bench.py [--dist dist/my_init] [--out dist] [--quick]

Every init runs as PID 1 of a fresh PID and mount namespace, over a private /etc and /run
(tools/sandbox.py, the PID-1 tests' sandbox), so no run touches the host's /etc.
Measured per init (docs/benchmark.md says what each figure means):
  memory   RSS, PSS, private (USS), Anonymous and Private_Dirty of the idle PID 1
           (tools/bench_measure.py, psutil): one-shot mode (`-- sleep`) and, for
           my_init, runit mode with an empty /etc/service
  startup  time from the exec of the init to its main command running (median)
  version  wall time of a whole `INIT --version` process, start to exit (median of
           hyperfine's runs, after its warm-up runs); the floor, which has no --version,
           starts, runs `true` and exits
  stop     SIGTERM to PID 1 until it has exited (main command exits on TERM); for
           my_init also runit mode with 1, 10, 50 services that exit on TERM
  orphans  N processes re-parented to PID 1 exit at once: time until all are reaped,
           and how many zombies are left
The floor is the least a Python PID 1 can be: `python3 -S -I` (the interpreter of the
interpreted column) running FLOOR_SCRIPT, which forks and execs the main command, passes
TERM, INT and HUP on and waits. Ratios to it say how far each init is from that floor.
Writes OUT/bench.json and, when matplotlib is importable, OUT/bench.png; prints a table.
The start-up, the stops and the reaping are not whole commands (each is the time between
two events inside a running sandbox), so they are timed here, from those events.
Needs root, unshare and setpriv (util-linux), bash, hyperfine on PATH, psutil (the bench's
venv has it), and runit's programs as `make init` builds them (dist/runit, or
MY_INIT_RUNIT), which the sandbox puts first on PATH.
"""

import argparse
import json
import os
import platform
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import sandbox
from bench_measure import BenchError, hyperfine, process_memory
from bench_report import markdown_table, ratio_cell, save_chart
from paths import DIST, ROOT, RUNIT
from waiting import sleep_until

ORPHAN_COMM = "bench-orphan"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0

# The environment every init starts with: what Docker gives a container (PATH, HOSTNAME,
# HOME) and a LANG, as the image sets one; not the caller's. my_init exports every
# variable at boot, so a CI machine's or a developer's shell (dozens of variables) would
# make the start-up depend on who runs the bench.
CONTAINER_ENVIRONMENT = {"PATH": sandbox.CONTAINER_PATH, "HOSTNAME": "bench", "HOME": "/root",
                         "LANG": "C.UTF-8"}

# The main command: note when it starts running, then idle until TERM.
MAIN_SCRIPT = r"""printf '%s\n' "$EPOCHREALTIME" >"$1"; exec sleep 100000"""


# The CPython floor: fork, exec the main command, wait (reaping whatever else is
# re-parented here) until it exits, exit with its status. Only modules `python3 -S -I`
# has already loaded (sys, posix, _signal), so the script adds next to nothing to the
# interpreter. The handler is needed: the kernel drops a signal that has none when it is
# sent to a namespace's PID 1. The signals stay blocked across the fork until `child` is
# set: a TERM sent as soon as the main command runs must find the child to pass it to.
FLOOR_SCRIPT = r"""
import sys, posix, _signal
argv = sys.argv[1:]
if argv[:1] == ["--"]:
    argv = argv[1:]
program = argv[0]
if "/" not in program:
    for directory in posix.environ.get(b"PATH", b"/usr/bin:/bin").decode().split(":"):
        if posix.access(directory + "/" + program, posix.X_OK):
            program = directory + "/" + program
            break
def pass_on(signum, frame):
    posix.kill(child, signum)
passed_on = {1, 2, 15}
for signum in passed_on:
    _signal.signal(signum, pass_on)
unblocked = _signal.pthread_sigmask(_signal.SIG_BLOCK, passed_on)
child = posix.fork()
_signal.pthread_sigmask(_signal.SIG_SETMASK, unblocked)
if child == 0:
    try:
        posix.execv(program, argv)
    finally:
        posix._exit(127)
while True:
    pid, status = posix.wait()
    if pid == child:
        code = posix.waitstatus_to_exitcode(status)
        sys.exit(code if code >= 0 else 128 - code)
"""


def init_variants(dist, python, dynamic_dist=None):
    """argv prefix of each init; MAIN is appended as `-- MAIN` (my_init) or `MAIN` (others).
    DYNAMIC_DIST: a compiled my_init linked against the machine's C library (build.sh run
    with a Python other than the static one), measured beside the static build."""
    init_dir = os.path.join(ROOT, "init")
    dynamic = {}
    if dynamic_dist:
        dynamic["compiled-dynamic"] = {"argv": [os.path.join(dynamic_dist, "my_init")], "separator": True, "env": {}}
    return {
        "compiled": {"argv": [os.path.join(dist, "my_init")], "separator": True, "env": {}},
        **dynamic,
        "interpreted": {"argv": [python, "-m", "my_init"], "separator": True,
                        "env": {"PYTHONPATH": init_dir}},
        # the lightest interpreted form, for reference: no site module
        "interpreted-S": {"argv": [python, "-S", "-m", "my_init"], "separator": True,
                          "env": {"PYTHONPATH": init_dir}},
        "floor": {"argv": [python, "-S", "-I", "-c", FLOOR_SCRIPT], "separator": True, "env": {},
                  "version_args": ["--", "true"]},
        "tini": {"argv": [shutil.which("tini") or "/usr/bin/tini", "--"], "separator": False, "env": {},
                 "version_argv": [shutil.which("tini") or "/usr/bin/tini", "--version"]},
        "dumb-init": {"argv": [shutil.which("dumb-init") or "/usr/bin/dumb-init"], "separator": False, "env": {}},
    }


def version_command(variant):
    """argv of the `--version` run: the init's own, the floor's `-- true`."""
    if "version_argv" in variant:
        return variant["version_argv"]
    return variant["argv"] + variant.get("version_args", ["--version"])


def is_my_init(name):
    return name.startswith(("compiled", "interpreted"))


def children(pid):
    """PIDs of the children of PID (all its threads), zombies included."""
    result = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as stream:
                result.extend(int(child) for child in stream.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass  # PID (or one of its threads) has just exited
    return result


def proc_status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as stream:
        for line in stream:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as stream:
            return stream.read().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def memory_kb(pid):
    """RSS, PSS, private (USS), Anonymous and Private_Dirty of PID in kB (the report's keys)."""
    memory = process_memory(pid)
    return {"rss_kb": memory.rss // 1024, "pss_kb": memory.pss // 1024, "uss_kb": memory.uss // 1024,
            "anon_kb": memory.anonymous // 1024, "private_dirty_kb": memory.private_dirty // 1024}


def wait_readable(fd, timeout, what):
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        raise BenchError("timed out after %.0f s waiting for %s" % (timeout, what))


class Sandbox:
    """One init as PID 1 of fresh PID and mount namespaces, over a private /etc whose boot
    files are hidden and whose /etc/service holds SERVICES sleepers (tools/sandbox.py);
    use as a context manager."""

    def __init__(self, variant, main=None, services=0):
        self.variant = variant
        self.main = main
        self.services = services
        self.run_dir = tempfile.mkdtemp(prefix="bench-run-")
        self.service_dir = os.path.join(self.run_dir, "upper", "etc", "service")
        self.process = None
        self.pid = None

    def __enter__(self):
        sandbox.prepare(self.path("upper"), self.path("work"), hide=sandbox.BOOT_FILES)
        sandbox.add_programs(self.path("upper"), RUNIT)  # the image's runit, not the host's
        for number in range(self.services):
            service = os.path.join(self.service_dir, "sleeper%d" % number)
            os.mkdir(service)
            with open(os.path.join(service, "run"), "w") as stream:
                stream.write("#!/bin/sh\nexec sleep 100000\n")
            os.chmod(os.path.join(service, "run"), 0o755)
        argv = list(self.variant["argv"])
        if self.main:
            argv += (["--"] if self.variant["separator"] else []) + self.main
        environ = dict(CONTAINER_ENVIRONMENT, **self.variant["env"])
        command = sandbox.command(self.path("upper"), self.path("work"), argv,
                                  exec_time=self.path("exec-time"))
        self.process = subprocess.Popen(command, env=environ, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self.pid = self._find_init()
        except BaseException:
            self.__exit__(None, None, None)  # `with` calls it only after a successful enter
            raise
        return self

    def _find_init(self):
        """Host PID of the namespace's PID 1: unshare's only child (the sandbox, which
        becomes the init by exec)."""
        def only_child():
            found = children(self.process.pid)
            if not found:
                self._check_alive()
            return found[0] if found else None
        return sleep_until(only_child, READY_TIMEOUT, "unshare to start the sandbox", interval=0.001)

    def _stderr(self):
        if self.process.stderr is None:
            return ""
        text = self.process.stderr.read().decode(errors="replace").strip()
        return text.splitlines()[-1] if text else "no output"

    def path(self, name):
        return os.path.join(self.run_dir, name)

    def exec_time(self):
        with open(self.path("exec-time")) as stream:
            return float(stream.read())

    def wait_services_up(self):
        """Until runsv reports every service as running (supervise/stat says "run")."""
        stat_files = [os.path.join(self.service_dir, "sleeper%d" % n, "supervise", "stat")
                      for n in range(self.services)]

        def running(stat_file):
            try:
                with open(stat_file) as stream:
                    return stream.read().strip() == "run"
            except FileNotFoundError:
                return False
        self.wait_alive(lambda: all(running(stat_file) for stat_file in stat_files),
                        "%d services to come up" % self.services)

    def wait_runsvdir(self):
        """Until PID 1 has a runsvdir child (runit mode is booted)."""
        self.wait_alive(lambda: any(comm(child) == "runsvdir" for child in children(self.pid)),
                        "runsvdir under PID 1")

    def wait_alive(self, condition, what):
        """sleep_until CONDITION, ending at once if the init exits."""
        def met():
            if condition():
                return True
            self._check_alive()
            return False
        sleep_until(met, READY_TIMEOUT, what, interval=0.01)

    def _check_alive(self):
        if self.process.poll() is not None:
            raise BenchError("the init exited early (%d): %s" % (self.process.returncode, self._stderr()))

    def stop(self):
        """SIGTERM to PID 1; seconds until it has exited (a pidfd says when: not a whole
        command, so not hyperfine's to time)."""
        pidfd = os.pidfd_open(self.pid)
        try:
            started = time.monotonic()
            os.kill(self.pid, signal.SIGTERM)
            wait_readable(pidfd, STOP_TIMEOUT, "PID 1 to exit after SIGTERM")
            return time.monotonic() - started
        finally:
            os.close(pidfd)

    def __exit__(self, *exc_info):
        if self.process is not None:
            if self.process.poll() is None:
                # PID 1's death ends the namespace; while unshare lives, its child's PID
                # cannot have been reused
                try:
                    os.kill(self.pid or self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            finally:
                self.process.stderr.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def main_command(fifo):
    return ["bash", "-c", MAIN_SCRIPT, "bench-main", fifo]


def wait_main_started(run):
    """The main command's start time (it writes $EPOCHREALTIME into the run's FIFO)."""
    return float(read_line_from_fifo(run, run.path("main-started"), READY_TIMEOUT, "the main command to start"))


def one_shot(variant, settle):
    """Start VARIANT with a main command; returns (startup s, memory, stop s). The start-up
    is timed here, between two events in the sandbox (the exec of the init, the main
    command's first line): it is not a whole command that hyperfine could time."""
    run = Sandbox(variant)
    fifo = run.path("main-started")
    os.mkfifo(fifo)
    run.main = main_command(fifo)
    with run:
        started = wait_main_started(run)
        startup = started - run.exec_time()
        time.sleep(settle)
        memory = memory_kb(run.pid)
        stop = run.stop()
    return startup, memory, stop


# runsv sleeps one second before acting on a service that exited less than a second
# after it started (its crash-loop guard), also on the way down. A real container's
# services have been up far longer, so the stop is timed past that guard.
RUNSV_GUARD = 1.0


def runit_settle(args, services):
    if services == 0 or args.quick:
        return args.settle
    return max(args.settle, RUNSV_GUARD + 0.2)


def runit_mode(variant, services, settle):
    """my_init in runit mode with SERVICES services; returns (memory, stop s)."""
    with Sandbox(variant, services=services) as run:
        run.wait_runsvdir()
        run.wait_services_up()
        time.sleep(settle)
        memory = memory_kb(run.pid)
        return memory, run.stop()


ORPHAN_HELPER = r"""
import os, sys
count, ready_path, go_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
release_read, release_write = os.pipe()
middle = os.fork()
if middle == 0:
    with open("/proc/self/comm", "w") as stream:
        stream.write(%r)
    for _ in range(count):
        if os.fork() == 0:
            os.close(release_write)
            os.read(release_read, 1)  # blocks until the helper closes the pipe
            os._exit(0)
    os._exit(0)
os.close(release_read)
os.waitpid(middle, 0)  # the grandchildren are orphans now, re-parented to PID 1
with open(ready_path, "w") as stream:
    stream.write("ready\n")
with open(go_path) as stream:
    stream.read()
os.close(release_write)  # all orphans exit at once
os.execvp("sleep", ["sleep", "100000"])
""" % ORPHAN_COMM


def orphan_children(pid):
    result = []
    for child in children(pid):
        if comm(child) == ORPHAN_COMM:
            result.append(child)
    return result


def read_line_from_fifo(run, fifo, timeout, what):
    """Wait (select) for a line written into FIFO by a process of RUN."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    data = bytearray()

    def line_read():
        # A FIFO nobody has opened for writing yet is not readable: select wakes up now
        # and then to notice an init that died before starting the writer.
        ready, _, _ = select.select([fd], [], [], 0.1)
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            run._check_alive()
        data.extend(chunk)
        return data.endswith(b"\n")
    try:
        sleep_until(line_read, timeout, what, interval=0.0005)
        return data.decode()
    finally:
        os.close(fd)


def orphans(variant, count):
    """COUNT orphans exit at once; returns (seconds until all reaped or None, zombies left, seen)."""
    run = Sandbox(variant)
    ready, go = run.path("orphans-ready"), run.path("orphans-go")
    os.mkfifo(ready)
    os.mkfifo(go)
    run.main = [sys.executable, "-I", "-S", "-c", ORPHAN_HELPER, str(count), ready, go]
    with run:
        read_line_from_fifo(run, ready, READY_TIMEOUT + count / 500, "the orphans to be forked")
        seen = len(orphan_children(run.pid))
        started = time.monotonic()
        with open(go, "w") as stream:
            stream.write("go\n")
        try:
            sleep_until(lambda: not orphan_children(run.pid), STOP_TIMEOUT, "the orphans to be reaped",
                        interval=0.002)
        except TimeoutError:
            pass  # reported as not reaped, with the zombies left
        reaped_after = time.monotonic() - started
        left = orphan_children(run.pid)
        zombies = 0
        for child in left:
            try:
                zombies += proc_status(child).get("State", "").startswith("Z")
            except FileNotFoundError:
                pass
        return (reaped_after if not left else None), zombies, seen


def version_wall(variant, runs, warmup):
    """Seconds from start to exit of each of RUNS whole `--version` processes, timed by
    hyperfine after WARMUP untimed runs, in the container's environment."""
    environ = dict(CONTAINER_ENVIRONMENT, **variant["env"])
    with tempfile.TemporaryDirectory(prefix="bench-version-") as scratch:
        results = hyperfine(["--runs", str(runs), "--warmup", str(warmup), shlex.join(version_command(variant))],
                            os.path.join(scratch, "version.json"), environ)
    return results[0]["times"]


def median(values):
    return statistics.median(values) if values else None


MEMORY_KEYS = ("rss_kb", "pss_kb", "uss_kb", "anon_kb", "private_dirty_kb")


def bench_variant(name, variant, args, log):
    result = {}
    startups, memories, stops = [], [], []
    for run in range(max(args.startup_runs, args.memory_runs)):
        settle = args.settle if run < args.memory_runs else 0.0
        startup, memory, stop = one_shot(variant, settle)
        startups.append(startup)
        if run < args.memory_runs:
            memories.append(memory)
            stops.append(stop)
    result["startup_ms"] = median(startups) * 1000
    result["startup_all_ms"] = [round(value * 1000, 3) for value in startups]
    for key in MEMORY_KEYS:
        result[key] = median([memory[key] for memory in memories])
    result["stop_ms"] = median(stops) * 1000
    walls = version_wall(variant, args.version_runs, args.version_warmup)
    result["version_ms"] = median(walls) * 1000
    result["version_all_ms"] = [round(value * 1000, 3) for value in walls]
    log("%-12s one-shot: startup %.1f ms, RSS %d kB, Anonymous %d kB, stop %.1f ms, --version %.1f ms"
        % (name, result["startup_ms"], result["rss_kb"], result["anon_kb"], result["stop_ms"],
           result["version_ms"]))
    if is_my_init(name):
        result["runit"] = {}
        for services in [0] + args.services:
            memories, stops = [], []
            for _ in range(args.memory_runs):
                memory, stop = runit_mode(variant, services, runit_settle(args, services))
                memories.append(memory)
                stops.append(stop)
            entry = {"stop_ms": median(stops) * 1000}
            entry.update({key: median([memory[key] for memory in memories])
                          for key in MEMORY_KEYS})
            result["runit"][str(services)] = entry
            log("%-12s runit, %2d services: RSS %d kB, stop %.1f ms"
                % (name, services, entry["rss_kb"], entry["stop_ms"]))
    reaped, zombies, seen = orphans(variant, args.orphans)
    result["orphans"] = {"count": args.orphans, "seen_under_pid1": seen,
                         "reap_ms": None if reaped is None else reaped * 1000, "zombies_left": zombies}
    log("%-12s %d orphans: %d under PID 1, reaped in %s, %d zombies left"
        % (name, args.orphans, seen, "-" if reaped is None else "%.0f ms" % (reaped * 1000), zombies))
    return result


def ratio(results, key_path, numerator, denominator):
    def get(name):
        value = results.get(name)
        for key in key_path:
            value = None if value is None else value.get(key)
        return value
    top, bottom = get(numerator), get(denominator)
    if top is None or not bottom:
        return None
    return top / bottom


INIT_ORDER = ("compiled", "compiled-dynamic", "interpreted", "interpreted-S", "floor", "tini", "dumb-init")
# (numerator, denominator) of the ratio columns, in table order
RATIOS = (("compiled", "compiled-dynamic"), ("compiled", "interpreted"), ("compiled", "tini"),
          ("compiled", "floor"), ("interpreted", "floor"), ("interpreted-S", "floor"))

ROWS = (
    ("idle RSS, one-shot (MB)", ("rss_kb",), 1 / 1024),
    ("idle PSS, one-shot (MB)", ("pss_kb",), 1 / 1024),
    ("idle USS, one-shot (MB)", ("uss_kb",), 1 / 1024),
    ("idle Anonymous, one-shot (MB)", ("anon_kb",), 1 / 1024),
    ("idle Private_Dirty, one-shot (MB)", ("private_dirty_kb",), 1 / 1024),
    ("idle RSS, runit mode (MB)", ("runit", "0", "rss_kb"), 1 / 1024),
    ("start-up to main command (ms)", ("startup_ms",), 1),
    ("`--version` wall (ms)", ("version_ms",), 1),
    ("stop, one-shot (ms)", ("stop_ms",), 1),
    ("stop, runit 1 service (ms)", ("runit", "1", "stop_ms"), 1),
    ("stop, runit 10 services (ms)", ("runit", "10", "stop_ms"), 1),
    ("stop, runit 50 services (ms)", ("runit", "50", "stop_ms"), 1),
    ("orphans: reap all (ms)", ("orphans", "reap_ms"), 1),
    ("orphans: zombies left", ("orphans", "zombies_left"), 1),
)


def table(report):
    """The results as a Markdown table, with the RATIOS columns."""
    results = report["results"]
    names = [name for name in INIT_ORDER if name in results]
    pairs = [pair for pair in RATIOS if pair[0] in results and pair[1] in results]
    header = ["measure"] + names + ["%s/%s" % pair for pair in pairs]
    rows = []
    for label, key_path, scale in ROWS:
        if "runit" in key_path and not any(
                key_path[1] in (results[name].get("runit") or {}) for name in names):
            continue  # e.g. a --services list without this count
        cells = [label]
        for name in names:
            value = results[name]
            for key in key_path:
                value = None if value is None else value.get(key)
            cells.append("-" if value is None else ("%.2f" % (value * scale) if scale != 1 or isinstance(value, float) else str(value)))
        for numerator, denominator in pairs:
            value = ratio(results, key_path, numerator, denominator)
            cells.append(ratio_cell(None if "zombies" in label else value))
        rows.append(cells)
    return markdown_table(header, rows)


def chart(report, path):
    """bench.png: memory, start-up and stop of each init; False without matplotlib."""
    results = report["results"]
    names = [name for name in INIT_ORDER if name in results]
    title = "PID 1 benchmark, %s, %s" % (report["date"], report["machine"]["cpu"])
    return save_chart(path, title, (2, 2), (13, 8), lambda axes: draw_panels(axes, results, names))


def draw_panels(axes, results, names):
    panels = (
        (axes[0][0], "idle PID 1 memory, one-shot (MB)",
         [("RSS", "rss_kb"), ("PSS", "pss_kb"), ("USS", "uss_kb"), ("Anonymous", "anon_kb"),
          ("Private_Dirty", "private_dirty_kb")], 1 / 1024),
        (axes[0][1], "start-up (ms, median)", [("to main command", "startup_ms"), ("--version wall", "version_ms")], 1),
        (axes[1][0], "stop after SIGTERM, one-shot (ms)", [("stop", "stop_ms")], 1),
    )
    for axis, title, series, scale in panels:
        width = 0.8 / len(series)
        for index, (label, key) in enumerate(series):
            values = [(results[name].get(key) or 0) * scale for name in names]
            axis.bar([position + index * width for position in range(len(names))], values, width, label=label)
        axis.set_xticks([position + width * (len(series) - 1) / 2 for position in range(len(names))])
        axis.set_xticklabels(names, rotation=15)
        axis.set_title(title)
        if len(series) > 1:
            axis.legend()
    axis = axes[1][1]
    for name in names:
        runit = results[name].get("runit")
        if runit:
            counts = sorted(int(key) for key in runit if key != "0")
            axis.plot(counts, [runit[str(count)]["stop_ms"] for count in counts], marker="o", label=name)
    axis.set_title("stop in runit mode vs number of services (ms)")
    axis.set_ylim(bottom=0)
    axis.set_xlabel("services")
    axis.legend()


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as stream:
            for line in stream:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/etc/os-release") as stream:
            os_name = next((line.split("=", 1)[1].strip().strip('"') for line in stream
                            if line.startswith("PRETTY_NAME=")), platform.system())
    except OSError:
        os_name = platform.system()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "os": os_name,
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def dist_size(dist):
    total = 0
    for directory, _dirs, files in os.walk(dist):
        total += sum(os.lstat(os.path.join(directory, name)).st_size for name in files)
    return total


def parse_args(argv):
    parser = argparse.ArgumentParser(description="PID-1 benchmark: compiled/interpreted my_init, the CPython floor, tini, dumb-init")
    parser.add_argument("--dist", default=DIST, help="the Nuitka dist (default dist/my_init, or MY_INIT_DIST)")
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"), help="where bench.json and bench.png go (default dist)")
    parser.add_argument("--python", default=None, help="interpreter for the interpreted my_init and the floor (default: the real python3 on PATH)")
    parser.add_argument("--dynamic-dist", default=None,
                        help="also measure this compiled my_init, linked against the C library (init compiled-dynamic)")
    parser.add_argument("--inits", default=None, help="comma-separated subset to run (default: all there are)")
    parser.add_argument("--startup-runs", type=int, default=25, help="start-up runs per init (median; default 25)")
    parser.add_argument("--version-runs", type=int, default=20, help="`--version` runs per init (median; default 20)")
    parser.add_argument("--version-warmup", type=int, default=3,
                        help="untimed `--version` runs before them (hyperfine's --warmup; default 3)")
    parser.add_argument("--memory-runs", type=int, default=5, help="idle-memory and stop runs per mode (median; default 5)")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds idle before memory is read (default 1)")
    parser.add_argument("--services", default="1,10,50", help="runit service counts for the stop test (default 1,10,50)")
    parser.add_argument("--orphans", type=int, default=10000, help="orphans in the reaping test (default 10000)")
    parser.add_argument("--quick", action="store_true", help="one run of everything, tiny counts (smoke test)")
    parser.add_argument("--no-chart", action="store_true", help="do not draw bench.png")
    args = parser.parse_args(argv)
    args.services = [int(count) for count in args.services.split(",") if count]
    if args.quick:
        args.startup_runs, args.memory_runs, args.version_runs, args.version_warmup, args.settle = 1, 1, 2, 0, 0.1
        args.services = [1, 2]
        args.orphans = 20
    return args


def real_python3():
    found = shutil.which("python3")
    if not found:
        raise BenchError("python3 not on PATH (needed for the interpreted my_init)")
    # pyenv's shim is a shell script; ask the interpreter where it really is
    return subprocess.run([found, "-c", "import sys; print(sys.executable)"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main(argv=None, log=print):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if os.geteuid() != 0:
            raise BenchError("must run as root (it creates PID and mount namespaces)")
        for tool in ("unshare", "bash", "hyperfine"):
            if not shutil.which(tool):
                raise BenchError("%s not found on PATH" % tool)
        if not os.access(os.path.join(RUNIT, "runsvdir"), os.X_OK):
            raise BenchError("%s/runsvdir not found: run `make init` first" % RUNIT)
        default_inits = [name for name in INIT_ORDER if name != "compiled-dynamic" or args.dynamic_dist]
        wanted = [name for name in (args.inits.split(",") if args.inits else default_inits) if name]
        dist = os.path.abspath(args.dist)
        if "compiled" in wanted and not os.access(os.path.join(dist, "my_init"), os.X_OK):
            raise BenchError("%s/my_init not found: run `make init` first" % dist)
        uses_python = any(name.startswith(("interpreted", "floor")) for name in wanted)
        python = args.python or (real_python3() if uses_python else sys.executable)
        variants = init_variants(dist, python, args.dynamic_dist and os.path.abspath(args.dynamic_dist))
        unknown = [name for name in wanted if name not in variants]
        if unknown:
            raise BenchError("unknown init %s (choose from %s)" % (", ".join(unknown), ", ".join(variants)))
        for name in wanted:
            if not os.access(variants[name]["argv"][0], os.X_OK):
                raise BenchError("%s: %s not found" % (name, variants[name]["argv"][0]))
        report = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine(),
            "interpreted_python": python,
            "dist_size_bytes": dist_size(dist) if os.path.isdir(dist) else None,
            "settings": {"startup_runs": args.startup_runs, "memory_runs": args.memory_runs,
                         "version_runs": args.version_runs, "version_warmup": args.version_warmup,
                         "settle_s": args.settle, "services": args.services, "orphans": args.orphans},
            "results": {},
        }
        for name in wanted:
            report["results"][name] = bench_variant(name, variants[name], args, log)
    except (BenchError, OSError, subprocess.SubprocessError) as error:
        print("bench: %s" % error, file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "bench.json"), "w") as stream:
        json.dump(report, stream, indent=2)
    log("")
    log("PID-1 benchmark, %s, %s (%d cores), %s" % (report["date"], report["machine"]["cpu"],
                                                    report["machine"]["cores"], report["machine"]["os"]))
    if report["dist_size_bytes"]:
        log("dist size: %.2f MB" % (report["dist_size_bytes"] / 1e6))
    log(table(report))
    if not args.no_chart:
        if chart(report, os.path.join(args.out, "bench.png")):
            log("wrote %s and %s" % (os.path.join(args.out, "bench.json"), os.path.join(args.out, "bench.png")))
        else:
            log("matplotlib not importable: no chart (wrote %s)" % os.path.join(args.out, "bench.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
