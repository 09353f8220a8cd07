"""setuser USER COMMAND: runs the command as USER with its HOME/USER/LOGNAME."""

import pytest


@pytest.fixture
def setuser(init):
    def run(*args):
        return init.run(argv=init.variant.setuser(), args=list(args), pid_namespace=True)
    return run


def test_runs_command_as_user_with_its_home(init, setuser):
    assert setuser("nobody", "sh", "-c", "echo $(id -u):$(id -g):$HOME:$USER:$LOGNAME") == 0
    assert init.stdout.strip() == "65534:65534:/nonexistent:nobody:nobody"


def test_supplementary_groups_come_from_the_group_file(init, setuser):
    init.write("group", open("/etc/group").read() + "extra:x:4242:nobody\n", mode=0o644)
    assert setuser("nobody", "id", "-G") == 0
    assert "4242" in init.stdout.split()


def test_unknown_user(init, setuser):
    assert setuser("no-such-user", "true") == 1
    assert init.stderr == "setuser: user no-such-user not found\n"


def test_missing_command(init, setuser):
    assert setuser("nobody", "no-such-command") == 127
    assert init.stderr == "setuser: cannot run no-such-command: No such file or directory\n"


def test_not_executable(init, setuser):
    init.write("plain-file", "#!/bin/sh\n", mode=0o644)
    assert setuser("nobody", "/etc/plain-file") == 126
    assert "cannot run /etc/plain-file: Permission denied" in init.stderr


@pytest.mark.parametrize("args", [[], ["nobody"]])
def test_usage(init, setuser, args):
    assert setuser(*args) == 2
    assert init.stderr.startswith("usage: setuser USER COMMAND")
