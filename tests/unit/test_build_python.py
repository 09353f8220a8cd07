"""builder/build-python.sh: the builder's Python for Nuitka. The distribution's when it
ships a static libpython (Debian); otherwise (EL) CPython of the same minor version built
static from a pinned, checksummed tarball. python3, curl and make are fakes here: python3
reports a version and whether it has a static libpython, curl copies a local tarball, the
tarball's configure records its options and make "installs" the interpreter."""

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "builder", "build-python.sh")
HOST_TOOLS = ["bash", "dirname", "cat", "mktemp", "rm", "tail", "sha256sum", "tar", "gzip", "getconf", "mkdir", "chmod"]
# What the script pins for EL9's python3 (3.9) and EL10's (3.12).
PINNED = {"3.9": ("3.9.21", "667c3ba2ca98d39ead1162f6548c3475768582e2ff89e0821d25eb956ac09944"),
          "3.12": ("3.12.9", "45313e4c5f0e8acdec9580161d565cf5fea578e3eabf25df7cc6355bf4afa1ee")}

FAKE_PYTHON = textwrap.dedent("""\
    #!/bin/sh
    # the distribution's python3: "VERSION STATIC EXECUTABLE"
    echo "$FAKE_PY_VERSION $FAKE_PY_STATIC /usr/bin/python3"
    """)
FAKE_CURL = textwrap.dedent("""\
    #!/bin/sh
    while [ $# -gt 0 ]; do
        case $1 in -o) out=$2; shift ;; esac
        last=$1
        shift
    done
    echo "$last" >>"$CALLS"
    cat "$FIXTURE_TARBALL" >"$out"
    """)
FAKE_MAKE = textwrap.dedent("""\
    #!/bin/sh
    # make -C SRC [-j N] [install]: "install" creates PREFIX/bin/pythonX.Y
    src=$2
    echo "make $*" >>"$CALLS"
    case " $* " in
        *" install "*)
            prefix=$(cat "$src/prefix")
            mkdir -p "$prefix/bin"
            printf '#!/bin/sh\\n' >"$prefix/bin/python$(cat "$src/minor")"
            chmod 0755 "$prefix/bin/python$(cat "$src/minor")"
            ;;
    esac
    """)
CONFIGURE = """#!/bin/sh
echo "configure $*" >>"$CALLS"
for option in "$@"; do
    case $option in --prefix=*) echo "${option#--prefix=}" >prefix ;; esac
done
"""


def python_tarball(version):
    data = io.BytesIO()
    minor = version.rsplit(".", 1)[0]
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        for name, content, mode in (("configure", CONFIGURE.encode(), 0o755), ("minor", minor.encode(), 0o644)):
            info = tarfile.TarInfo("Python-%s/%s" % (version, name))
            info.size, info.mode = len(content), mode
            archive.addfile(info, io.BytesIO(content))
    return data.getvalue()


@pytest.fixture
def run(tmp_path):
    def run_script(py_version, static, tarball=b"", **env_extra):
        bin_dir = tmp_path / "bin"
        shutil.rmtree(bin_dir, ignore_errors=True)
        bin_dir.mkdir()
        for name, text in (("python3", FAKE_PYTHON), ("curl", FAKE_CURL), ("make", FAKE_MAKE)):
            (bin_dir / name).write_text(text)
            (bin_dir / name).chmod(0o755)
        for name in HOST_TOOLS:
            os.symlink(shutil.which(name), bin_dir / name)
        (tmp_path / "python.tgz").write_bytes(tarball)
        env = {"PATH": str(bin_dir), "TMPDIR": str(tmp_path), "CALLS": str(tmp_path / "calls"),
               "FIXTURE_TARBALL": str(tmp_path / "python.tgz"), "FAKE_PY_VERSION": py_version,
               "FAKE_PY_STATIC": "1" if static else "0"}
        env.update(env_extra)
        result = subprocess.run([str(bin_dir / "bash"), SCRIPT, str(tmp_path / "prefix"), str(tmp_path / "out")],
                                env=env, capture_output=True, text=True, timeout=60)
        calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
        out = (tmp_path / "out").read_text().strip() if (tmp_path / "out").exists() else None
        return result, calls, out
    return run_script


def test_system_python_with_static_libpython_is_used_as_it_is(run):
    result, calls, out = run("3.11.2", static=True)
    assert result.returncode == 0, result.stderr
    assert out == "/usr/bin/python3"
    assert calls == [], "nothing downloaded or built"


@pytest.mark.parametrize("system_version", ["3.9.23", "3.12.9"])
def test_without_static_libpython_the_pinned_release_of_its_minor_is_built(run, tmp_path, system_version):
    minor = system_version.rsplit(".", 1)[0]
    version, sha256 = PINNED[minor]
    tarball = python_tarball(version)
    assert hashlib.sha256(tarball).hexdigest() != sha256  # the fixture is not python.org's tarball
    result, calls, _ = run(system_version, static=False, tarball=tarball)
    assert result.returncode == 1
    assert "checksum mismatch for https://www.python.org/ftp/python/%s/Python-%s.tgz" % (version, version) in result.stderr
    assert not (tmp_path / "prefix").exists() and not (tmp_path / "out").exists()


def test_builds_static_into_prefix_and_names_the_interpreter(run, tmp_path):
    tarball = python_tarball("3.9.21")
    result, calls, out = run("3.9.23", static=False, tarball=tarball, CPYTHON_VERSION="3.9.21",
                             CPYTHON_SHA256=hashlib.sha256(tarball).hexdigest(),
                             CPYTHON_URL="https://mirror.example/Python-3.9.21.tgz")
    assert result.returncode == 0, result.stderr
    assert out == str(tmp_path / "prefix" / "bin" / "python3.9")
    assert os.access(out, os.X_OK)
    assert calls[0] == "https://mirror.example/Python-3.9.21.tgz"
    configure = calls[1]
    assert "--prefix=%s" % (tmp_path / "prefix") in configure and "--disable-shared" in configure
    assert [call.split()[-1] for call in calls[2:]][-1] == "install"
    assert "CPython 3.9.21, static libpython" in result.stdout


def test_version_override_needs_its_checksum(run):
    result, calls, out = run("3.9.23", static=False, CPYTHON_VERSION="3.9.22")
    assert result.returncode == 1 and "needs CPYTHON_SHA256" in result.stderr
    assert calls == [] and out is None


def test_override_of_another_minor_version_is_refused(run):
    result, calls, _ = run("3.9.23", static=False, CPYTHON_VERSION="3.12.9", CPYTHON_SHA256="0" * 64)
    assert result.returncode == 1 and "not the distribution's minor version 3.9" in result.stderr
    assert calls == []


def test_minor_version_without_a_pin_is_a_clear_error(run):
    result, calls, _ = run("3.10.12", static=False)
    assert result.returncode == 1
    assert "no CPython release pinned for Python 3.10" in result.stderr and "CPYTHON_VERSION" in result.stderr
    assert calls == []


def test_system_asked_for_but_not_static_fails(run):
    result, calls, out = run("3.9.23", static=False, BUILD_PYTHON_FROM="system")
    assert result.returncode == 1 and "has no static libpython" in result.stderr
    assert out is None


def test_bad_mode_is_named(run):
    result, _, _ = run("3.9.23", static=False, BUILD_PYTHON_FROM="sometimes")
    assert result.returncode == 1 and "BUILD_PYTHON_FROM must be system, source or auto" in result.stderr
