"""No variable given to the container is dropped because the environment directory
cannot be read or written (a non-root user, a read-only root): the main command, the
startup scripts and the services see every `docker run -e` variable. Where /etc cannot
be written, the exports go to /run/container_environment and the dumps follow the image's
links into /run."""

import os
import stat

import pytest

SHOW_V = ["sh", "-c", 'printf "V=%s W=%s" "$V" "$W"']
SCRIPT = "#!/bin/sh\necho \"script V=$V\" >&2\n"


@pytest.mark.parametrize("skip_startup_files", [False, True], ids=["scripts", "no-scripts"])
def test_non_root_keeps_the_variables_it_cannot_export(init, skip_startup_files):
    init.write("my_init.d/10-script", SCRIPT)
    args = ["--skip-startup-files"] if skip_startup_files else []
    assert init.run(args=args, command=SHOW_V, user="nobody", env={"V": "1", "W": "two words"}) == 0
    assert init.stdout == "V=1 W=two words", init.stderr
    if not skip_startup_files:
        assert "script V=1" in init.stderr


def test_unreadable_directory_keeps_the_variables(init):
    """The directory is root's 0700: nobody cannot list it, at boot or after a script."""
    init.write("container_environment/DEFINED", "in the image", mode=0o600)
    init.write("my_init.d/10-a", SCRIPT)
    init.write("my_init.d/20-b", SCRIPT)
    assert init.run(command=SHOW_V, user="nobody", env={"V": "1"}) == 0
    assert init.stdout == "V=1 W=", init.stderr
    assert init.stderr.count("script V=1") == 2
    assert init.stderr.count("cannot read /etc/container_environment") == 1


def test_readable_but_read_only_directory_exports_to_run(init):
    """A directory nobody may read but not write: definitions imported, everything
    exported to /run/container_environment (when /run is the user's, as with
    `--tmpfs /run:uid=...`)."""
    os.chmod(init.etc / "container_environment", 0o755)
    init.write("container_environment/DEFINED", "in the image", mode=0o644)
    os.chown(init.run_dir, 65534, 65534)
    init.write("my_init.d/10-script", SCRIPT)
    show = ["sh", "-c", 'printf "V=%s DEFINED=%s" "$V" "$DEFINED"']
    assert init.run(command=show, user="nobody", env={"V": "1"}) == 0
    assert init.stdout == "V=1 DEFINED=in the image", init.stderr
    runtime = init.run_dir / "container_environment"
    assert (runtime / "V").read_text() == "1"
    assert (runtime / "DEFINED").read_text() == "in the image"
    # The runtime directory takes the mode the image gave the real one.
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o755
    assert "goes to /run/container_environment" in init.stderr


def test_read_only_etc_exports_to_run_and_scripts_can_change_it(init):
    init.write("container_environment/DEFINED", "in the image", mode=0o644)
    init.write("container_environment/REMOVED", "to be removed", mode=0o644)
    # The image links the dumps into /run, and the .sh dump into profile.d (image/base/10-system).
    os.symlink("/run/container_environment.sh", init.etc / "container_environment.sh")
    os.symlink("/run/container_environment.json", init.etc / "container_environment.json")
    (init.etc / "profile.d").mkdir()
    os.symlink("/etc/container_environment.sh", init.etc / "profile.d" / "container_environment.sh")
    init.write("my_init.d/10-change",
               "#!/bin/sh\nset -e\nprintf added > /run/container_environment/ADDED\n"
               "rm /run/container_environment/REMOVED\n")
    show = ["sh", "-c", '. /etc/container_environment.sh; '
                        'printf "V=%s DEFINED=%s ADDED=%s REMOVED=%s" "$V" "$DEFINED" "$ADDED" "${REMOVED-unset}"']
    code = init.run(command=show, env={"V": "1"}, read_only_etc=True)
    assert code == 0, init.stderr
    assert init.stdout == "V=1 DEFINED=in the image ADDED=added REMOVED=unset", init.stderr
    assert "/etc/container_environment: read-only file system; the container environment goes to " \
           "/run/container_environment" in init.stderr
    assert "WARNING" not in init.stderr
    dump = (init.run_dir / "container_environment.sh").read_text()
    assert "export V='1'\n" in dump and "export ADDED='added'\n" in dump and "REMOVED" not in dump
    assert stat.S_IMODE((init.run_dir / "container_environment.sh").stat().st_mode) == 0o640
    assert (init.run_dir / "container_environment.json").exists()
    # Nothing under the read-only /etc changed.
    assert sorted(os.listdir(init.etc / "container_environment")) == ["DEFINED", "REMOVED"]


def test_read_only_etc_with_nothing_writable_keeps_the_variables(init):
    """--read-only without a writable /run, as a user who cannot write /run: one warning
    for the export, and every variable still reaches the scripts and the main command."""
    init.write("container_environment/DEFINED", "in the image", mode=0o644)
    os.chmod(init.etc / "container_environment", 0o755)
    init.write("my_init.d/10-script", SCRIPT)
    show = ["sh", "-c", 'printf "V=%s DEFINED=%s" "$V" "$DEFINED"']
    assert init.run(command=show, user="nobody", env={"V": "1"}, read_only_etc=True) == 0
    assert init.stdout == "V=1 DEFINED=in the image", init.stderr
    assert "script V=1" in init.stderr
    warnings = [line for line in init.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "export skipped" in warnings[0], init.stderr
    assert "/run/container_environment" in warnings[0]


def test_writable_directory_still_drops_a_deleted_variable(init):
    """The drop after a startup script still works where the directory is writable."""
    init.write("my_init.d/10-remove", "#!/bin/sh\nrm /etc/container_environment/V\n")
    assert init.run(command=SHOW_V, env={"V": "1", "W": "2"}) == 0
    assert init.stdout == "V= W=2", init.stderr


def test_dumps_linked_elsewhere_are_written_through_the_link(init):
    os.symlink("/run/container_environment.sh", init.etc / "container_environment.sh")
    assert init.run(command=["true"], env={"V": "1"}) == 0
    assert os.readlink(init.etc / "container_environment.sh") == "/run/container_environment.sh"
    assert "export V='1'\n" in (init.run_dir / "container_environment.sh").read_text()
    # The directory itself stays where it is writable: /etc.
    assert (init.etc / "container_environment" / "V").read_text() == "1"
    assert not (init.run_dir / "container_environment").exists()


def test_world_readable_directory_gives_world_readable_dumps(init):
    os.chmod(init.etc / "container_environment", 0o755)
    assert init.run(command=["true"], env={"V": "1"}) == 0
    for path in ("container_environment.sh", "container_environment.json", "container_environment/V"):
        assert stat.S_IMODE((init.etc / path).stat().st_mode) == 0o644, path
