"""Where the tests and the tools find this checkout: the repository's root, computed once,
and the Nuitka dist under test."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# `make init` builds the dist here; MY_INIT_DIST points the tests and the bench at another.
DIST = os.path.abspath(os.environ.get("MY_INIT_DIST") or os.path.join(ROOT, "dist", "my_init"))
