"""The patches to Nuitka in build/, on a probe program compiled with them:
nuitka-inspect-on-import.patch: a compiled program imports inspect (and its closure) only
when it does so itself, and then still gets Nuitka's inspect patches;
nuitka-importlib-bootstrap.patch: nor does it import the importlib package (and
warnings) at start, and one that does gets the interpreter's bootstrap module in it."""

import os
import shutil
import subprocess
import sys

import pytest

from paths import ROOT

PROBE_DIR = os.path.join(ROOT, "tests", "build", "probes")
# as build/build.sh applies them
PATCHES = [os.path.join(ROOT, "build", name)
           for name in ("nuitka-inspect-on-import.patch", "nuitka-utf8-mode-codecs.patch",
                        "nuitka-frozen-stdlib.patch", "nuitka-importlib-bootstrap.patch")]
# What Nuitka's start-up used to import into every compiled program, and nothing of
# this probe needs (on 3.12+ Nuitka also imported typing at start).
INSPECT_CLOSURE = ("inspect", "ast", "dis", "tokenize", "enum", "re", "linecache", "typing")


def build_python():
    """The interpreter build.sh compiles with ($PYTHON or python3), not a venv's wrapper."""
    python = shutil.which(os.environ.get("PYTHON", "python3"))
    if python is None:
        pytest.fail("no build Python (PYTHON or python3) on PATH")
    return subprocess.run([python, "-c", "import sys; print(sys.executable)"],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="session")
def probe(tmp_path_factory):
    """patches_probe.py compiled standalone by the patched Nuitka (venv from pinned-venv.sh)."""
    python = build_python()
    version = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    venv = os.path.join(ROOT, "build", "out", "probe-venv-" + version)
    subprocess.run(["bash", os.path.join(ROOT, "build", "pinned-venv.sh"), python, venv,
                    os.path.join(ROOT, "build", "requirements.txt")] + PATCHES, check=True)
    excludes = subprocess.run([python, os.path.join(ROOT, "build", "stdlib_excludes.py"), PROBE_DIR],
                              capture_output=True, text=True, check=True).stdout.split()
    out = str(tmp_path_factory.mktemp("probe"))
    command = [os.path.join(venv, "bin", "python"), "-m", "nuitka", "--mode=standalone",
               "--python-flag=no_site", "--output-dir=" + out, "--quiet",
               "--report=" + os.path.join(out, "report.xml"),
               os.path.join(PROBE_DIR, "patches_probe.py")]
    command += ["--nofollow-import-to=" + name for name in excludes]
    environ = dict(os.environ, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ["PATH"])
    result = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return os.path.join(out, "patches_probe.dist", "patches_probe.bin")


def run_probe(probe, mode):
    result = subprocess.run([probe, mode], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_idle_program_has_no_inspect_closure_loaded(probe):
    loaded = run_probe(probe, "idle")
    assert "sys" in loaded and "__main__" in loaded  # the listing itself worked
    assert [name for name in INSPECT_CLOSURE if name in loaded] == []


def test_idle_program_has_no_importlib_package_loaded(probe):
    loaded = run_probe(probe, "idle")
    assert "_frozen_importlib" in loaded  # the listing itself worked
    assert [name for name in ("importlib", "warnings") if name in loaded] == []


def test_importlib_imported_later_has_the_frozen_bootstrap(probe):
    assert run_probe(probe, "importlib") == ["True", "sys"]


def test_inspect_imported_later_is_patched_for_compiled_generators(probe):
    assert run_probe(probe, "inspect") == [
        "GEN_CREATED", "GEN_SUSPENDED", "GEN_CLOSED", "builtin_function_or_method"]


def test_a_patch_that_does_not_apply_stops_the_venv(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("")  # nothing to download: only the patch step is tested
    stale = tmp_path / "stale.patch"
    stale.write_text("--- a/nuitka/absent.py\n+++ b/nuitka/absent.py\n@@ -1 +1 @@\n-old\n+new\n")
    venv = tmp_path / "venv"
    result = subprocess.run(["bash", os.path.join(ROOT, "build", "pinned-venv.sh"), sys.executable,
                             str(venv), str(requirements), str(stale)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "stale.patch does not apply" in result.stderr
    assert not (venv / ".requirements-stamp").exists()
