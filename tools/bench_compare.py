"""The same services under five inits, side by side: N idle containers of each.

    python3 tools/bench_compare.py run --image NAME:TAG [--base-image BASE] [--containers N]
                                       [--settle S] [--out DIR] [--run-id ID] [--docs] [--no-chart]
    python3 tools/bench_compare.py start INIT TAG RUN_ID      (what hyperfine times; see below)
    python3 tools/bench_compare.py publish [--out DIR]        (the docs' copies, from a run's files)

`make bench-compare` runs it through tools/bench-compare.sh (the bench's venv: psutil and
matplotlib; hyperfine, Debian's package; a trap that removes the run's containers). As
root, on the Docker engine's host: it reads the containers' /proc and cgroups from here.

The inits (images built from tools/bench-compare/, each from the image under test, so the
daemons, their configuration and their run scripts are the same: /etc/service/*/run):
  compiled     the image: my_init (compiled) and runit
  interpreted  python3 running my_init from its sources, and runit (make bench-image's
               interpreted image, then the same changes)
  supervisord  Debian's supervisor
  s6           Debian's s6: s6-svscan and one s6-supervise per service
  systemd      Debian's systemd, with the run options RUN_OPTIONS gives it; when it cannot
               run on this host its row says why
Each runs syslog-ng, cron and sshd, and `sleep infinity` as the main command.

First one untimed container of each init (it warms the page cache; an init that does not
come up is found here). Then hyperfine times `bench_compare.py start` of N containers of
each init, round by round (one of each init a round, so that a change in the machine's
load weighs on all alike): `docker run --detach`, then until every service is up, seen
from the host (the daemons syslog-ng, cron and sshd run, sshd has written its PID file,
i.e. listens, /dev/log is a socket, and the main command runs). The containers stay up.
Once all are up and --settle seconds more have passed, each container is read
(ContainerReader): its memory cgroup (anon, file and total; cgroup v1 or v2), its
processes (psutil), and the USS, PSS and RSS of its init processes (PID 1 and the
supervisors: INIT_PROCESSES). Then hyperfine times `docker stop` of each container, in
the same rounds, and the exit code is read. Writes OUT/bench-compare.json,
OUT/bench-compare.md and OUT/bench-compare.png; with --docs (or afterwards, `publish`) also
the docs' copies: docs/bench-compare.json and .png, the table in docs/benchmark.md and the
README's headline, generated from the JSON (tools/bench_compare_report.py).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import psutil

import bench_image
from bench import machine
from bench_compare_report import INITS, table, update_docs
from bench_image import docker
from bench_measure import (
    BenchError,
    cgroup_memory,
    cgroup_of,
    cgroup_sources,
    container_cgroup,
    hyperfine,
    process_memory,
)
from bench_report import save_chart
from paths import ROOT
from waiting import sleep_until

DOCKERFILES = os.path.join(ROOT, "tools", "bench-compare")
# Every container of a run carries RUN_LABEL=<run id> and INIT_LABEL=<init>;
# tools/bench-compare.sh removes what is left of a run.
RUN_LABEL = "baseimage-centos.bench-compare.run"
INIT_LABEL = "baseimage-centos.bench-compare.init"
CONTAINER_PREFIX = "bench-compare-"
# What systemd needs from `docker run` on this kind of host: CAP_SYS_ADMIN (it mounts), its
# own cgroup namespace (it makes cgroups for its units, below the container's own), and
# /run and /run/lock as tmpfs. --privileged would do too where the engine may grant every
# capability.
RUN_OPTIONS = {"systemd": ("--cap-add", "SYS_ADMIN", "--cgroupns", "private",
                           "--tmpfs", "/run", "--tmpfs", "/run/lock")}
# Inits whose failure to start is reported in their row instead of ending the run.
OPTIONAL = ("systemd",)
# The processes of the init besides PID 1, by name (psutil's: comm, or for a comm cut at 15
# characters the whole name from the command line).
INIT_PROCESSES = {"compiled": ("runsvdir", "runsv"), "interpreted": ("runsvdir", "runsv"),
                  "supervisord": (), "s6": ("s6-supervise",), "systemd": ("systemd-journald",)}
DAEMONS = ("syslog-ng", "cron", "sshd")
MAIN_COMMAND = "sleep"
BOOT_TIMEOUT = 60.0
READY_INTERVAL = 0.02


def image_tag(image, init):
    """NAME-bench-compare-INIT:TAG next to the image NAME:TAG, beside make bench-image's."""
    return bench_image.derived_tag(image, "compare-" + init)


