"""tools/setup-host.sh, the set-up `make build` and `make test` run: it installs only what is
missing, and where it cannot (not root, no apt-get, no dpkg) it fails in one line naming
what is missing. Runs the script with fake dpkg-query, apt-get, docker, dockerd and id on a
PATH of their own; no package is installed and no engine started."""

import os
import subprocess

import pytest
from fake_commands import fake, fresh_bin

from paths import ROOT

SETUP_HOST = os.path.join(ROOT, "tools", "setup-host.sh")
# What the script itself runs, besides the fakes.
HOST_TOOLS = ["bash", "dirname", "setsid", "tail", "sleep", "grep", "cat", "mkdir", "touch", "sed", "mktemp", "cp", "rm", "chmod"]
TEST_PACKAGES = ["tini", "dumb-init", "debootstrap", "patchelf", "ccache", "procps", "psmisc", "locales",
                 "openssh-client", "ca-certificates", "make", "gcc", "patch", "python3-venv", "podman", "busybox-static",
                 "musl-tools", "binutils", "bzip2", "hyperfine", "docker-registry", "buildah", "skopeo", "catatonit"]


@pytest.fixture
def host(tmp_path):
    """run(mode, missing=(), uid=0, engine=True, tools=...) -> CompletedProcess; calls.txt
    records every call of a fake."""
    calls = tmp_path / "calls.txt"
    calls.write_text("")

    def run(mode, missing=(), uid=0, engine=True, apt=True, dpkg=True, docker=True, dockerd="", images=(),
            env=None, apt_body=""):
        bin_dir = fresh_bin(tmp_path, HOST_TOOLS, uid)
        if dpkg:
            # Installed: every package asked for but the missing ones ("un": not installed).
            fake(bin_dir / "dpkg-query", """\
                echo "dpkg-query $*" >>"%s"
                shift 3
                for package; do
                    case " %s " in
                        *" $package "*) printf '%%s=un ' "$package" ;;
                        *) printf '%%s=ii ' "$package" ;;
                    esac
                done
                """ % (calls, " ".join(missing)))
        if apt:
            fake(bin_dir / "apt-get", 'echo "apt-get $*" >>"%s"\n' % calls + apt_body)
        fake(bin_dir / "podman", 'echo "podman $*" >>"%s"\n' % calls)
        fake(bin_dir / "busybox", "exit 0\n")
        if docker:
            fake(bin_dir / "docker", """\
                echo "docker $*" >>"%s"
                case "$*" in
                    info) [ -e "${FAKE_ENGINE_UP:-/nonexistent}" ] && exit 0; exit %d ;;
                    "image inspect "*) case " %s " in *" $3 "*) exit 0 ;; *) exit 1 ;; esac ;;
                esac
                """ % (calls, 0 if engine else 1, " ".join(images)))
        if dockerd:
            fake(bin_dir / "dockerd", dockerd)
        environment = {"PATH": str(bin_dir), "BASE_IMAGE": "quay.io/example:1", "LOCAL_BASE": "local/base:1",
                       "DOCKERD_LOG": str(tmp_path / "dockerd.log"), "DOCKERD_WAIT": "5"}
        environment.update(env or {})
        return subprocess.run([str(bin_dir / "bash"), SETUP_HOST, mode], env=environment, capture_output=True,
                              text=True, timeout=60)

    run.calls = calls
    return run


def one_line(result):
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("setup-host.sh: ")
    return lines[0]


def test_a_ready_machine_installs_nothing(host):
    result = host("build")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert host.calls.read_text().splitlines() == ["docker info"]


def test_missing_packages_are_installed_as_root(host, tmp_path):
    containers_conf = tmp_path / "containers.conf"
    result = host("test", missing=("tini", "podman"), env={"CONTAINERS_CONF": str(containers_conf)})
    assert result.returncode == 0, result.stderr
    calls = host.calls.read_text().splitlines()
    assert "apt-get update -qq" in calls
    assert "apt-get install -y -qq --no-install-recommends tini podman" in calls
    assert [call for call in calls if call.startswith("dpkg-query ")] == [
        "dpkg-query -W -f ${Package}=${db:Status-Abbrev}  " + " ".join(TEST_PACKAGES)]
    assert "*** installing tini podman" in result.stdout
    assert containers_conf.read_text() == "\n[containers]\ndefault_ulimits = []\n"
    # Podman's set-up ran after the install, and tried a container.
    podman_calls = [call for call in calls if call.startswith("podman ")]
    assert len(podman_calls) == 1 and podman_calls[0].startswith("podman run --rm --network none --rootfs ")
    assert calls.index(podman_calls[0]) > calls.index("apt-get install -y -qq --no-install-recommends tini podman")


def test_without_docker_docker_io_comes_with_the_other_packages(host, tmp_path):
    result = host("test", missing=("tini",), docker=False, env={"CONTAINERS_CONF": str(tmp_path / "containers.conf")})
    calls = host.calls.read_text().splitlines()
    assert [call for call in calls if call.startswith("apt-get ")] == [
        "apt-get update -qq", "apt-get install -y -qq --no-install-recommends tini docker.io"]
    # The fake apt-get installed nothing: no engine, no dockerd to start.
    assert one_line(result) == ("setup-host.sh: no Docker engine answers (docker info), and there is no dockerd "
                                "here to start")


def test_missing_packages_without_root_fail_in_one_line(host):
    line = one_line(host("test", missing=("tini", "dumb-init"), uid=1000))
    assert "missing packages: tini dumb-init" in line and "root" in line
    assert "apt-get" not in host.calls.read_text()


