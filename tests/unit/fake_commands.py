"""Fake commands for the unit tests of the set-up scripts (test_setup_host.py,
test_setup_podman.py): a PATH of their own holding the real tools the script runs and
shell scripts standing in for the rest."""

import os
import shutil
import textwrap


def fake(path, body):
    """PATH, an executable shell script running BODY (dedented)."""
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)


def fresh_bin(tmp_path, tools, uid):
    """TMP_PATH/bin made anew: links to the real TOOLS, and an `id` that says UID."""
    bin_dir = tmp_path / "bin"
    shutil.rmtree(bin_dir, ignore_errors=True)
    bin_dir.mkdir()
    for name in tools:
        os.symlink(shutil.which(name), bin_dir / name)
    fake(bin_dir / "id", "echo %d\n" % uid)
    return bin_dir