def build_images(image, log):
    """{init: tag}, and make bench-image's interpreted image, which the interpreted init's
    is built on. Docker's build cache makes a second run's builds take seconds."""
    tags = {init: image_tag(image, init) for init in INITS}
    interpreted_base = bench_image.derived_tag(image, "interpreted")
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as context:
        bench_image.build_context(context)  # make bench-image's: interpreted.Dockerfile, distro.sh, init/
        build(context, "interpreted.Dockerfile", interpreted_base, "IMAGE=%s" % image, log)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as context:
        shutil.copytree(DOCKERFILES, context, dirs_exist_ok=True)
        shutil.copy(os.path.join(ROOT, "image", "lib", "distro.sh"), context)
        for init in INITS:
            argument = ("INTERPRETED_IMAGE=%s" % interpreted_base if init == "interpreted"
                        else "IMAGE=%s" % image)
            build(context, "%s.Dockerfile" % init, tags[init], argument, log)
    return tags, interpreted_base


def build(context, dockerfile, tag, build_arg, log):
    log("*** building %s (%s)" % (tag, build_arg))
    completed = subprocess.run(["docker", "build", "--build-arg", build_arg, "-f", os.path.join(context, dockerfile),
                                "-t", tag, context], capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        raise BenchError("building %s from %s failed (output above)" % (tag, dockerfile))


class ContainerReader:
    """One running container, read from the host: its PID 1, processes, cgroup and files."""

    def __init__(self, container_id):
        self.id = container_id
        pid = int(docker("inspect", "--format", "{{.State.Pid}}", container_id).strip() or 0)
        if pid <= 0:
            raise BenchError("container %s %s" % (container_id[:12], how_it_ended(container_id)))
        self.pid1 = psutil.Process(pid)

    def processes(self):
        """(process, name) of PID 1 and every process below it (all of the container's:
        orphans are PID 1's); one that exits meanwhile (a cron job) is left out."""
        found = []
        for process in [self.pid1] + self.pid1.children(recursive=True):
            try:
                found.append((process, process.name()))
            except psutil.NoSuchProcess:
                pass
        return found

    def names(self):
        return {name for _process, name in self.processes()}

    def path(self, path):
        """PATH of the container seen from here, symbolic links resolved in the container."""
        root = "/proc/%d/root" % self.pid1.pid
        for _ in range(8):
            full = root + path
            try:
                target = os.readlink(full)
            except OSError:
                return full
            path = target if target.startswith("/") else os.path.join(os.path.dirname(path), target)
        return root + path

    def is_socket(self, path):
        try:
            return stat.S_ISSOCK(os.stat(self.path(path)).st_mode)
        except OSError:
            return False

    def services_up(self):
        names = self.names()
        return (all(daemon in names for daemon in DAEMONS) and MAIN_COMMAND in names
                and os.path.exists(self.path("/run/sshd.pid")) and self.is_socket("/dev/log"))

    def cgroup(self):
        """(version, directory) of the container's memory cgroup: PID 1's, or the one above
        it named after the container (systemd puts its PID 1 in init.scope, below it)."""
        version, directory = cgroup_of(self.pid1.pid)
        return version, container_cgroup(directory, self.id)

    def measure(self, init):
        version, directory = self.cgroup()
        sample = cgroup_memory(version, directory)
        processes = self.processes()
        supervisors = INIT_PROCESSES[init]
        detail = []
        for process, name in processes:
            if process.pid == self.pid1.pid or name in supervisors:
                memory = process_memory(process.pid)
                detail.append({"name": name, "uss_bytes": memory.uss, "pss_bytes": memory.pss,
                               "rss_bytes": memory.rss})
        uss, pss, rss = (sum(entry[key] for entry in detail) for key in ("uss_bytes", "pss_bytes", "rss_bytes"))
        sample.update({"cgroup_version": version, "processes": len(processes),
                       "init_processes": len(detail), "init_uss_bytes": uss, "init_pss_bytes": pss,
                       "init_rss_bytes": rss, "init_detail": detail,
                       "pid1_argv": self.pid1.cmdline()})
        return sample


def container_name(init, run_id, number):
    return "%s%s-%s-%s" % (CONTAINER_PREFIX, init, run_id, number)


def start(init, image, run_id, number):
    """`docker run` container NUMBER of INIT (its image built from IMAGE), then wait until
    its services are up (what hyperfine times)."""
    name = container_name(init, run_id, number)
    tag = image_tag(image, init)
    container_id = docker("run", "--detach", "--name", name, "--label", "%s=%s" % (RUN_LABEL, run_id),
                          "--label", "%s=%s" % (INIT_LABEL, init), *RUN_OPTIONS.get(init, ()), tag).strip()
    reader = ContainerReader(container_id)

    def up():
        if not reader.pid1.is_running():
            raise BenchError("container %s (%s) %s" % (name, init, how_it_ended(container_id)))
        return reader.services_up()
    try:
        sleep_until(up, BOOT_TIMEOUT, "the services of %s" % name, interval=READY_INTERVAL)
    except TimeoutError:
        raise BenchError("%s (%s): not every service up within %.0f s: %s"
                         % (name, init, BOOT_TIMEOUT, logs_tail(container_id))) from None


def how_it_ended(container_id):
    status = docker("inspect", "--format", "{{.State.ExitCode}}", container_id).strip()
    return "exited with status %s; its output: %s" % (status, logs_tail(container_id))


def logs_tail(container_id):
    """The container's last lines of output, on one line, without terminal colours (systemd's)."""
    completed = subprocess.run(["docker", "logs", "--tail", "3", container_id], capture_output=True, text=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", completed.stdout + completed.stderr)
    return " | ".join(line.strip() for line in text.strip().splitlines()) or "no output"


def name_to_id(name):
    return docker("inspect", "--format", "{{.Id}}", name).strip()


def containers_of(run_id, init):
    """IDs of the run's containers of INIT, oldest first."""
    output = docker("ps", "--all", "--quiet", "--no-trunc", "--filter", "label=%s=%s" % (RUN_LABEL, run_id),
                    "--filter", "label=%s=%s" % (INIT_LABEL, init))
    return list(reversed(output.split()))


def remove_containers(run_id, init):
    for container_id in containers_of(run_id, init):
        docker("rm", "--force", "--volumes", container_id)


def remove_run(run_id):
    ids = docker("ps", "--all", "--quiet", "--filter", "label=%s=%s" % (RUN_LABEL, run_id)).split()
    if ids:
        subprocess.run(["docker", "rm", "--force", "--volumes"] + ids,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_command(image, run_id, init="{init}", number="{number}"):
    return [sys.executable, os.path.abspath(__file__), "start", init, image, run_id, str(number)]


def time_starts(inits, args, scratch):
    """{container name: seconds}: hyperfine times the start of each container (until every
    service is up), round by round, one of each init a round (`-L init` varies fastest), so
    that a machine whose load changes during the run weighs on every init alike."""
    numbers = ",".join(str(number) for number in range(1, args.containers + 1))
    results = hyperfine(["--runs", "1", "--parameter-list", "init", ",".join(inits), "--parameter-list", "number",
                         numbers, shlex.join(start_command(args.image, args.run_id))],
                        os.path.join(scratch, "start.json"))
    return {container_name(result["parameters"]["init"], args.run_id, result["parameters"]["number"]): result["mean"]
            for result in results}


def warm_up(init, image, run_id):
    """Starts one container of INIT, untimed, so that the timed starts find the page cache
    warm (the first container of the run would pay for reading the daemons' files from
    disk); None when it came up, else why not (the one line `start` says)."""
    completed = subprocess.run(start_command(image, run_id, init, "warm-up"),
                               capture_output=True, text=True, timeout=BOOT_TIMEOUT + 120)
    if completed.returncode == 0:
        return None
    lines = completed.stderr.strip().splitlines()
    return lines[-1].split(": ", 1)[-1] if lines else "exit %d" % completed.returncode


def time_stops(names, scratch):
    """{name: seconds}: hyperfine times `docker stop NAME` of each container once, in the
    order of NAMES."""
    results = hyperfine(["--runs", "1", "--parameter-list", "name", ",".join(names), "docker stop {name}"],
                        os.path.join(scratch, "stop.json"))
    return {result["parameters"]["name"]: result["mean"] for result in results}


def layer_bytes(image, pattern):
    """Bytes of the layers of IMAGE whose creating step matches PATTERN."""
    total = 0
    for line in docker("history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}",
                       image).splitlines():
        size, _, created_by = line.partition("\t")
        if re.search(pattern, created_by):
            total += int(size)
    return total


def image_bytes(image):
    return int(docker("image", "inspect", "--format", "{{.Size}}", image).strip())


# The image's layers that hold my_init and runit (the Dockerfile's COPY --from=builder).
OWN_INIT_LAYERS = r"COPY \S+ in /usr/lib/my_init/|COPY \S+ in /usr/bin/"


def sizes(image, base_image, tags, interpreted_base):
    """{init: (bytes over the base, bytes of the init's own files)}. The images of the other
    inits are built on the image, so their own files are what they add to it; the runit
    inits share the image's runit (interpreted: also the python3 and sources it adds)."""
    base, under_test = image_bytes(base_image), image_bytes(image)
    runit = layer_bytes(image, r"COPY \S+ in /usr/bin/")
    result = {}
    for init, tag in tags.items():
        size = image_bytes(tag)
        if init == "compiled":
            own = layer_bytes(image, OWN_INIT_LAYERS)
        elif init == "interpreted":
            own = runit + image_bytes(interpreted_base) - under_test
        else:
            own = size - under_test
        result[init] = (size - base, own)
    return result


SUMMARY_KEYS = ("anon_bytes", "file_bytes", "total_bytes", "init_uss_bytes", "init_pss_bytes", "init_rss_bytes",
                "init_processes", "processes", "start_seconds", "stop_seconds")


CHART_PANELS = (("cgroup anon (MB)", "anon_bytes", 1 / 2**20),
                ("init processes USS (MB)", "init_uss_bytes", 1 / 2**20),
                ("docker run to services up (s)", "start_seconds", 1),
                ("docker stop (s)", "stop_seconds", 1))


def chart(report, path):
    title = ("Same services, %d idle containers per init, cgroup v%s, %s, %s"
             % (report["settings"]["containers"], report["cgroup"]["version"], report["date"],
                report["machine"]["cpu"]))
    measured = [init for init in INITS if not report["results"][init].get("skipped")]
    return save_chart(path, title, (1, len(CHART_PANELS)), (17, 4.5),
                      lambda axes: draw_panels(axes, report["results"], measured))


def draw_panels(axes, results, inits):
    for axis, (title, key, scale) in zip(axes, CHART_PANELS):
        positions = range(len(inits))
        axis.bar(positions, [results[init]["summary"][key]["median"] * scale for init in inits], 0.6,
                 color="#9db9d8", label="median")
        for position, init in zip(positions, inits):
            values = [sample[key] * scale for sample in results[init]["containers"]]
            axis.plot([position] * len(values), values, "o", color="#1f4e79", markersize=4,
                      label="each container" if position == 0 else None)
        axis.set_xticks(list(positions))
        axis.set_xticklabels(inits, rotation=20)
        axis.set_title(title)
        axis.set_ylim(bottom=0)
    axes[0].legend()


def run(args, log):
    if shutil.which("hyperfine") is None:
        raise BenchError("hyperfine is not installed (Debian: apt-get install hyperfine; `make test-host` does)")
    bench_image.check_image(args.image)
    base_image = bench_image.resolve_base_image(args.image, args.base_image)
    tags, interpreted_base = build_images(args.image, log)
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
              "image": args.image, "base_image": base_image, "images": tags,
              "settings": {"containers": args.containers, "settle_s": args.settle,
                           "run_options": {init: list(options) for init, options in RUN_OPTIONS.items()}},
              "results": {}}
    results = report["results"]
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch:
        try:
            for init in INITS:
                log("*** %s: one container to warm up" % init)
                reason = warm_up(init, args.image, args.run_id)
                remove_containers(args.run_id, init)
                if reason and init not in OPTIONAL:
                    raise BenchError("%s: %s" % (init, reason))
                if reason:
                    log("*** %s does not run here: %s" % (init, reason))
                    results[init] = {"image": tags[init], "skipped": "does not run here (%s)" % reason}
            measured = [init for init in INITS if init not in results]
            log("*** timing %d starts of each of %s, a round at a time (hyperfine)"
                % (args.containers, ", ".join(measured)))
            starts = time_starts(measured, args, scratch)
            log("*** all up; settling %.0f s" % args.settle)
            time.sleep(args.settle)
            samples = {init: [] for init in measured}
            # round by round, one container of each init a round, as they were started
            order = [(init, container_name(init, args.run_id, number))
                     for number in range(1, args.containers + 1) for init in measured]
            for init, name in order:
                sample = ContainerReader(name_to_id(name)).measure(init)
                sample.update({"name": name, "start_seconds": starts[name]})
                samples[init].append(sample)
            log("*** timing docker stop of each container, a round at a time (hyperfine)")
            stops = time_stops([name for _init, name in order], scratch)
            for init in measured:
                for sample in samples[init]:
                    sample["stop_seconds"] = stops[sample["name"]]
                    sample["exit_code"] = int(docker("inspect", "--format", "{{.State.ExitCode}}",
                                                     sample["name"]).strip())
        finally:
            remove_run(args.run_id)
    for init in measured:
        results[init] = {"image": tags[init], "containers": samples[init], "summary": bench_image.summarise(samples[init], SUMMARY_KEYS),
                         "exit_codes": [sample["exit_code"] for sample in samples[init]]}
    for init, (over_base, own) in sizes(args.image, base_image, tags, interpreted_base).items():
        results[init]["image_bytes_over_base"] = over_base
        results[init]["init_bytes"] = own
    report["results"] = {init: results[init] for init in INITS}
    report["cgroup"] = cgroup_sources(sample["cgroup_version"] for init in measured for sample in samples[init])
    return report


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench_compare.py",
                                     description="The same services under my_init (compiled and interpreted), "
                                                 "supervisord, s6 and systemd")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("run", help="the whole benchmark")
    bench.add_argument("--image", required=True, help="the image under test (NAME:TAG)")
    bench.add_argument("--base-image", default="",
                       help="its base (default: the image's org.opencontainers.image.base.name label)")
    bench.add_argument("--containers", type=bench_image.positive_int, default=10, help="containers per init (default 10)")
    bench.add_argument("--settle", type=float, default=10.0,
                       help="seconds to wait once every container is up, before reading (default 10)")
    bench.add_argument("--out", default=os.path.join(ROOT, "dist"),
                       help="where bench-compare.json/.md/.png go (default dist)")
    bench.add_argument("--run-id", default="%d-%d" % (time.time(), os.getpid()),
                       help="this run's id: container names and the %s label" % RUN_LABEL)
    bench.add_argument("--docs", action="store_true",
                       help="also publish the results: docs/bench-compare.json and .png, the table in "
                            "docs/benchmark.md and the README's headline")
    bench.add_argument("--no-chart", action="store_true", help="do not draw bench-compare.png")
    one = commands.add_parser("start", help="start one container and wait until its services are up")
    one.add_argument("init", choices=INITS)
    one.add_argument("image", help="the image under test; INIT's image is NAME-bench-compare-INIT:TAG")
    one.add_argument("run_id")
    one.add_argument("number", help="the container's number in the run (its name's last part)")
    publish = commands.add_parser("publish", help="copy a run's JSON and chart to docs/ and regenerate the "
                                                  "docs' table and the README's headline from them")
    publish.add_argument("--out", default=os.path.join(ROOT, "dist"),
                         help="where the run wrote bench-compare.json/.png (default dist)")
    args = parser.parse_args(argv)
    if args.command == "run" and args.settle < 0:
        parser.error("--settle must not be negative")
    if args.command == "run" and not re.fullmatch(r"[A-Za-z0-9_.-]+", args.run_id):
        parser.error("--run-id: letters, digits, '_', '.' and '-' only, got %r" % args.run_id)
    return args


def write_outputs(report, args, log):
    os.makedirs(args.out, exist_ok=True)
    paths = {suffix: os.path.join(args.out, "bench-compare.%s" % suffix) for suffix in ("json", "md", "png")}
    with open(paths["json"], "w") as stream:
        json.dump(report, stream, indent=2)
        stream.write("\n")
    text = table(report)
    with open(paths["md"], "w") as stream:
        stream.write(text + "\n")
    log("")
    log(text)
    written = [paths["json"], paths["md"]]
    chart_path = None
    if not args.no_chart:
        if chart(report, paths["png"]):
            chart_path = paths["png"]
            written.append(chart_path)
        else:
            log("matplotlib not importable: no chart")
    if args.docs:
        written += update_docs(report, chart_path)
    log("wrote %s" % ", ".join(written))


def publish_run(out, log):
    path = os.path.join(out, "bench-compare.json")
    try:
        with open(path) as stream:
            report = json.load(stream)
    except FileNotFoundError:
        raise BenchError("%s does not exist: run `make bench-compare` first" % path) from None
    chart_path = os.path.join(out, "bench-compare.png")
    written = update_docs(report, chart_path if os.path.exists(chart_path) else None)
    log("wrote %s" % ", ".join(written))


def main(argv=None, log=print):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    def work():
        if args.command == "start":
            start(args.init, args.image, args.run_id, args.number)
        elif args.command == "publish":
            publish_run(args.out, log)
        else:
            write_outputs(run(args, log), args, log)

    code, _ = bench_image.run_guarded("bench-compare", work, (BenchError, OSError, ValueError, psutil.Error))
    return code


if __name__ == "__main__":
    sys.exit(main())