def test_missing_packages_without_apt_get_fail_in_one_line(host):
    line = one_line(host("test", missing=("gcc",), apt=False))
    assert "missing packages: gcc, and no apt-get here" in line


def test_without_dpkg_it_names_what_is_needed(host):
    line = one_line(host("test", dpkg=False))
    assert "no dpkg-query" in line and " ".join(TEST_PACKAGES) in line


def test_no_engine_and_not_root_fails_in_one_line(host):
    line = one_line(host("build", uid=1000, engine=False, dockerd="exit 0\n"))
    assert "no Docker engine answers" in line and "root" in line


def test_no_engine_to_install_and_not_root_fails_in_one_line(host):
    line = one_line(host("build", uid=1000, engine=False))
    assert line == ("setup-host.sh: missing packages: docker.io; run as root to have them installed, or install "
                    "them: apt-get install docker.io")


def test_an_engine_elsewhere_is_not_started_here(host):
    line = one_line(host("build", engine=False, dockerd="exit 0\n", env={"DOCKER_HOST": "tcp://10.0.0.1:2375"}))
    assert line == "setup-host.sh: the Docker engine at DOCKER_HOST=tcp://10.0.0.1:2375 does not answer (docker info)"


def test_a_silent_engine_is_started_and_awaited(host, tmp_path):
    up = tmp_path / "engine-up"
    result = host("build", engine=False, dockerd='echo "dockerd $*" >>"$DOCKERD_LOG"\ntouch "$FAKE_ENGINE_UP"\nsleep 2\n',
                  env={"FAKE_ENGINE_UP": str(up)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["*** starting dockerd (log: %s)" % (tmp_path / "dockerd.log"),
                                          "*** the Docker engine answers"]
    assert (tmp_path / "dockerd.log").read_text() == "dockerd \n"


def test_a_dockerd_that_dies_is_reported_with_its_log(host):
    result = host("build", engine=False, dockerd="echo 'failed to start daemon: no cgroups' >&2\nexit 1\n")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("setup-host.sh: the Docker engine did not answer within ")
    assert lines[1:] == ["failed to start daemon: no cgroups"]


def test_a_present_local_base_is_kept(host):
    result = host("build", uid=1000, env={"BASE_IMAGE": "local/base:1"}, images=("local/base:1",))
    assert result.returncode == 0, result.stderr
    assert host.calls.read_text().splitlines() == ["docker info", "docker image inspect local/base:1"]


def test_a_missing_local_base_without_root_fails_in_one_line(host):
    line = one_line(host("build", uid=1000, env={"BASE_IMAGE": "local/base:1"}))
    assert "the base image local/base:1 is missing, and only root can make it (make base)" in line
    assert "docker image inspect local/base:1" in host.calls.read_text()


def test_an_unknown_mode_is_a_usage_error(host):
    assert "usage: tools/setup-host.sh build|test" in one_line(host("deploy"))


# Which Docker engine the set-up installs: docker.io only where no engine answers, none is
# named elsewhere, and no dockerd of the machine's own could be started.


def installs(calls):
    return [call for call in calls.read_text().splitlines() if call.startswith("apt-get install")]


def test_a_docker_client_without_an_engine_gets_debians_engine(host):
    # A docker command (a client binary) but no dockerd: the engine is installed. The fake
    # apt-get installs nothing, so there is still no dockerd to start.
    line = one_line(host("build", engine=False))
    assert installs(host.calls) == ["apt-get install -y -qq --no-install-recommends docker.io"]
    assert line == "setup-host.sh: no Docker engine answers (docker info), and there is no dockerd here to start"


def test_a_docker_client_without_an_engine_is_started_once_installed(host, tmp_path):
    # apt-get "installs" dockerd; the set-up then starts it.
    up = tmp_path / "engine-up"
    dockerd = tmp_path / "bin" / "dockerd"
    result = host("build", engine=False, env={"FAKE_ENGINE_UP": str(up), "FAKE_DOCKERD": str(dockerd)},
                  apt_body='printf \'#!/bin/sh\\ntouch "$FAKE_ENGINE_UP"\\nsleep 2\\n\' >"$FAKE_DOCKERD"\n'
                           'chmod 755 "$FAKE_DOCKERD"\n')
    assert result.returncode == 0, result.stderr
    assert installs(host.calls) == ["apt-get install -y -qq --no-install-recommends docker.io"]
    assert result.stdout.splitlines()[-1] == "*** the Docker engine answers"


def test_docker_ce_with_a_stopped_engine_is_started_not_replaced(host, tmp_path):
    up = tmp_path / "engine-up"
    result = host("build", engine=False, dockerd='touch "$FAKE_ENGINE_UP"\nsleep 2\n', env={"FAKE_ENGINE_UP": str(up)})
    assert result.returncode == 0, result.stderr
    assert installs(host.calls) == []
    assert "*** starting dockerd" in result.stdout


def test_a_remote_docker_host_gets_no_local_engine(host):
    line = one_line(host("build", engine=False, env={"DOCKER_HOST": "tcp://127.0.0.1:2375"}))
    assert installs(host.calls) == []
    assert line == "setup-host.sh: the Docker engine at DOCKER_HOST=tcp://127.0.0.1:2375 does not answer (docker info)"


def test_an_answering_docker_without_dockerd_is_kept(host, tmp_path):
    # A remote engine reached through DOCKER_HOST, or a docker-ce with its dockerd elsewhere.
    result = host("test", env={"DOCKER_HOST": "tcp://127.0.0.1:2375",
                               "CONTAINERS_CONF": str(tmp_path / "containers.conf")})
    assert result.returncode == 0, result.stderr
    assert installs(host.calls) == []
