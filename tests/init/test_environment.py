"""The container environment: import from /etc/container_environment, export to it and
to the .sh and .json dumps, with upstream's formats and safe permissions."""

import json
import os
import stat
import subprocess

PRINT_ENV = ["sh", "-c", "env -0 > /etc/seen-env"]
DOCKER_ENV_GID = 8377


def seen_env(init):
    raw = (init.etc / "seen-env").read_bytes()
    return dict(item.split(b"=", 1) for item in raw.split(b"\0") if item)


def test_file_becomes_variable_with_one_trailing_newline_stripped(init):
    init.write("container_environment/ONE", "value\n", mode=0o644)
    init.write("container_environment/TWO", "value\n\n", mode=0o644)
    init.write("container_environment/NONE", "value", mode=0o644)
    assert init.run(command=PRINT_ENV) == 0
    env = seen_env(init)
    assert env[b"ONE"] == b"value"
    assert env[b"TWO"] == b"value\n"
    assert env[b"NONE"] == b"value"


def test_docker_env_is_exported_to_directory_and_dumps(init):
    assert init.run(command=["true"], env={"FOO": "bar", "MULTI": "a b'c\nd"}) == 0
    directory = init.etc / "container_environment"
    assert (directory / "FOO").read_text() == "bar"
    assert (directory / "MULTI").read_text() == "a b'c\nd"
    shell = (init.etc / "container_environment.sh").read_text()
    assert "export FOO='bar'\n" in shell
    # The dump is valid sh that gives back the exact value.
    result = subprocess.run(["sh", "-c", ". %s; printf %%s \"$MULTI\"" % (init.etc / "container_environment.sh")],
                            capture_output=True, check=True)
    assert result.stdout == b"a b'c\nd"
    dump = json.loads((init.etc / "container_environment.json").read_text())
    assert dump["FOO"] == "bar" and dump["MULTI"] == "a b'c\nd"


def test_docker_env_wins_over_an_existing_file_at_boot(init):
    init.write("container_environment/FOO", "from file", mode=0o644)
    assert init.run(command=PRINT_ENV, env={"FOO": "from docker"}) == 0
    assert seen_env(init)[b"FOO"] == b"from docker"
    assert (init.etc / "container_environment" / "FOO").read_text() == "from docker"


def test_per_user_names_are_left_out_of_the_dumps(init):
    env = {"HOME": "/root", "USER": "root", "GROUP": "g", "UID": "0", "GID": "0", "SHELL": "/bin/sh",
           "KEPT": "yes"}
    assert init.run(command=["true"], env=env) == 0
    names = set(os.listdir(init.etc / "container_environment"))
    assert "KEPT" in names
    assert not names & {"HOME", "USER", "GROUP", "UID", "GID", "SHELL"}
    shell = (init.etc / "container_environment.sh").read_text()
    assert "export HOME=" not in shell and "export KEPT='yes'" in shell


def test_shell_dump_sanitises_names(init):
    init.write("container_environment/my.var-name", "x", mode=0o644)
    init.write("container_environment/9lives", "y", mode=0o644)
    assert init.run(command=["true"]) == 0
    shell = (init.etc / "container_environment.sh").read_text()
    assert "export my_var_name='x'\n" in shell
    assert "export _9lives='y'\n" in shell
    subprocess.run(["sh", "-n", str(init.etc / "container_environment.sh")], check=True)


def test_invalid_names_are_skipped_with_a_warning_naming_the_file(init):
    init.write("container_environment/A=B", "x", mode=0o644)
    init.write("container_environment/NULVALUE", b"a\0b", mode=0o644)
    init.write("container_environment/GOOD", "ok", mode=0o644)
    assert init.run(command=PRINT_ENV) == 0
    assert "/etc/container_environment/A=B: '=' in name" in init.stderr
    assert "/etc/container_environment/NULVALUE: NUL in value" in init.stderr
    env = seen_env(init)
    assert env[b"GOOD"] == b"ok"
    assert b"A" not in env and b"NULVALUE" not in env


def test_binary_values_are_preserved(init):
    value = bytes(range(1, 256))
    init.write("container_environment/BINARY", value, mode=0o644)
    assert init.run(command=PRINT_ENV) == 0
    assert seen_env(init)[b"BINARY"] == value
    assert (init.etc / "container_environment" / "BINARY").read_bytes() == value
    result = subprocess.run(["sh", "-c", ". %s; printf %%s \"$BINARY\"" % (init.etc / "container_environment.sh")],
                            capture_output=True, check=True)
    assert result.stdout == value
    json.loads((init.etc / "container_environment.json").read_bytes())


def test_permissions_of_new_dumps(init):
    init.add_group("docker_env", DOCKER_ENV_GID)
    (init.etc / "container_environment").rmdir()  # the init creates it
    assert init.run(command=["true"], env={"FOO": "bar"}) == 0
    directory = init.etc / "container_environment"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for dump in ("container_environment.sh", "container_environment.json", "container_environment/FOO"):
        info = (init.etc / dump).stat()
        assert stat.S_IMODE(info.st_mode) == 0o640, dump
        assert (info.st_uid, info.st_gid) == (0, DOCKER_ENV_GID), dump


def test_rewrite_keeps_the_modes_it_finds(init):
    init.write("container_environment.sh", "old", mode=0o644)
    init.write("container_environment.json", "{}", mode=0o604)
    assert init.run(command=["true"], env={"FOO": "bar"}) == 0
    assert stat.S_IMODE((init.etc / "container_environment.sh").stat().st_mode) == 0o644
    assert stat.S_IMODE((init.etc / "container_environment.json").stat().st_mode) == 0o604
    assert "FOO" in (init.etc / "container_environment.sh").read_text()


def test_new_variable_files_in_an_opened_directory_are_readable_by_all(init):
    """The README's "open them up": a directory made readable by others gets new variable
    files readable by others; the dumps keep the modes found."""
    init.add_group("docker_env", DOCKER_ENV_GID)
    os.chmod(init.etc / "container_environment", 0o755)
    init.write("container_environment.sh", "", mode=0o644)
    init.write("container_environment.json", "{}", mode=0o644)
    assert init.run(command=["true"], env={"FOO": "bar"}) == 0
    assert stat.S_IMODE((init.etc / "container_environment/FOO").stat().st_mode) == 0o644
    assert stat.S_IMODE((init.etc / "container_environment").stat().st_mode) == 0o755
    for dump in ("container_environment.sh", "container_environment.json"):
        assert stat.S_IMODE((init.etc / dump).stat().st_mode) == 0o644, dump


def test_no_temporary_files_are_left(init):
    assert init.run(command=["true"], env={"FOO": "bar"}) == 0
    leftovers = [n for n in os.listdir(init.etc) + os.listdir(init.etc / "container_environment")
                 if n.startswith(".my_init-tmp")]
    assert leftovers == []


def test_shell_dump_is_linked_into_profile_d(init):
    assert init.run(command=["true"]) == 0
    link = init.etc / "profile.d" / "container_environment.sh"
    assert os.readlink(link) == "/etc/container_environment.sh"


def test_values_are_never_logged(init):
    secret = "s3cr3t-value-42"
    init.write("container_environment/BAD=NAME", secret, mode=0o644)
    init.write("my_init.d/10-x", "#!/bin/sh\ntrue\n")
    assert init.run(args=["-v"], command=["true"], env={"PASSWORD": secret}) == 0
    assert secret not in init.stderr
    assert secret not in init.stdout
