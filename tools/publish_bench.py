"""Publish a run of `make bench`, `make bench-image` or `tools/health-cost.sh` in the docs:
its JSON and chart are copied into docs/, and its table in docs/benchmark.md is
regenerated from that copy between its markers (tools/bench_compare_report.py's), never
pasted by hand. tests/unit/test_bench_docs.py fails when a table and its JSON disagree.

    python3 tools/publish_bench.py bench|bench-image|health-cost [--out DIR]

DIR (default dist) holds the run: bench.json and bench.png, bench-image.json and
bench-image.png, or health-cost.json (no chart). The Makefile's bench targets run this
after the bench (BENCH_DOCS=0 leaves the docs alone). Stdlib only.
"""

import argparse
import json
import os
import shutil
import sys

import bench
import bench_image
from bench_compare_report import BENCHMARK_MD, rewrite
from bench_report import markdown_table
from paths import ROOT


def bench_caption(report):
    machine = report["machine"]
    size = report.get("dist_size_bytes")
    return ("`make bench` of %s on %s (%d cores, %s); %s; the interpreted columns run %s."
            % (report["date"], machine["cpu"], machine["cores"], machine["os"],
               "dist %.2f MB" % (size / 1e6) if size else "no dist size", report["interpreted_python"]))


def bench_image_caption(report):
    return ("`make bench-image` of %s: %d containers per variant of `%s` on `%s`, cgroup v%s."
            % (report["date"], report["settings"]["containers"], report["images"]["image"], report["base_image"],
               report["cgroup"]["version"]))


def health_cost_caption(report):
    return ("`bash tools/health-cost.sh` of %s: %d calls each, in a healthy container of `%s` (%d cores)."
            % (report["date"], report["calls"], report["image"], report["cores"]))


def health_cost_table(report):
    """Wall time and peak RSS per call of the health check and of a compiled binary's start."""
    health, compiled = report["results"]["health"], report["results"]["compiled-start"]
    rows = [["wall time (ms)", "%.2f" % (health["us_per_call"] / 1000), "%.2f" % (compiled["us_per_call"] / 1000),
             "%.2f" % (compiled["us_per_call"] / health["us_per_call"])],
            ["peak RSS (MB)", "%.2f" % (health["peak_rss_kb"] / 1024), "%.2f" % (compiled["peak_rss_kb"] / 1024),
             "%.2f" % (compiled["peak_rss_kb"] / health["peak_rss_kb"])]]
    return markdown_table(["per call", "`my_init_health` (sh + one `sv` per service)",
                           "compiled binary start (`setuser --help`)", "compiled/health"], rows)


def rendered(name, report):
    """The docs block of bench NAME: a line saying which run, then its table."""
    caption, table, _block = BENCHES[name]
    return "%s\n\n%s" % (caption(report), table(report))


# bench name -> (its caption, the table of its report, the docs block)
BENCHES = {"bench": (bench_caption, bench.table, "bench table"),
           "bench-image": (bench_image_caption, bench_image.table, "bench-image table"),
           "health-cost": (health_cost_caption, health_cost_table, "health-cost table")}


def docs_json(name):
    return os.path.join(ROOT, "docs", name + ".json")


def published(name):
    with open(docs_json(name)) as stream:
        return json.load(stream)


def publish(name, out):
    """Copies OUT's NAME.json (and NAME.png when there) into docs/ and regenerates the table;
    returns the files written."""
    source = os.path.join(out, name + ".json")
    with open(source) as stream:
        report = json.load(stream)
    with open(docs_json(name), "w") as stream:
        json.dump(report, stream, indent=2)
        stream.write("\n")
    written = [docs_json(name)]
    chart = os.path.join(out, name + ".png")
    if os.path.exists(chart):
        shutil.copyfile(chart, os.path.join(ROOT, "docs", name + ".png"))
        written.append(os.path.join(ROOT, "docs", name + ".png"))
    rewrite(BENCHMARK_MD, BENCHES[name][2], rendered(name, published(name)))
    return written + [BENCHMARK_MD]


def main(argv=None):
    parser = argparse.ArgumentParser(description="publish a bench run's JSON, chart and table in the docs")
    parser.add_argument("bench", choices=sorted(BENCHES))
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"), help="where the run is (default dist)")
    args = parser.parse_args(argv)
    try:
        written = publish(args.bench, args.out)
    except (OSError, ValueError) as error:
        print("publish_bench: %s" % error, file=sys.stderr)
        return 1
    print("*** published: %s" % " ".join(os.path.relpath(path, ROOT) for path in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
