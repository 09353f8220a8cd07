"""Startup files: /etc/my_init.d/* in lexical order, then /etc/rc.local; a failure stops
the boot; the environment written by one script is seen by the next."""

import pytest

LOG_STEP = "#!/bin/sh\necho %s >> /etc/steps\n"


def steps(init):
    path = init.etc / "steps"
    return path.read_text().split() if path.exists() else []


def test_scripts_run_in_lexical_order_then_rc_local(init):
    for name in ("20-b", "10-a", "30-c"):
        init.write("my_init.d/" + name, LOG_STEP % name)
    init.write("rc.local", LOG_STEP % "rc.local")
    assert init.run(command=["sh", "-c", "echo main >> /etc/steps"]) == 0
    assert steps(init) == ["10-a", "20-b", "30-c", "rc.local", "main"]
    assert "*** Running /etc/my_init.d/10-a..." in init.stderr
    assert "*** Running /etc/rc.local..." in init.stderr


def test_non_executable_files_are_skipped(init):
    init.write("my_init.d/10-run", LOG_STEP % "10-run")
    init.write("my_init.d/20-skip", LOG_STEP % "20-skip", mode=0o644)
    init.write("rc.local", LOG_STEP % "rc.local", mode=0o644)
    (init.etc / "my_init.d" / "30-directory").mkdir()
    assert init.run(command=["true"]) == 0
    assert steps(init) == ["10-run"]


@pytest.mark.parametrize("status", [1, 3])
def test_failing_script_stops_boot(init, status):
    init.write("my_init.d/10-ok", LOG_STEP % "10-ok")
    init.write("my_init.d/20-fail", "#!/bin/sh\nexit %d\n" % status)
    init.write("my_init.d/30-never", LOG_STEP % "30-never")
    assert init.run(command=["sh", "-c", "echo main >> /etc/steps"]) == 1
    assert steps(init) == ["10-ok"]
    assert "/etc/my_init.d/20-fail failed with status %d" % status in init.stderr


def test_failing_rc_local_stops_boot(init):
    init.write("rc.local", "#!/bin/sh\nexit 5\n")
    assert init.run(command=["true"]) == 1
    assert "/etc/rc.local failed with status 5" in init.stderr


def test_script_that_cannot_run_is_named(init):
    init.write("my_init.d/10-bad-interpreter", "#!/nonexistent/interpreter\n")
    assert init.run(command=["true"]) == 127
    assert "cannot run /etc/my_init.d/10-bad-interpreter" in init.stderr


def test_environment_file_added_by_a_script_is_seen_by_the_next(init):
    init.write("my_init.d/10-define", "#!/bin/sh\nprintf 'from script\\n' > /etc/container_environment/ADDED\n")
    init.write("my_init.d/20-use", "#!/bin/sh\necho \"$ADDED\" > /etc/seen\n")
    assert init.run(command=["sh", "-c", "echo \"$ADDED\" > /etc/seen-by-main"]) == 0
    assert (init.etc / "seen").read_text() == "from script\n"
    assert (init.etc / "seen-by-main").read_text() == "from script\n"
    assert "export ADDED='from script'" in (init.etc / "container_environment.sh").read_text()


def test_variable_removed_by_a_script_is_gone_for_the_next(init):
    init.write("my_init.d/10-remove", "#!/bin/sh\nrm /etc/container_environment/DROPPED\n")
    assert init.run(command=["sh", "-c", "echo \"${DROPPED-unset}\" > /etc/seen"],
                    env={"DROPPED": "x"}) == 0
    assert (init.etc / "seen").read_text() == "unset\n"


def test_skip_startup_files(init):
    init.write("my_init.d/10-a", LOG_STEP % "10-a")
    init.write("rc.local", LOG_STEP % "rc.local")
    assert init.run(args=["--skip-startup-files"], command=["true"]) == 0
    assert steps(init) == []


def test_enable_insecure_key_runs_the_installer_first(init):
    installer = init.sbin / "enable_insecure_key"
    installer.write_text(LOG_STEP % "insecure-key")
    installer.chmod(0o755)
    init.write("my_init.d/10-a", LOG_STEP % "10-a")
    assert init.run(args=["--enable-insecure-key"], command=["true"]) == 0
    assert steps(init) == ["insecure-key", "10-a"]


def test_enable_insecure_key_without_installer_fails_boot(init):
    assert init.run(args=["--enable-insecure-key"], command=["true"]) == 127
    assert "cannot run /usr/sbin/enable_insecure_key" in init.stderr
