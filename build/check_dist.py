"""Check a standalone dist made by build/build.sh; exit 1 with a one-line reason on failure.

    python3 build/check_dist.py DIST

- every ELF file of DIST resolves all its libraries, and none of them is a libpython or a
  Python extension module from outside DIST;
- `my_init --version` and `setuser --help` run with no Python on PATH and PYTHONHOME /
  PYTHONPATH set to garbage; as root (with mount rights) also with the build Python's
  library directories hidden under empty tmpfs mounts;
- prints the size of DIST.
Stdlib only: it runs on the Python that did the build (3.9+).
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile

ELF_MAGIC = b"\x7fELF"
LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(.*?)\s+\(0x[0-9a-f]+\)\s*$")
PYTHON_LIBRARY = re.compile(r"(^|/)libpython\d")
PYTHON_EXTENSION = re.compile(r"\.cpython-\d+.*\.so$|/lib-dynload/")
GARBAGE = "/nonexistent/garbage-python-home"


class CheckFailed(Exception):
    """The dist is not self-contained or does not run; the message is one line."""


def dist_files(dist):
    for directory, _dirs, names in os.walk(dist):
        for name in sorted(names):
            yield os.path.join(directory, name)


def is_elf(path):
    if os.path.islink(path) or not os.path.isfile(path):
        return False
    with open(path, "rb") as stream:
        return stream.read(4) == ELF_MAGIC


def check_libraries(dist):
    """Every ELF's libraries resolve, and none that belongs to Python lies outside DIST."""
    real_dist = os.path.realpath(dist)
    elf_count = 0
    for path in dist_files(dist):
        if not is_elf(path):
            continue
        elf_count += 1
        result = subprocess.run(["ldd", path], capture_output=True, text=True, check=False)
        if "not a dynamic executable" in result.stdout + result.stderr:
            continue
        if result.returncode != 0:
            raise CheckFailed("ldd %s failed: %s" % (path, result.stderr.strip()))
        for line in result.stdout.splitlines():
            if "=> not found" in line:
                raise CheckFailed("%s: library not found: %s" % (path, line.split()[0]))
            match = LDD_LINE.match(line)
            if not match:
                continue
            resolved = os.path.realpath(match.group(2))
            inside = resolved.startswith(real_dist + os.sep)
            if not inside and (PYTHON_LIBRARY.search(resolved) or PYTHON_EXTENSION.search(resolved)):
                raise CheckFailed("%s needs %s from outside the dist" % (path, resolved))
    if elf_count == 0:
        raise CheckFailed("%s holds no ELF file" % dist)
    return elf_count


def python_paths():
    """The build Python's library directories and libpython files, to hide while the dist runs."""
    dirs = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
    existing = sorted(os.path.realpath(path) for path in dirs if path and os.path.isdir(path))
    # a directory inside another one is hidden with it (and cannot be mounted on then)
    paths = [path for path in existing
             if not any(path.startswith(other + os.sep) for other in existing if other != path)]
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    if os.path.isdir(libdir):
        for name in sorted(os.listdir(libdir)):
            if PYTHON_LIBRARY.search(name) and ".so" in name:
                path = os.path.realpath(os.path.join(libdir, name))
                if path not in paths and not any(path.startswith(d + os.sep) for d in existing):
                    paths.append(path)
    return paths


def can_hide_python():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "probe", "/mnt"],
        capture_output=True, check=False,
    )
    return probe.returncode == 0


def run_without_python(argv, hide_paths):
    """Run argv with an empty PATH, garbage Python variables and HIDE_PATHS hidden."""
    with tempfile.TemporaryDirectory(prefix="check-dist-empty-path-") as empty_path:
        environ = {"PATH": empty_path, "PYTHONHOME": GARBAGE, "PYTHONPATH": GARBAGE, "LC_ALL": "C"}
        if not hide_paths:
            return subprocess.run(argv, env=environ, capture_output=True, text=True, timeout=60, check=False)
        # In a private mount namespace: cover each path before "--" (a directory with an
        # empty tmpfs, a file with /dev/null), then exec the rest; `env -i` hands the
        # program only the environment above.
        script = ('while [ "$1" != -- ]; do '
                  'if [ -d "$1" ]; then mount -t tmpfs hidden "$1"; else mount --bind /dev/null "$1"; fi || exit 125; '
                  'shift; done; shift; exec "$@"')
        assignments = ["%s=%s" % item for item in sorted(environ.items())]
        command = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script,
                   "sh", *hide_paths, "--", "/usr/bin/env", "-i", *assignments, *argv]
        tools_environ = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        return subprocess.run(command, env=tools_environ, capture_output=True, text=True, timeout=60, check=False)


def check_runs(dist):
    my_init = os.path.join(dist, "my_init")
    setuser = os.path.join(dist, "setuser")
    for path in (my_init, setuser):
        if not os.access(path, os.X_OK):
            raise CheckFailed("%s is missing or not executable" % path)
    hide_paths = python_paths() if can_hide_python() else []
    for argv, expect in (([my_init, "--version"], "my_init"), ([setuser, "--help"], "setuser")):
        result = run_without_python(argv, hide_paths)
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or expect not in output:
            first_line = output.splitlines()[-1] if output else "no output"
            raise CheckFailed("'%s' without Python exited %d: %s" % (" ".join(argv[-2:]), result.returncode, first_line))
    return hide_paths


def dist_size(dist):
    return sum(os.lstat(path).st_size for path in dist_files(dist))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not os.path.isdir(argv[0]):
        print("check_dist: usage: check_dist.py DIST (an existing directory)", file=sys.stderr)
        return 2
    dist = argv[0]
    try:
        elf_count = check_libraries(dist)
        hidden = check_runs(dist)
    except (CheckFailed, subprocess.SubprocessError, OSError) as error:
        print("check_dist: FAILED: %s" % error, file=sys.stderr)
        return 1
    size = dist_size(dist)
    files = sum(1 for _ in dist_files(dist))
    print("*** check: %d ELF files, no libpython or Python module from outside the dist" % elf_count)
    print("*** check: my_init --version and setuser --help run without Python (PATH empty, "
          "PYTHONHOME/PYTHONPATH garbage%s)" % (", %s hidden" % " ".join(hidden) if hidden else ""))
    print("*** dist size: %.2f MB (%d bytes, %d files) in %s" % (size / 1e6, size, files, dist))
    return 0


if __name__ == "__main__":
    sys.exit(main())
