"""The benchmark's code, once through with tiny counts (figures are not checked here)."""

import json
import os


def test_bench_quick_run_measures_every_init(dist, bench, root_user, tmp_path):
    lines = []
    status = bench.main(["--quick", "--no-chart", "--dist", dist, "--out", str(tmp_path)], log=lines.append)
    assert status == 0, "\n".join(lines)
    with open(os.path.join(str(tmp_path), "bench.json")) as stream:
        report = json.load(stream)
    results = report["results"]
    assert sorted(results) == ["compiled", "dumb-init", "interpreted", "interpreted-S", "tini"]
    for name, result in results.items():
        assert result["rss_kb"] > 0 and result["pss_kb"] > 0 and result["uss_kb"] > 0, name
        assert result["startup_ms"] > 0 and result["stop_ms"] > 0, name
        assert result["orphans"]["seen_under_pid1"] == 20, name
        assert result["orphans"]["zombies_left"] == 0, name
        assert result["orphans"]["reap_ms"] is not None, name
    for name in ("compiled", "interpreted", "interpreted-S"):
        assert sorted(results[name]["runit"], key=int) == ["0", "1", "2"]
    table = bench.table(report)
    assert "compiled/interpreted" in table and "orphans: reap all (ms)" in table


def test_chart_is_drawn_when_matplotlib_is_there(bench, tmp_path):
    report = {"date": "2026-01-01 00:00 UTC", "machine": {"cpu": "test"}, "results": {
        name: {"rss_kb": 1024, "pss_kb": 512, "uss_kb": 256, "startup_ms": 1.0, "stop_ms": 2.0,
               "runit": {"0": {"stop_ms": 1.0}, "1": {"stop_ms": 2.0}} if name == "compiled" else None}
        for name in ("compiled", "tini")}}
    path = os.path.join(str(tmp_path), "bench.png")
    try:
        import matplotlib  # noqa: F401  (only in the bench venv)
    except ImportError:
        assert bench.chart(report, path) is False and not os.path.exists(path)
    else:
        assert bench.chart(report, path) is True and os.path.getsize(path) > 0
