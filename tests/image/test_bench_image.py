"""`make bench-image` (tools/bench-image.sh), once through with 2 containers per variant.
Only the outputs' shape and plausibility are checked, never a figure against another."""

import json
import os
import signal
import subprocess
import uuid

import pytest

from bench_image import RUN_LABEL
from paths import ROOT
from waiting import sleep_until

SCRIPT = os.path.join(ROOT, "tools", "bench-image.sh")
VARIANTS = ("image", "image-no-handover", "interpreted", "tini")  # what the report must hold, written out here
BUILD_TIMEOUT = 1200  # the first run builds the two derived images (package downloads)
# pytest-timeout's limit for the test: past BUILD_TIMEOUT and the run itself.
TEST_TIMEOUT = BUILD_TIMEOUT + 600


def bench_environment(image, base_image, run_id):
    return dict(os.environ, IMAGE=image, BASE_IMAGE=base_image, BENCH_RUN_ID=run_id)


def containers_of_run(docker_client, run_id):
    return docker_client.containers.list(all=True, filters={"label": "%s=%s" % (RUN_LABEL, run_id)})


@pytest.mark.timeout(TEST_TIMEOUT)
def test_bench_image_measures_every_variant(docker_client, image, base_image, tmp_path):
    run_id = "test-%s" % uuid.uuid4().hex[:8]
    out = str(tmp_path)
    completed = subprocess.run(["bash", SCRIPT, "--containers", "2", "--settle", "1", "--out", out],
                               env=bench_environment(image, base_image, run_id),
                               capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert containers_of_run(docker_client, run_id) == [], "the run left containers behind"

    with open(os.path.join(out, "bench-image.json")) as stream:
        report = json.load(stream)
    assert report["settings"]["containers"] == 2
    assert report["base_image"] == base_image and report["images"]["image"] == image
    # v1 wherever a memory controller is mounted on its own (v1 and hybrid hosts)
    assert report["cgroup"]["version"] == (2 if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else 1)
    assert sorted(report["results"]) == sorted(VARIANTS)
    for variant in VARIANTS:
        samples = report["results"][variant]["containers"]
        assert len(samples) == 2, variant
        for sample in samples:
            assert sample["anon_bytes"] > 0 and sample["current_bytes"] > 0, (variant, sample)
            assert 0 < sample["pid1_anon_kb"] <= sample["pid1_rss_kb"], (variant, sample)
            assert sample["processes"] >= 2, (variant, sample)  # PID 1 and what it runs
        summary = report["results"][variant]["summary"]["anon_bytes"]
        assert summary["min"] <= summary["median"] <= summary["max"], variant
        assert summary["min"] <= summary["mean"] <= summary["max"], variant
    # each variant really runs the init it claims to
    image_pid1 = report["results"]["image"]["containers"][0]["pid1_argv"]
    interpreted_pid1 = report["results"]["interpreted"]["containers"][0]["pid1_argv"]
    tini_pid1 = report["results"]["tini"]["containers"][0]["pid1_argv"]
    assert os.path.basename(image_pid1[0]) == "my_init", image_pid1
    assert os.path.basename(interpreted_pid1[0]).startswith("python3") and "-S" in interpreted_pid1, interpreted_pid1
    assert os.path.basename(tini_pid1[0]) == "tini", tini_pid1
    no_handover_pid1 = report["results"]["image-no-handover"]["containers"][0]["pid1_argv"]
    assert no_handover_pid1 == image_pid1, no_handover_pid1
    for pair in ("image/interpreted", "image/image-no-handover", "image/tini"):
        assert report["ratios"][pair]["anon_bytes"]["median"] > 0, pair

    with open(os.path.join(out, "bench-image.md")) as stream:
        table = stream.read()
    assert ("| measure | image | image-no-handover | interpreted | tini | image/interpreted | "
            "image/image-no-handover | image/tini |") in table
    assert "| cgroup anon, median (MB) |" in table and "| cgroup memory.current, mean (MB) |" in table
    with open(os.path.join(out, "bench-image.png"), "rb") as stream:
        assert stream.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(TEST_TIMEOUT)
def test_bench_image_removes_its_containers_when_stopped(docker_client, image, base_image, tmp_path):
    run_id = "test-%s" % uuid.uuid4().hex[:8]
    process = subprocess.Popen(["bash", SCRIPT, "--containers", "2", "--settle", "600", "--out", str(tmp_path)],
                               env=bench_environment(image, base_image, run_id),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def all_started():
            assert process.poll() is None, process.stderr.read().decode(errors="replace")[-3000:]
            return len(containers_of_run(docker_client, run_id)) == 2 * len(VARIANTS)
        sleep_until(all_started, BUILD_TIMEOUT, "the run to start its containers", interval=0.5)
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=120)
        left = [container.name for container in containers_of_run(docker_client, run_id)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for container in containers_of_run(docker_client, run_id):
            container.remove(force=True)  # only when the script has not
        process.stderr.close()
    assert status == 128 + signal.SIGTERM
    assert left == [], "still there after the script exited"
    assert not os.path.exists(os.path.join(str(tmp_path), "bench-image.json"))


def run_bench_image(arguments, image, base_image):
    return subprocess.run(["bash", SCRIPT] + arguments, env=bench_environment(image, base_image, "test-bad-input"),
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)


def test_bench_image_rejects_a_container_count_below_one(image, base_image):
    completed = run_bench_image(["--containers", "0"], image, base_image)
    assert completed.returncode == 2
    assert "--containers: must be at least 1, got 0" in completed.stderr


def test_bench_image_names_a_missing_image(image, base_image):
    completed = run_bench_image([], "bench-image-test-missing:none", base_image)
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        "bench-image: image bench-image-test-missing:none does not exist: build it with `make build`")


def test_bench_image_refuses_a_base_the_image_was_not_built_on(image, base_image):
    completed = run_bench_image([], image, "not-the-base:" + uuid.uuid4().hex[:8])
    assert completed.returncode == 1
    assert "is not the base of %s (its label says %s)" % (image, base_image) in completed.stderr
