"""Fixtures of the PID-1 suite: every test gets `init`, an InitRun (pid1.py) for one init
variant, run as PID 1 of a fresh PID namespace over a private /etc.

Variants (the `variant` fixture is parametrised over them, so every case runs against
each): "interpreted" (PYTHONPATH=init python3 -m my_init) and "compiled"
(dist/my_init/my_init from `make init`, or MY_INIT_DIST). A missing variant fails its tests.
"""

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from paths import DIST, ROOT
from pid1 import PROGRAMS, VARIANTS, InitRun, Variant


@pytest.fixture(scope="session")
def shared_root():
    """A world-readable copy of the init sources, the compiled dist and the test programs,
    in a directory of its own under the system's temporary directory: not under pytest's
    base directory, which every pytest session starting on the machine makes 0700 again
    (and `nobody` could then no longer reach the copy)."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="my_init-variants-"))
    os.chmod(root, 0o755)
    shutil.copytree(os.path.join(ROOT, "init"), root / "src")
    if os.path.isfile(os.path.join(DIST, "my_init")):
        shutil.copytree(DIST, root / "dist", symlinks=True)
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o444)
    parent = str(root)
    while parent != "/":
        parent = os.path.dirname(parent)
        os.chmod(parent, os.stat(parent).st_mode | 0o011)  # let `nobody` traverse to it
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=VARIANTS)
def variant(request, shared_root):
    if os.geteuid() != 0:
        pytest.fail("the PID-1 suite needs root (unshare, overlay mounts)")
    if request.param == "compiled" and not (shared_root / "dist" / "my_init").exists():
        pytest.fail("compiled variant missing: %s/my_init (run `make init`)" % DIST)
    return Variant(request.param, str(shared_root))


@pytest.fixture
def init(variant, tmp_path):
    run = InitRun(variant, tmp_path)
    yield run
    run.kill()


@pytest.fixture(scope="session")
def fork_shim(shared_root):
    """Path of the LD_PRELOAD shim that makes PID 1's forks fail on demand
    (programs/fail_fork.c), built with gcc; a missing compiler fails the tests using it."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to build the fork-failure shim (programs/fail_fork.c)")
    library = shared_root / "fail_fork.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(library),
                    os.path.join(PROGRAMS, "fail_fork.c"), "-ldl"], check=True)
    os.chmod(library, 0o755)
    return str(library)
