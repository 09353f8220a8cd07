"""Per-container memory of idle containers: the image, the image with the interpreted init,
and the image's base with tini.

    python3 tools/bench_image.py --image NAME:TAG [--base-image BASE] [--containers N]
                                 [--settle S] [--out DIR] [--run-id ID] [--no-chart]

`make bench-image` runs it through tools/bench-image.sh (the venv with matplotlib, and a
trap that removes the run's containers whatever happens). Variants, N containers each:
  image        the image as built, CMD /sbin/my_init (compiled), services up
  interpreted  the image with the distribution's python3 running /sbin/my_init with -S on
               the init/ sources (tools/bench-image/interpreted.Dockerfile)
  tini         the image's base with tini as PID 1 and `sleep infinity`
               (tools/bench-image/tini.Dockerfile)
All containers start together (interleaved), then each is left to settle: its PID 1 has
a child, every runit service is up for a second (or down as configured), then --settle more
seconds for everyone. Read from the host side, so that nothing runs in a container while
it is measured:
  cgroup anon     memory.stat `anon` (cgroup v2) or `total_rss` (v1): the container's
                  anonymous memory, what each further container costs
  cgroup current  memory.current (v2) or memory.usage_in_bytes (v1): everything charged
                  to the container, page cache it was the first to read included
  PID 1 RSS, PID 1 Anonymous   of the container's PID 1 (read last, with psutil from
                  the host as root, else from its smaps_rollup, by `cat` in the container)
  processes       how many processes the container's cgroup holds
Writes OUT/bench-image.json, OUT/bench-image.md (the table) and, when matplotlib is
importable, OUT/bench-image.png. Needs the docker CLI and an engine on this host (it
reads /proc and /sys/fs/cgroup of the containers' processes); root is not needed.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

# Modules beside this file (sys.path[0] when run as a script): the PID-1 bench's /proc
# and machine helpers, the benches' one reader of memory, the shared table and chart
# code, the repository's root.
from bench import children, machine
from bench_measure import BenchError, cgroup_memory, cgroup_of, cgroup_sources, process_memory, rollup_memory
from bench_report import markdown_table, ratio_cell, save_chart
from paths import ROOT
from waiting import sleep_until

DOCKERFILES = os.path.join(ROOT, "tools", "bench-image")
VARIANTS = ("image", "image-no-handover", "interpreted", "tini")
# The same image with the handover off (docs/my_init.md): what the handover saves.
VARIANT_ENVIRONMENT = {"image-no-handover": {"MY_INIT_HANDOVER": "0"}}
# Every container of a run carries this label; tools/bench-image.sh removes what is left.
RUN_LABEL = "baseimage-centos.bench-image.run"
BOOT_TIMEOUT = 120.0
SERVICE_UP_SECONDS = 1


def docker(*args, timeout=600):
    """Runs `docker ARGS`; its stdout, or BenchError with the last line docker printed."""
    try:
        completed = subprocess.run(["docker"] + list(args), capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        raise BenchError("docker is not installed") from None
    except subprocess.TimeoutExpired:
        raise BenchError("docker %s did not finish within %d s" % (args[0], timeout)) from None
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        raise BenchError("docker %s failed: %s" % (args[0], lines[-1] if lines else "exit %d" % completed.returncode))
    return completed.stdout


def image_label(image, label):
    output = docker("image", "inspect", "--format",
                    '{{index .Config.Labels "%s"}}' % label, image).strip()
    return "" if output == "<no value>" else output


def check_image(image):
    try:
        docker("image", "inspect", "--format", "{{.Id}}", image)
    except BenchError:
        raise BenchError("image %s does not exist: build it with `make build`" % image) from None


def resolve_base_image(image, wanted):
    """The image's base: its base.name label; BASE_IMAGE, when given, must agree with it."""
    labelled = image_label(image, "org.opencontainers.image.base.name")
    if wanted and labelled and wanted != labelled:
        raise BenchError("BASE_IMAGE %s is not the base of %s (its label says %s)" % (wanted, image, labelled))
    base = wanted or labelled
    if not base:
        raise BenchError("%s has no org.opencontainers.image.base.name label: give BASE_IMAGE" % image)
    try:
        docker("image", "inspect", "--format", "{{.Id}}", base)
    except BenchError:
        raise BenchError("base image %s does not exist locally (make base, or docker pull)" % base) from None
    return base


def derived_tag(image, variant):
    """NAME-bench-VARIANT:TAG next to the image NAME:TAG."""
    repository, _, tag = image.rpartition(":")
    if "/" in tag or not repository:  # no tag; the colon was a registry port
        repository, tag = image, "latest"
    return "%s-bench-%s:%s" % (repository, variant, tag)


