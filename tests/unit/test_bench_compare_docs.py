"""The figures of `make bench-compare` in the docs are generated, never pasted: the table in
docs/benchmark.md and the README's headline and image size are exactly what tools/bench_compare_report.py
makes of docs/bench-compare.json, the run they claim to come from. No Docker."""

import json
import os

import pytest

import bench_compare_report as generated


def published():
    with open(generated.DOCS_JSON) as stream:
        return json.load(stream)


def text_of(path):
    with open(path, encoding="utf-8") as stream:
        return stream.read()


@pytest.mark.parametrize("path, name, generate", [
    (generated.BENCHMARK_MD, generated.TABLE_BLOCK, generated.table),
    (generated.README_MD, generated.HEADLINE_BLOCK, generated.headline),
    (generated.README_MD, generated.SIZE_BLOCK, generated.image_size),
])
def test_the_docs_block_is_generated_from_the_published_json(path, name, generate):
    assert generated.block(text_of(path), name) == generate(published()), (
        "%s's %s differs from docs/bench-compare.json: regenerate it with `tools/bench_compare.py publish` "
        "(or `make bench-compare`), never edit it by hand" % (os.path.basename(path), name))


def test_a_size_changed_in_the_json_changes_the_readme_sentence():
    report = published()
    before = generated.image_size(report)
    report["results"]["compiled"]["image_bytes_over_base"] += 10**6
    assert generated.image_size(report) != before


def test_the_published_run_has_every_init_and_its_chart():
    report = published()
    assert list(report["results"]) == list(generated.INITS)
    assert report["results"]["compiled"].get("skipped") is None, "this image's own column must be measured"
    with open(generated.DOCS_PNG, "rb") as stream:
        assert stream.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_figure_changed_in_the_json_changes_the_table():
    report = published()
    before = generated.table(report)
    report["results"]["compiled"]["summary"]["anon_bytes"]["median"] += 2**20
    assert generated.table(report) != before


def test_replacing_a_block_keeps_the_markers_and_the_text_around_them():
    name = generated.TABLE_BLOCK
    text = "before\n%s\nold\n%s\nafter\n" % (generated.begin_marker(name), generated.end_marker(name))
    replaced = generated.replace_between(text, generated.TABLE_BLOCK, "new")
    assert replaced.startswith("before\n") and replaced.endswith("\nafter\n")
    assert generated.block(replaced, generated.TABLE_BLOCK) == "new"


def test_a_missing_marker_is_an_error():
    with pytest.raises(ValueError, match="markers of 'bench-compare table' are missing"):
        generated.replace_between("no markers here", generated.TABLE_BLOCK, "new")


def test_the_docs_json_is_the_one_the_docs_point_to():
    assert os.path.relpath(generated.DOCS_JSON, os.path.dirname(generated.BENCHMARK_MD)) == "bench-compare.json"


def test_an_init_that_did_not_run_is_marked_with_why():
    report = published()
    report["results"]["systemd"] = {"image": "x", "skipped": "does not run here (it needs CAP_SYS_ADMIN)",
                                    "image_bytes_over_base": 1, "init_bytes": 1}
    text = generated.table(report)
    assert "Not measured: systemd: does not run here (it needs CAP_SYS_ADMIN)." in text
    row = next(line for line in text.splitlines() if line.startswith("| cgroup anon per container"))
    assert row.endswith(" | - |")
    assert "systemd" not in generated.headline(report)
