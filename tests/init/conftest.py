"""Fixtures of the PID-1 suite: every test gets `init`, an InitRun (pid1.py) for one init
variant, run as PID 1 of a fresh PID namespace over a private /etc.

Variants (the `variant` fixture is parametrised over them, so every case runs against
each): "interpreted" (PYTHONPATH=init python3 -m my_init) and "compiled"
(dist/my_init/my_init from `make init`, or MY_INIT_DIST). A missing variant fails its tests.
Both run the image's runit programs (dist/runit from `make init`, or MY_INIT_RUNIT), seen
in the sandbox's /usr/sbin, ahead of any runit the host has in /usr/bin.
"""

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from paths import DIST, ROOT, RUNIT
from pid1 import PROGRAMS, VARIANTS, FaultShim, InitRun, Variant


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
    if not os.path.isfile(os.path.join(RUNIT, "runsvdir")):
        pytest.fail("runit's programs missing: %s/runsvdir (run `make init`)" % RUNIT)
    shutil.copytree(RUNIT, root / "runit", symlinks=True)
    # Every init starts through it, with the signal state a container engine gives PID 1.
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to build programs/pristine.c, which starts every init")
    subprocess.run(["gcc", "-O2", "-Wall", "-Werror", "-o", str(root / "pristine"),
                    os.path.join(PROGRAMS, "pristine.c")], check=True)
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


# What each shim replaces: the test-only static build routes these calls to it (shim.h).
WRAPPED_FUNCTIONS = {
    "fail_fork": ("fork", "fexecve", "prctl"),
    "pid1_faults": ("sigtimedwait", "sigwaitinfo", "fexecve", "execve"),
}


def build_shim(shared_root, name):
    """programs/NAME.c, injected from outside the production init as each variant can
    take it (a pid1.FaultShim): the interpreted variant's python preloads it (gcc, an
    LD_PRELOAD library); a static compiled variant, which loads no library, runs as a
    test-only build of the same sources with the shim linked in (build_with_shim). A
    missing compiler, or the static CPython (make init), fails the tests that use it."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to build the shim programs/%s.c" % name)
    source = os.path.join(PROGRAMS, name + ".c")
    library = shared_root / (name + ".so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(library), source, "-ldl"],
                   check=True)
    os.chmod(library, 0o755)
    dist_program = shared_root / "dist" / "my_init"
    if not dist_program.exists() or not is_static_program(dist_program):
        return FaultShim(str(library))
    return FaultShim(str(library), build_with_shim(shared_root, name, source))


@pytest.fixture(scope="session")
def fork_shim(shared_root):
    """Makes PID 1's forks fail on demand, and prctl always (programs/fail_fork.c)."""
    return build_shim(shared_root, "fail_fork")


@pytest.fixture(scope="session")
def fault_shim(shared_root):
    """Injects faults into PID 1 (programs/pid1_faults.c): an error instead of a signal
    taken, a corrupt handover state."""
    return build_shim(shared_root, "pid1_faults")


def is_static_program(path):
    headers = subprocess.run(["readelf", "-l", str(path)], capture_output=True, text=True, check=True).stdout
    return "Requesting program interpreter" not in headers


def build_with_shim(shared_root, name, source):
    """The test-only static build: build/build.sh with the static CPython `make init` used
    (STATIC_PYTHON, default build/out/static-python), the shim's object on the link line and
    -Wl,--wrap for each function it replaces. Returns the directory holding its my_init."""
    python_prefix = os.environ.get("STATIC_PYTHON") or os.path.join(ROOT, "build", "out", "static-python")
    static_python = os.path.join(python_prefix, "bin", "python3")
    if not os.path.exists(static_python):
        pytest.fail("the static CPython %s is missing: `make init` builds it" % static_python)
    if shutil.which("musl-gcc") is None:
        pytest.fail("musl-gcc is needed to link programs/%s.c into the static test build (musl-tools)" % name)
    shim_object = shared_root / (name + ".o")
    subprocess.run(["musl-gcc", "-c", "-O2", "-Wall", "-Werror", "-DWRAPPED", "-o", str(shim_object), source],
                   check=True)
    wraps = ",".join("--wrap=" + function for function in WRAPPED_FUNCTIONS[name])
    output = shared_root / ("build-with-" + name)
    environment = dict(os.environ, PYTHON=static_python, LDFLAGS="%s -Wl,%s" % (shim_object, wraps),
                       BUILD_WORK=os.path.join(ROOT, "build", "out", "test-builds"))
    result = subprocess.run(["bash", os.path.join(ROOT, "build", "build.sh"), str(output)], env=environment,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail("the test-only build with programs/%s.c failed:\n%s%s"
                    % (name, result.stdout[-3000:], result.stderr[-3000:]))
    for directory, _, _files in os.walk(output):
        os.chmod(directory, 0o755)
    return str(output)