def build_context(directory):
    """The derived images' build context: their Dockerfiles, entry scripts, distro.sh, init/."""
    for name in os.listdir(DOCKERFILES):
        shutil.copy(os.path.join(DOCKERFILES, name), directory)
    shutil.copy(os.path.join(ROOT, "image", "lib", "distro.sh"), directory)
    shutil.copytree(os.path.join(ROOT, "init"), os.path.join(directory, "init"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def build_derived_images(image, base_image, log):
    """Builds the interpreted and the tini variants; {variant: tag} of every variant."""
    tags = {"image": image, "image-no-handover": image, "interpreted": derived_tag(image, "interpreted"),
            "tini": derived_tag(image, "tini")}
    builds = (("interpreted", "interpreted.Dockerfile", "IMAGE=%s" % image),
              ("tini", "tini.Dockerfile", "BASE_IMAGE=%s" % base_image))
    with tempfile.TemporaryDirectory(prefix="bench-image-") as context:
        build_context(context)
        for variant, dockerfile, build_arg in builds:
            log("*** building %s (%s)" % (tags[variant], build_arg))
            completed = subprocess.run(
                ["docker", "build", "--build-arg", build_arg, "-f", os.path.join(context, dockerfile),
                 "-t", tags[variant], context], capture_output=True, text=True)
            if completed.returncode != 0:
                sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
                raise BenchError("building %s from tools/bench-image/%s failed (output above)"
                                 % (tags[variant], dockerfile))
    return tags


def container_name(image, variant, number, run_id):
    repository = image.rpartition(":")[0] or image
    return "%s-bench-%s-%d-%s" % (repository.replace("/", "-"), variant, number, run_id)


class Containers:
    """The containers of one run; remove_all() removes every one that was created."""

    def __init__(self, run_id):
        self.run_id = run_id
        self.made = []  # (variant, name, id)

    def start(self, variant, tag, name):
        environment = ["--env=%s=%s" % item for item in sorted(VARIANT_ENVIRONMENT.get(variant, {}).items())]
        container_id = docker("run", "--detach", "--name", name, "--label", "%s=%s" % (RUN_LABEL, self.run_id),
                              *environment, tag).strip()
        self.made.append((variant, name, container_id))
        return container_id

    def remove_all(self):
        if self.made:
            subprocess.run(["docker", "rm", "--force", "--volumes"] + [entry[2] for entry in self.made],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.made = []


def host_pid(container_id):
    pid = int(docker("inspect", "--format", "{{.State.Pid}}", container_id).strip() or 0)
    if pid <= 0:
        raise BenchError("container %s is not running: %s" % (container_id[:12], container_logs_tail(container_id)))
    return pid


def container_logs_tail(container_id):
    completed = subprocess.run(["docker", "logs", "--tail", "3", container_id], capture_output=True, text=True)
    text = (completed.stdout + completed.stderr).strip().replace("\n", " | ")
    return text or "no output"


def services_settled(container_id):
    """True when every runit service is up for SERVICE_UP_SECONDS or down as configured."""
    completed = subprocess.run(["docker", "exec", container_id, "sh", "-c", "sv status /etc/service/*"],
                               capture_output=True, text=True)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return False
    for line in lines:
        if line.startswith("run: "):
            # "run: /etc/service/cron: (pid 31) 5s" (optionally "; ..." after it)
            uptime = line.split(") ", 1)[-1].split("s", 1)[0]
            if not uptime.isdigit() or int(uptime) < SERVICE_UP_SECONDS:
                return False
        elif not line.startswith("down: ") or "normally up" in line:
            # down and meant to be: sv adds "normally up" only when there is no down file
            return False
    return True


def settled(variant, container_id):
    """True once the container's PID 1 has a child and (my_init variants) its services are
    up; BenchError if the container is no longer running."""
    state = docker("inspect", "--format", "{{.State.Status}}", container_id).strip()
    if state != "running":
        raise BenchError("container %s (%s) is %s: %s" % (container_id[:12], variant, state,
                                                           container_logs_tail(container_id)))
    return bool(children(host_pid(container_id))) and (variant == "tini" or services_settled(container_id))


def wait_settled(variant, container_id, deadline):
    """Until settled (see above), at the latest by DEADLINE (time.monotonic()), for all
    containers of a run together."""
    try:
        sleep_until(lambda: settled(variant, container_id), max(0.0, deadline - time.monotonic()),
                    "container %s (%s) to settle" % (container_id[:12], variant), interval=0.5)
    except TimeoutError:
        raise BenchError("container %s (%s) did not settle within %.0f s: %s"
                         % (container_id[:12], variant, BOOT_TIMEOUT, container_logs_tail(container_id))) from None


def pid1_memory(container_id, pid):
    """ProcessMemory of the container's PID 1 (host PID PID): read from the host, or where
    this user may not (e.g. one in the docker group, not root) from the smaps_rollup a
    `cat` in the container prints, once its cgroup has been read."""
    try:
        return process_memory(pid)
    except PermissionError:
        return rollup_memory(docker("exec", container_id, "cat", "/proc/1/smaps_rollup"))


def measure(container_id):
    """The container's cgroup anon and current (bytes) and its PID 1's RSS and Anonymous (kB)."""
    pid = host_pid(container_id)
    version, directory = cgroup_of(pid)
    memory = cgroup_memory(version, directory)
    with open(os.path.join(directory, "cgroup.procs")) as stream:
        processes = len(stream.read().split())
    with open("/proc/%d/cmdline" % pid, "rb") as stream:
        pid1_argv = stream.read().decode(errors="replace").rstrip("\0").split("\0")
    pid1 = pid1_memory(container_id, pid)
    return {
        "cgroup_version": version,
        "anon_bytes": memory["anon_bytes"],
        "current_bytes": memory["total_bytes"],
        "pid1_rss_kb": pid1.rss // 1024,
        "pid1_anon_kb": pid1.anonymous // 1024,
        "processes": processes,
        "pid1_argv": pid1_argv,
    }


SUMMARY_KEYS = ("anon_bytes", "current_bytes", "pid1_rss_kb", "pid1_anon_kb", "processes")


def summarise(samples, keys=SUMMARY_KEYS):
    """Mean, median, min and max of each of KEYS over SAMPLES (one dict per container)."""
    summary = {}
    for key in keys:
        values = [sample[key] for sample in samples]
        summary[key] = {"mean": statistics.mean(values), "median": statistics.median(values),
                        "min": min(values), "max": max(values)}
    return summary


def ratio(results, key, statistic, numerator, denominator):
    top = results[numerator]["summary"][key][statistic]
    bottom = results[denominator]["summary"][key][statistic]
    return top / bottom if bottom else None


# (label, key, statistic, scale to the unit in the label)
ROWS = (
    ("cgroup anon, median (MB)", "anon_bytes", "median", 1 / 2**20),
    ("cgroup anon, mean (MB)", "anon_bytes", "mean", 1 / 2**20),
    ("cgroup memory.current, median (MB)", "current_bytes", "median", 1 / 2**20),
    ("cgroup memory.current, mean (MB)", "current_bytes", "mean", 1 / 2**20),
    ("PID 1 RSS, median (MB)", "pid1_rss_kb", "median", 1 / 1024),
    ("PID 1 Anonymous, median (MB)", "pid1_anon_kb", "median", 1 / 1024),
    ("processes per container, median", "processes", "median", 1),
)
RATIOS = (("image", "interpreted"), ("image", "image-no-handover"), ("image", "tini"))


def table(report):
    results = report["results"]
    header = ["measure"] + list(VARIANTS) + ["%s/%s" % pair for pair in RATIOS]
    rows = []
    for label, key, statistic, scale in ROWS:
        cells = [label]
        for variant in VARIANTS:
            value = results[variant]["summary"][key][statistic] * scale
            cells.append("%g" % value if scale == 1 else "%.2f" % value)
        cells += [ratio_cell(ratio(results, key, statistic, *pair)) for pair in RATIOS]
        rows.append(cells)
    return markdown_table(header, rows)


def chart(report, path):
    """bench-image.png: each measure's median per variant, and every container's value;
    False without matplotlib."""
    title = ("Idle containers, %d per variant, cgroup v%s, %s, %s"
             % (report["settings"]["containers"], report["cgroup"]["version"], report["date"],
                report["machine"]["cpu"]))
    return save_chart(path, title, (1, len(CHART_PANELS)), (13, 4.5),
                      lambda axes: draw_panels(axes, report["results"]))


CHART_PANELS = (("cgroup anon (MB)", "anon_bytes", 1 / 2**20),
                ("cgroup memory.current (MB)", "current_bytes", 1 / 2**20),
                ("PID 1 Anonymous (MB)", "pid1_anon_kb", 1 / 1024))


def draw_panels(axes, results):
    for axis, (title, key, scale) in zip(axes, CHART_PANELS):
        positions = range(len(VARIANTS))
        axis.bar(positions, [results[variant]["summary"][key]["median"] * scale for variant in VARIANTS],
                 0.6, color="#9db9d8", label="median")
        for position, variant in zip(positions, VARIANTS):
            values = [sample[key] * scale for sample in results[variant]["containers"]]
            axis.plot([position] * len(values), values, "o", color="#1f4e79", markersize=4,
                      label="each container" if position == 0 else None)
        axis.set_xticks(list(positions))
        axis.set_xticklabels(VARIANTS)
        axis.set_title(title)
        axis.set_ylim(bottom=0)
    axes[0].legend()


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text) from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, got %d" % value)
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Per-container memory: the image, the image with the "
                                                 "interpreted init, the base with tini")
    parser.add_argument("--image", required=True, help="the image under test (NAME:TAG)")
    parser.add_argument("--base-image", default="",
                        help="its base (default: the image's org.opencontainers.image.base.name label)")
    parser.add_argument("--containers", type=positive_int, default=10, help="containers per variant (default 10)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait once every container is up, before reading (default 10)")
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"),
                        help="where bench-image.json/.md/.png go (default dist)")
    parser.add_argument("--run-id", default="%d-%d" % (time.time(), os.getpid()),
                        help="this run's id: container names and the %s label" % RUN_LABEL)
    parser.add_argument("--no-chart", action="store_true", help="do not draw bench-image.png")
    args = parser.parse_args(argv)
    if args.settle < 0:
        parser.error("--settle must not be negative")
    return args


