"""make_fresh_directory (runtime.py): the one way my_init gives a directory under /run a
fresh start at boot (/run/my_init, the runit scan directory, /run/container_environment)."""

import os
import stat

import pytest

from my_init.runtime import make_fresh_directory


def test_a_missing_directory_is_made_with_the_mode(tmp_path):
    path = tmp_path / "run" / "fresh"
    old_umask = os.umask(0o022)
    try:
        make_fresh_directory(str(path), 0o750)
    finally:
        os.umask(old_umask)
    assert path.is_dir() and os.listdir(path) == []
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750


@pytest.mark.parametrize("kind", [str, os.fsencode], ids=["str", "bytes"])
def test_files_and_links_of_an_earlier_start_go_subdirectories_stay(tmp_path, kind):
    (tmp_path / "file").write_text("old")
    (tmp_path / "link").symlink_to("/nonexistent-target")
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "inside").write_text("kept")
    make_fresh_directory(kind(str(tmp_path)), 0o755)
    assert sorted(os.listdir(tmp_path)) == ["kept"]
    assert (tmp_path / "kept" / "inside").read_text() == "kept"


def test_a_file_in_the_way_raises(tmp_path):
    (tmp_path / "taken").write_text("a file, not a directory")
    with pytest.raises(OSError):
        make_fresh_directory(str(tmp_path / "taken"), 0o755)
    assert (tmp_path / "taken").read_text() == "a file, not a directory"
