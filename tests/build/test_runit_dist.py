"""runit's programs as `make init` builds them (build/static-runit.sh, dist/runit): one
static executable, BusyBox's runit applets and nothing else, and a link per program."""

import os
import shutil
import subprocess

import pytest

from paths import RUNIT

PROGRAM = "runit-busybox"
APPLETS = ["chpst", "runsv", "runsvdir", "sv", "svlogd"]


@pytest.fixture(scope="module")
def runit():
    if not os.path.isfile(os.path.join(RUNIT, PROGRAM)):
        pytest.fail("%s/%s does not exist: run `make init` first" % (RUNIT, PROGRAM))
    return RUNIT


@pytest.fixture
def runit_root(runit, tmp_path):
    """A root holding only the programs, in /usr/bin (no C library, no /proc)."""
    if os.geteuid() != 0:
        pytest.fail("chroot needs root")
    shutil.copytree(runit, tmp_path / "usr" / "bin", symlinks=True)
    return tmp_path


def test_one_program_and_a_link_per_applet(runit):
    assert sorted(os.listdir(runit)) == sorted(APPLETS + [PROGRAM])
    for applet in APPLETS:
        assert os.readlink(os.path.join(runit, applet)) == PROGRAM


def test_the_program_is_static(runit):
    program = os.path.join(runit, PROGRAM)
    headers = subprocess.run(["readelf", "-l", program], capture_output=True, text=True, check=True).stdout
    assert "INTERP" not in headers and "Requesting program interpreter" not in headers
    assert "NEEDED" not in subprocess.run(["objdump", "-p", program], capture_output=True, text=True,
                                          check=True).stdout
    assert "There is no dynamic section" in subprocess.run(["readelf", "-d", program], capture_output=True,
                                                          text=True, check=True).stdout


def test_each_name_runs_its_applet_in_an_empty_root(runit_root):
    """In a root holding only the programs, each name is its applet: usage on stderr
    (exit 100 for sv, as runit's sv; 1 for the others)."""
    for applet in APPLETS:
        result = subprocess.run(["chroot", str(runit_root), "/usr/bin/" + applet], capture_output=True, text=True,
                                timeout=30, check=False)
        assert result.returncode == (100 if applet == "sv" else 1), (applet, result)
        assert "Usage: %s " % applet in result.stderr, (applet, result.stderr)


def test_sv_looks_in_etc_service_by_default(runit_root):
    """`sv status NAME` finds /etc/service/NAME (Debian runit's default, not BusyBox's
    /var/service): with no runsv there, sv gets as far as its supervise/ directory."""
    (runit_root / "etc" / "service" / "thing").mkdir(parents=True)
    (runit_root / "var" / "service" / "other").mkdir(parents=True)

    def status(name):
        return subprocess.run(["chroot", str(runit_root), "/usr/bin/sv", "status", name], capture_output=True,
                              text=True, timeout=30, check=False,
                              env={"PATH": os.environ["PATH"]})  # no SVDIR

    assert status("thing").stdout == "warning: thing: can't open supervise/ok: No such file or directory\n"
    assert status("other").stdout == "fail: other: can't change to service directory: No such file or directory\n"
