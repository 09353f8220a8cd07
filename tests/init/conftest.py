"""Fixtures of the PID-1 suite: every test gets `init`, an InitRun (pid1.py) for one init
variant, run as PID 1 of a fresh PID namespace over a private /etc.

Variants (the `variant` fixture is parametrised over them, so every case runs against
each): "interpreted" (PYTHONPATH=init python3 -m my_init) and "compiled"
(dist/my_init/my_init from `make init`, or MY_INIT_DIST). A missing variant fails its tests.
"""

import os
import shutil
import subprocess

import pytest

from paths import DIST, ROOT
from pid1 import PROGRAMS, VARIANTS, InitRun, Variant


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory):
    """A world-readable copy of the init sources, the compiled dist and the test programs."""
    root = tmp_path_factory.mktemp("init-variants")
    os.chmod(root, 0o755)
    shutil.copytree(os.path.join(ROOT, "init"), root / "src")
    if os.path.isfile(os.path.join(DIST, "my_init")):
        shutil.copytree(DIST, root / "dist", symlinks=True)
    for directory, _, _ in os.walk(root):
        os.chmod(directory, 0o755)
    parent = str(root)
    while parent != "/":
        parent = os.path.dirname(parent)
        os.chmod(parent, os.stat(parent).st_mode | 0o011)  # let `nobody` traverse to it
    return root


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


def build_shim(shared_root, name):
    """programs/NAME.c built with gcc into an LD_PRELOAD library; returns its path. A
    missing compiler fails the tests that use it."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to build the shim programs/%s.c" % name)
    library = shared_root / (name + ".so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(library),
                    os.path.join(PROGRAMS, name + ".c"), "-ldl"], check=True)
    os.chmod(library, 0o755)
    return str(library)


@pytest.fixture(scope="session")
def fork_shim(shared_root):
    """The LD_PRELOAD shim that makes PID 1's forks fail on demand (programs/fail_fork.c)."""
    return build_shim(shared_root, "fail_fork")


@pytest.fixture(scope="session")
def fault_shim(shared_root):
    """The LD_PRELOAD shim that injects faults into PID 1 (programs/pid1_faults.c): an
    error instead of a signal taken, a corrupt handover state."""
    return build_shim(shared_root, "pid1_faults")
