"""image/install.sh, the runner of image steps: order, disable flags, cleanup, refusal to
run outside an image build. Runs a copy of the runner over fake steps with a fake apt-get;
no Docker."""

import os
import shutil
import subprocess

import pytest

from paths import ROOT

DEBIAN_OS_RELEASE = 'ID=debian\nVERSION_ID="12"\n'


def write_script(path, body):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + body)


@pytest.fixture
def tree(tmp_path):
    """A copy of image/install.sh and lib/ with fake steps that log their names; returns
    run(env_overrides) -> CompletedProcess and the log path."""
    image = tmp_path / "image"
    (image / "lib").mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "image", "install.sh"), image / "install.sh")
    shutil.copy(os.path.join(ROOT, "image", "lib", "distro.sh"), image / "lib" / "distro.sh")
    log = tmp_path / "steps.log"
    record = 'echo "%s $DISTRO_FAMILY $(pkg_name cron) ${PWD##*/}" >>"$STEP_LOG"\n'
    write_script(image / "base" / "20-second" / "install.sh", record % "base-20")
    write_script(image / "base" / "10-first" / "install.sh", record % "base-10")
    write_script(image / "locale" / "install.sh", record % "locale")
    write_script(image / "services" / "beta" / "install.sh", record % "beta")
    write_script(image / "services" / "alpha" / "install.sh", record % "alpha")
    (image / "services" / "alpha" / "disable-flag").write_text("DISABLE_ALPHA\n")
    (image / "services" / "notes").mkdir()  # a folder without install.sh is not a step
    fake_bin = tmp_path / "bin"
    write_script(fake_bin / "apt-get", 'echo "apt-get $*" >>"$STEP_LOG"\n')
    (fake_bin / "apt-get").chmod(0o755)
    (tmp_path / "os-release").write_text(DEBIAN_OS_RELEASE)
    for directory in ("lists", "apt-cache"):
        (tmp_path / directory).mkdir()
    (tmp_path / "lists" / "x_Packages").write_text("")
    (tmp_path / "service").mkdir()

    def run(**overrides):
        env = {
            "PATH": "%s:/usr/bin:/bin" % fake_bin,
            "OS_RELEASE": str(tmp_path / "os-release"),
            "APT_LISTS_DIR": str(tmp_path / "lists"),
            "APT_CACHE_DIR": str(tmp_path / "apt-cache"),
            "STEP_LOG": str(log),
            "IMAGE_SERVICE_DIR": str(tmp_path / "service"),
            "IMAGE_BUILD": "1",
        }
        env.update(overrides)
        return subprocess.run(["bash", str(image / "install.sh")], env=env, capture_output=True,
                              text=True, timeout=60)

    run.log = log
    run.image = image
    run.tmp_path = tmp_path
    return run


def test_runs_base_then_other_steps_then_services_in_lexical_order(tree):
    result = tree()
    assert result.returncode == 0, result.stderr
    assert tree.log.read_text().splitlines() == [
        "apt-get update -qq",
        "base-10 debian cron 10-first",
        "base-20 debian cron 20-second",
        "locale debian cron locale",
        "alpha debian cron alpha",
        "beta debian cron beta",
        "apt-get clean",
    ]


def test_cleans_package_lists_and_removes_itself(tree):
    result = tree()
    assert result.returncode == 0, result.stderr
    assert not tree.image.exists()
    assert os.listdir(tree.tmp_path / "lists") == []


def test_a_service_whose_flag_is_1_is_skipped(tree):
    result = tree(DISABLE_ALPHA="1")
    assert result.returncode == 0, result.stderr
    steps = [line.split()[0] for line in tree.log.read_text().splitlines()]
    assert "alpha" not in steps and "beta" in steps
    assert "services/alpha skipped (DISABLE_ALPHA=1)" in result.stdout


@pytest.mark.parametrize("value", ["2", "yes", " 1"])
def test_a_bad_flag_value_fails_before_anything_is_installed(tree, value):
    result = tree(DISABLE_ALPHA=value)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == "install.sh: DISABLE_ALPHA must be 0 or 1, got '%s'" % value
    assert not tree.log.exists()


def test_a_bad_disable_flag_file_names_the_file(tree):
    (tree.image / "services" / "beta" / "disable-flag").write_text("rm -rf /\n")
    result = tree()
    assert result.returncode != 0
    assert "services/beta/disable-flag: expected a name like DISABLE_SYSLOG, got 'rm -rf /'" in result.stderr


def test_a_failing_step_fails_the_build_and_names_it(tree):
    write_script(tree.image / "base" / "20-second" / "install.sh", "exit 3\n")
    result = tree()
    assert result.returncode != 0
    assert "step %s failed" % (tree.image / "base" / "20-second" / "install.sh") in result.stderr
    steps = [line.split()[0] for line in tree.log.read_text().splitlines()]
    assert "locale" not in steps and "beta" not in steps


def test_refuses_to_run_outside_an_image_build(tree):
    result = tree(IMAGE_BUILD="")
    assert result.returncode != 0
    assert "IMAGE_BUILD=1" in result.stderr
    assert not tree.log.exists()
    assert tree.image.exists()


def test_service_supervise_directories_are_linked_into_run(tree):
    service = tree.tmp_path / "service"
    (service / "plain").mkdir()
    (service / "logged" / "log").mkdir(parents=True)
    (service / "kept").mkdir()
    os.symlink("/elsewhere", service / "kept" / "supervise")
    result = tree()
    assert result.returncode == 0, result.stderr
    assert os.readlink(service / "plain" / "supervise") == "/run/runit/supervise.plain"
    assert os.readlink(service / "logged" / "supervise") == "/run/runit/supervise.logged"
    assert os.readlink(service / "logged" / "log" / "supervise") == "/run/runit/supervise.logged.log"
    assert os.readlink(service / "kept" / "supervise") == "/elsewhere"  # an existing one is kept
