"""Every relative link in the documentation (README.md, the root's other *.md, docs/**/*.md) leads
to a file of the repository, and every #anchor to a heading of the Markdown file it names,
as GitHub renders it. Links with a scheme (https:, mailto:) are not followed (no network).
Code (fenced blocks and `spans`) is not Markdown, so links in it are not links."""

import os
import re

import pytest

from paths import ROOT, documents

FENCE = "```"
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"(`+).*?\1")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
ANCHOR_TAG = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")


def lines_outside_fences(path):
    """(line number, text) of the lines that are not in a fenced block."""
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(FENCE):
            fenced = not fenced
        elif not fenced:
            yield number, line


def slug(heading):
    """GitHub's anchor for a heading: the rendered text in lower case, every character that
    is not a letter, digit, underscore, hyphen or space dropped, each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # a link shows its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path):
    found = set()
    seen = {}
    for _, line in lines_outside_fences(path):   # a heading's `code` is part of its text
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else "%s-%d" % (base, count))
        found.update(ANCHOR_TAG.findall(line))
    return found


def broken_links(path):
    """["file:line: target (why)"] for every relative link of the file that leads nowhere."""
    problems = []
    where = os.path.relpath(path, ROOT)
    for number, line in lines_outside_fences(path):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if not target or SCHEME.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            destination = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(destination):
                problems.append("%s:%d: %s (no such file)" % (where, number, target))
            elif anchor and not destination.endswith(".md"):
                problems.append("%s:%d: %s (an anchor into a file that is not Markdown)" % (where, number, target))
            elif anchor and anchor not in anchors(destination):
                problems.append("%s:%d: %s (no such heading in %s)"
                                % (where, number, target, os.path.relpath(destination, ROOT)))
    return problems


@pytest.mark.parametrize("path", documents(), ids=lambda path: os.path.relpath(path, ROOT))
def test_relative_links_and_anchors_resolve(path):
    assert broken_links(path) == []


def test_the_documentation_is_all_read():
    names = {os.path.relpath(path, ROOT) for path in documents()}
    assert {"README.md", "ARCHITECTURE.md", "CHANGELOG.md", "docs/my_init.md", "docs/building.md",
            "docs/benchmark.md", "docs/testing.md"} <= names


@pytest.mark.parametrize("heading, anchor", [
    # As GitHub renders them (checked against the project's own headings).
    ("my_init's options", "my_inits-options"),
    ("The compiled my_init (`make init`)", "the-compiled-my_init-make-init"),
    ("Read-only root, non-root users, Kubernetes", "read-only-root-non-root-users-kubernetes"),
    ("Logs: syslog-ng and logrotate", "logs-syslog-ng-and-logrotate"),
    ("`make bench`: PID 1 against the other inits", "make-bench-pid-1-against-the-other-inits"),
])
def test_heading_anchors(heading, anchor):
    assert slug(heading) == anchor


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## Twice\n\n## Twice\n")
    page.write_text("# Page\n\n[ok](other.md#twice-1) [ok](#page) [web](https://example.org/x)\n"
                    "`[code](missing.md)`\n```sh\n[fenced](missing.md)\n```\n"
                    "[gone](missing.md) [bad anchor](other.md#nothing) [here](#nowhere)\n")
    problems = broken_links(str(page))
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "missing.md (no such file)",
        "other.md#nothing (no such heading in %s)" % os.path.relpath(str(tmp_path / "other.md"), ROOT),
        "#nowhere (no such heading in %s)" % os.path.relpath(str(page), ROOT),
    ]
    assert all(problem.split(":")[1] == "8" for problem in problems), problems
