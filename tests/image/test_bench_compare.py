"""`make bench-compare` (tools/bench-compare.sh), once through with 1 container per init.
Only the outputs' shape and plausibility are checked, never a figure against another, and
nothing is timed. As root (the bench reads the containers' /proc), with hyperfine."""

import json
import os
import signal
import subprocess
import uuid

import pytest

from bench_compare_report import INITS, table
from paths import ROOT
from waiting import sleep_until

SCRIPT = os.path.join(ROOT, "tools", "bench-compare.sh")
BUILD_TIMEOUT = 1500  # the first run builds six images (supervisor, s6, systemd: package downloads)
TEST_TIMEOUT = BUILD_TIMEOUT + 300
# Written out here, not imported: bench_compare.py needs psutil, which only the bench's venv has.
RUN_LABEL = "baseimage-centos.bench-compare.run"
# What PID 1 of each init's containers runs (for a Python program, the script), and the
# init's other processes.
INIT_PROCESSES = {"compiled": {"runsvdir", "runsv"}, "interpreted": {"runsvdir", "runsv"}, "supervisord": set(),
                  "s6": {"s6-supervise"}, "systemd": {"systemd-journald"}}
PID1 = {"compiled": "my_init", "interpreted": "my_init", "supervisord": "supervisord", "s6": "s6-svscan",
        "systemd": "systemd"}


def run_bench(arguments, image, base_image, run_id):
    return subprocess.run(["bash", SCRIPT] + arguments,
                          env=dict(os.environ, IMAGE=image, BASE_IMAGE=base_image, BENCH_RUN_ID=run_id),
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)


def pid1_program(argv):
    """The program's name; for python3 that of the script it runs (its first non-option)."""
    if os.path.basename(argv[0]).startswith("python3"):
        argv = [word for word in argv[1:] if not word.startswith("-")]
    return os.path.basename(argv[0])


@pytest.mark.timeout(TEST_TIMEOUT)
def test_bench_compare_measures_every_init(docker_client, image, base_image, tmp_path):
    run_id = "test-%s" % uuid.uuid4().hex[:8]
    out = str(tmp_path)
    completed = run_bench(["--containers", "1", "--settle", "1", "--out", out], image, base_image, run_id)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert docker_client.containers.list(all=True, filters={"label": "%s=%s" % (RUN_LABEL, run_id)}) == [], \
        "the run left containers behind"

    with open(os.path.join(out, "bench-compare.json")) as stream:
        report = json.load(stream)
    assert report["settings"]["containers"] == 1
    assert report["image"] == image and report["base_image"] == base_image
    assert report["cgroup"]["version"] == (2 if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else 1)
    assert list(report["results"]) == list(INITS)
    for init in INITS:
        result = report["results"][init]
        if init == "systemd" and result.get("skipped"):
            assert result["skipped"].startswith("does not run here ("), result  # its row says why
            continue
        assert not result.get("skipped"), (init, result)
        (sample,) = result["containers"]
        assert pid1_program(sample["pid1_argv"]) == PID1[init], (init, sample["pid1_argv"])
        for key in ("anon_bytes", "total_bytes", "init_uss_bytes", "init_pss_bytes"):
            assert 0 < sample[key] < 2**30, (init, key, sample[key])
        assert sample["file_bytes"] >= 0, (init, sample)
        assert 0 < sample["init_uss_bytes"] <= sample["init_rss_bytes"], (init, sample)
        # PID 1, the init's own supervisors, the three daemons and the main command
        assert sample["processes"] >= 5 and 1 <= sample["init_processes"] < sample["processes"], (init, sample)
        names = {entry["name"] for entry in sample["init_detail"]}
        names = {"python3" if name.startswith("python3") else name for name in names}  # python3.11
        assert names <= {PID1[init], "python3"} | INIT_PROCESSES[init], (init, names)
        assert sample["start_seconds"] > 0 and sample["stop_seconds"] > 0, (init, sample)  # never a time limit
        assert result["exit_codes"] == [sample["exit_code"]], (init, result)
        summary = result["summary"]["anon_bytes"]
        assert summary["min"] <= summary["median"] <= summary["max"], init
        assert result["image_bytes_over_base"] > 0 and result["init_bytes"] > 0, (init, result)

    with open(os.path.join(out, "bench-compare.md")) as stream:
        markdown = stream.read()
    assert markdown == table(report) + "\n"
    assert "| measure | %s |" % " | ".join(INITS) in markdown
    with open(os.path.join(out, "bench-compare.png"), "rb") as stream:
        assert stream.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(TEST_TIMEOUT)
def test_bench_compare_removes_its_containers_when_stopped(docker_client, image, base_image, tmp_path):
    run_id = "test-%s" % uuid.uuid4().hex[:8]
    process = subprocess.Popen(["bash", SCRIPT, "--containers", "2", "--settle", "600", "--out", str(tmp_path)],
                               env=dict(os.environ, IMAGE=image, BASE_IMAGE=base_image, BENCH_RUN_ID=run_id),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def of_run():
        return docker_client.containers.list(all=True, filters={"label": "%s=%s" % (RUN_LABEL, run_id)})
    try:
        def timed_starts_begun():
            assert process.poll() is None, process.stderr.read().decode(errors="replace")[-3000:]
            return len(of_run()) >= 2  # past the warm-ups (each removed before the next)
        sleep_until(timed_starts_begun, BUILD_TIMEOUT, "the run to start its containers", interval=0.2)
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=120)
        left = [container.name for container in of_run()]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for container in of_run():
            container.remove(force=True)  # only when the script has not
        process.stderr.close()
    assert status == 128 + signal.SIGTERM
    assert left == [], "still there after the script exited"
    assert not os.path.exists(os.path.join(str(tmp_path), "bench-compare.json"))


def test_bench_compare_names_a_bad_container_count(image, base_image):
    completed = run_bench(["--containers", "0"], image, base_image, "test-bad-input")
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1].endswith("argument --containers: must be at least 1, got 0")


def test_bench_compare_names_a_missing_image(image, base_image):
    completed = run_bench([], "bench-compare-test-missing:none", base_image, "test-bad-input")
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        "bench-compare: image bench-compare-test-missing:none does not exist: build it with `make build`")