def raise_on_signal(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through `finally`: the containers are removed


def run_guarded(name, work, errors):
    """(exit code, WORK()'s result): WORK run with TERM and HUP unwinding it like Ctrl-C
    (so its `finally` removes the containers); an error of ERRORS or an interrupt is one
    line on stderr, prefixed NAME, and exit 1 or 130 with no result."""
    previous = {signum: signal.signal(signum, raise_on_signal) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return 0, work()
    except errors as error:
        print("%s: %s" % (name, error), file=sys.stderr)
        return 1, None
    except KeyboardInterrupt:
        print("%s: interrupted (its containers are removed)" % name, file=sys.stderr)
        return 130, None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(args, log):
    check_image(args.image)
    base_image = resolve_base_image(args.image, args.base_image)
    tags = build_derived_images(args.image, base_image, log)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "images": tags,
        "base_image": base_image,
        "settings": {"containers": args.containers, "settle_s": args.settle},
        "results": {},
    }
    containers = Containers(args.run_id)
    try:
        log("*** starting %d containers of each of %s" % (args.containers, ", ".join(VARIANTS)))
        for number in range(1, args.containers + 1):
            for variant in VARIANTS:
                containers.start(variant, tags[variant], container_name(args.image, variant, number, args.run_id))
        deadline = time.monotonic() + BOOT_TIMEOUT
        for variant, _name, container_id in containers.made:
            wait_settled(variant, container_id, deadline)
        log("*** all up; settling %.0f s" % args.settle)
        time.sleep(args.settle)
        samples = {variant: [] for variant in VARIANTS}
        for variant, name, container_id in containers.made:
            sample = measure(container_id)
            sample["name"] = name
            samples[variant].append(sample)
    finally:
        containers.remove_all()
    sources = cgroup_sources(sample["cgroup_version"] for variant in VARIANTS for sample in samples[variant])
    report["cgroup"] = {"version": sources["version"], "anon": sources["anon"], "current": sources["total"]}
    for variant in VARIANTS:
        report["results"][variant] = {"image": tags[variant], "containers": samples[variant],
                                      "summary": summarise(samples[variant])}
    report["ratios"] = {"%s/%s" % pair: {key: {statistic: ratio(report["results"], key, statistic, *pair)
                                               for statistic in ("mean", "median")}
                                         for key in SUMMARY_KEYS}
                        for pair in RATIOS}
    return report


def main(argv=None, log=print):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    code, report = run_guarded("bench-image", lambda: run(args, log), (BenchError, OSError))
    if code:
        return code
    os.makedirs(args.out, exist_ok=True)
    text = table(report)
    heading = ("Idle containers, %d per variant, %s; cgroup v%s: anon = %s, current = %s"
               % (args.containers, report["date"], report["cgroup"]["version"], report["cgroup"]["anon"],
                  report["cgroup"]["current"]))
    with open(os.path.join(args.out, "bench-image.json"), "w") as stream:
        json.dump(report, stream, indent=2)
    with open(os.path.join(args.out, "bench-image.md"), "w") as stream:
        stream.write(heading + "\n\n" + text + "\n")
    log("")
    log(heading)
    log("images: %s" % ", ".join("%s=%s" % item for item in report["images"].items()))
    log(text)
    written = [os.path.join(args.out, name) for name in ("bench-image.json", "bench-image.md")]
    if not args.no_chart:
        if chart(report, os.path.join(args.out, "bench-image.png")):
            written.append(os.path.join(args.out, "bench-image.png"))
        else:
            log("matplotlib not importable: no chart")
    log("wrote %s" % ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
