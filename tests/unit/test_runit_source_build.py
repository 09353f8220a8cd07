"""image/builder/runit.sh's source path (the EL bases): download, checksum, unpack, build the
five tools, with only the tools a minimal EL image has on PATH (no findutils). curl and
make are fakes: curl copies a local tarball laid out like runit's, make creates the tools."""

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import textwrap

import pytest

from paths import ROOT

RUNIT_SH = os.path.join(ROOT, "image", "builder", "runit.sh")
TOOLS = ["runsvdir", "runsv", "sv", "svlogd", "chpst"]
# What coreutils-single, tar, gzip and bash give a minimal EL image (find is not there).
HOST_TOOLS = ["bash", "cat", "dirname", "mktemp", "mkdir", "rm", "install", "tail", "sha256sum", "tar", "gzip",
              "basename", "chmod"]

FAKE_CURL = textwrap.dedent("""\
    #!/bin/sh
    # curl ... -o FILE URL: copy the fixture tarball to FILE.
    while [ $# -gt 0 ]; do
        case $1 in -o) out=$2; shift ;; esac
        shift
    done
    cat "$FIXTURE_TARBALL" >"$out"
    """)
FAKE_MAKE = textwrap.dedent("""\
    #!/bin/sh
    # make -C SRC TOOL...: "build" each tool as a script naming the compiler config used.
    [ "$1" = -C ] || exit 2
    src=$2; shift 2
    for tool in "$@"; do
        printf '#!/bin/sh\\n# %s\\n' "$(cat "$src/conf-cc")" >"$src/$tool"
        chmod 0755 "$src/$tool"
    done
    """)


def runit_tarball(top):
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        info = tarfile.TarInfo(top + "/src/Makefile")
        content = b"# runit\n"
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return data.getvalue()


@pytest.fixture
def build(tmp_path):
    def run(tarball_bytes, sha256=None):
        tarball = tmp_path / "runit.tar.gz"
        tarball.write_bytes(tarball_bytes)
        bin_dir = tmp_path / "bin"
        shutil.rmtree(bin_dir, ignore_errors=True)
        bin_dir.mkdir()
        for name, text in (("curl", FAKE_CURL), ("make", FAKE_MAKE)):
            (bin_dir / name).write_text(text)
            (bin_dir / name).chmod(0o755)
        for name in HOST_TOOLS:
            os.symlink(shutil.which(name), bin_dir / name)
        os_release = tmp_path / "os-release"
        os_release.write_text('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.6"\n')
        env = {"PATH": str(bin_dir), "OS_RELEASE": str(os_release), "FIXTURE_TARBALL": str(tarball),
               "TMPDIR": str(tmp_path), "RUNIT_URL": "https://mirror.example/runit-2.1.2.tar.gz",
               "RUNIT_SHA256": sha256 or hashlib.sha256(tarball_bytes).hexdigest()}
        return subprocess.run([str(bin_dir / "bash"), RUNIT_SH, str(tmp_path / "out")], env=env,
                              capture_output=True, text=True, timeout=60)
    return run


@pytest.mark.parametrize("top", ["admin/runit-2.1.2", "runit-2.1.2"])
def test_builds_the_five_tools_without_find(build, tmp_path, top):
    result = build(runit_tarball(top))
    assert result.returncode == 0, result.stderr
    assert "*** runit tools (source)" in result.stdout
    for tool in TOOLS:
        built = tmp_path / "out" / tool
        assert os.access(built, os.X_OK)
        assert "-Wno-error=implicit-int" in built.read_text()


def test_checksum_mismatch_is_a_one_line_error(build, tmp_path):
    result = build(runit_tarball("admin/runit-2.1.2"), sha256="0" * 64)
    assert result.returncode != 0
    assert "checksum mismatch for https://mirror.example/runit-2.1.2.tar.gz" in result.stderr
    assert not (tmp_path / "out" / "sv").exists()


def test_tarball_without_a_src_directory_names_the_url(build):
    result = build(runit_tarball("something-else"))
    assert result.returncode != 0
    assert "no runit-*/src directory in https://mirror.example/runit-2.1.2.tar.gz" in result.stderr
