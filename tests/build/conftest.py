"""Fixtures for the checks of the Nuitka dist (build/) and the benchmark's smoke test."""

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_module(relative_path, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, relative_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dist():
    """The dist under test: $DIST or dist/my_init (made by `make init`)."""
    path = os.path.abspath(os.environ.get("DIST", os.path.join(ROOT, "dist", "my_init")))
    if not os.path.isfile(os.path.join(path, "my_init")):
        pytest.fail("%s/my_init does not exist: run `make init` first" % path)
    return path


@pytest.fixture(scope="session")
def root_user():
    # PID and mount namespaces and tmpfs mounts need root; a missing privilege is a failure
    if os.geteuid() != 0:
        pytest.fail("these tests need root (they run the init as PID 1 of new namespaces)")


@pytest.fixture(scope="session")
def check_dist():
    return load_module("build/check_dist.py", "check_dist")


@pytest.fixture(scope="session")
def bench():
    return load_module("tools/bench.py", "bench")
