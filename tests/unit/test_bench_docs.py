"""The figures of `make bench`, `make bench-image` and `tools/health-cost.sh` in
docs/benchmark.md are generated, never pasted: each table is exactly what
tools/publish_bench.py makes of the JSON it names (docs/bench.json, docs/bench-image.json,
docs/health-cost.json), the run it claims to come from. No root, no Docker."""

import copy

import pytest

import bench_compare_report
import publish_bench


def docs_text():
    with open(bench_compare_report.BENCHMARK_MD, encoding="utf-8") as stream:
        return stream.read()


@pytest.mark.parametrize("name", sorted(publish_bench.BENCHES))
def test_the_docs_table_is_the_published_runs(name):
    block_name = publish_bench.BENCHES[name][2]
    assert bench_compare_report.block(docs_text(), block_name) == publish_bench.rendered(
        name, publish_bench.published(name)), (
        "docs/benchmark.md's %s differs from docs/%s.json: publish the run with `python3 tools/publish_bench.py %s` "
        "(make %s does), never edit it by hand" % (block_name, name, name, name))


def test_the_static_and_the_dynamic_build_are_both_in_the_published_bench():
    results = publish_bench.published("bench")["results"]
    assert {"compiled", "compiled-dynamic", "interpreted", "floor", "tini", "dumb-init"} <= set(results)


def test_the_published_bench_image_has_the_handover_off_beside_it():
    results = publish_bench.published("bench-image")["results"]
    assert {"image", "image-no-handover", "interpreted", "tini"} == set(results)


@pytest.mark.parametrize("name", sorted(publish_bench.BENCHES))
def test_a_figure_changed_in_the_json_changes_the_table(name):
    report = publish_bench.published(name)
    before = publish_bench.rendered(name, report)
    changed = copy.deepcopy(report)
    first = next(iter(changed["results"].values()))
    if name == "bench":
        first["rss_kb"] += 1024
    elif name == "health-cost":
        first["peak_rss_kb"] += 1024
    else:
        first["summary"]["anon_bytes"]["median"] += 2**20
    assert publish_bench.rendered(name, changed) != before
