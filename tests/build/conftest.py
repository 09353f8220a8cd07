"""Fixtures for the checks of the Nuitka dist (build/) and the benchmark's smoke test."""

import os

import pytest

from paths import DIST


@pytest.fixture(scope="session")
def dist():
    """The dist under test: dist/my_init (made by `make init`) or $MY_INIT_DIST."""
    if not os.path.isfile(os.path.join(DIST, "my_init")):
        pytest.fail("%s/my_init does not exist: run `make init` first" % DIST)
    return DIST


@pytest.fixture(scope="session")
def root_user():
    # PID and mount namespaces and tmpfs mounts need root; a missing privilege is a failure
    if os.geteuid() != 0:
        pytest.fail("these tests need root (they run the init as PID 1 of new namespaces)")


@pytest.fixture(scope="session")
def check_dist():
    import check_dist  # build/ is on pytest's pythonpath
    return check_dist


@pytest.fixture(scope="session")
def bench():
    import bench  # tools/ is on pytest's pythonpath
    return bench
