"""The benchmark's code, once through with tiny counts (figures are not checked here)."""

import json
import os
import subprocess
import sys


def test_bench_quick_run_measures_every_init(dist, bench, root_user, tmp_path):
    lines = []
    status = bench.main(["--quick", "--no-chart", "--dist", dist, "--out", str(tmp_path)], log=lines.append)
    assert status == 0, "\n".join(lines)
    with open(os.path.join(str(tmp_path), "bench.json")) as stream:
        report = json.load(stream)
    results = report["results"]
    assert sorted(results) == ["compiled", "dumb-init", "floor", "interpreted", "interpreted-S", "tini"]
    for name, result in results.items():
        assert result["rss_kb"] > 0 and result["pss_kb"] > 0 and result["uss_kb"] > 0, name
        assert result["anon_kb"] > 0 and result["private_dirty_kb"] > 0, name
        # a process's anonymous pages are part of its resident set
        assert result["anon_kb"] <= result["rss_kb"], name
        assert result["startup_ms"] > 0 and result["stop_ms"] > 0, name
        assert result["version_ms"] > 0 and len(result["version_all_ms"]) == 2, name
        assert result["orphans"]["seen_under_pid1"] == 20, name
        assert result["orphans"]["zombies_left"] == 0, name
        assert result["orphans"]["reap_ms"] is not None, name
    for name in ("compiled", "interpreted", "interpreted-S"):
        assert sorted(results[name]["runit"], key=int) == ["0", "1", "2"]
    assert "runit" not in results["floor"], "the floor has no runit mode"
    table = bench.table(report)
    for heading in ("compiled/interpreted", "compiled/tini", "compiled/floor", "interpreted/floor",
                    "idle Anonymous, one-shot (MB)", "idle Private_Dirty, one-shot (MB)",
                    "`--version` wall (ms)", "orphans: reap all (ms)"):
        assert heading in table, heading


def test_floor_forks_execs_waits_and_passes_its_child_status_on(bench, tmp_path):
    marker = os.path.join(str(tmp_path), "ran")
    completed = subprocess.run(
        [sys.executable, "-S", "-I", "-c", bench.FLOOR_SCRIPT, "--", "sh", "-c", 'touch "$1"; exit 7', "sh", marker],
        capture_output=True, text=True, timeout=60)
    assert completed.returncode == 7, completed.stderr
    assert os.path.exists(marker)


def test_floor_exits_128_plus_the_signal_that_killed_its_child(bench):
    completed = subprocess.run([sys.executable, "-S", "-I", "-c", bench.FLOOR_SCRIPT, "--", "sh", "-c", "kill -TERM $$"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 128 + 15, completed.stderr


def test_version_run_of_the_floor_is_start_run_true_exit(bench):
    variants = bench.init_variants("/nonexistent", sys.executable)
    assert bench.version_command(variants["floor"])[-2:] == ["--", "true"]
    assert bench.version_command(variants["compiled"]) == ["/nonexistent/my_init", "--version"]
    assert bench.version_command(variants["tini"])[-1] == "--version"


def test_chart_is_drawn_when_matplotlib_is_there(bench, tmp_path):
    report = {"date": "2026-01-01 00:00 UTC", "machine": {"cpu": "test"}, "results": {
        name: {"rss_kb": 1024, "pss_kb": 512, "uss_kb": 256, "anon_kb": 200, "private_dirty_kb": 210,
               "startup_ms": 1.0, "version_ms": 3.0, "stop_ms": 2.0,
               "runit": {"0": {"stop_ms": 1.0}, "1": {"stop_ms": 2.0}} if name == "compiled" else None}
        for name in ("compiled", "tini")}}
    path = os.path.join(str(tmp_path), "bench.png")
    try:
        import matplotlib  # noqa: F401  (only in the bench venv)
    except ImportError:
        assert bench.chart(report, path) is False and not os.path.exists(path)
    else:
        assert bench.chart(report, path) is True and os.path.getsize(path) > 0
