"""Where the tests and the tools find this checkout: the repository's root, computed once,
the Nuitka dist under test, and the documentation's Markdown files."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# `make init` builds the dist here; MY_INIT_DIST points the tests and the bench at another.
DIST = os.path.abspath(os.environ.get("MY_INIT_DIST") or os.path.join(ROOT, "dist", "my_init"))
# runit's programs as the image has them (`make init`: build/static-runit.sh); MY_INIT_RUNIT
# points the PID-1 suite at another build (make test-arm64 at the arm64 one).
RUNIT = os.path.abspath(os.environ.get("MY_INIT_RUNIT") or os.path.join(ROOT, "dist", "runit"))


def documents():
    """The documentation, README.md first: README.md, the other Markdown files at the
    root (ARCHITECTURE.md, CHANGELOG.md, ...) in name order, then every Markdown file
    under docs/ (the files whose examples and links are tested)."""
    found = [os.path.join(ROOT, "README.md")]
    found += [os.path.join(ROOT, name) for name in sorted(os.listdir(ROOT))
              if name.endswith(".md") and name != "README.md"]
    for directory, subdirectories, names in os.walk(os.path.join(ROOT, "docs")):
        subdirectories.sort()
        found += [os.path.join(directory, name) for name in sorted(names) if name.endswith(".md")]
    return found
