"""tools/setup-podman.sh: rlimits Podman may not raise, and the runtime it uses where its
default one refuses the host's cgroups (crun on hybrid cgroups). Runs the script with a
fake podman that behaves like Podman on such a host: crun refuses, runc runs; the runtime
named in CONTAINERS_CONF or by --runtime decides. No container is started."""

import os
import subprocess

import pytest
from fake_commands import fake, fresh_bin

from paths import ROOT

SETUP_PODMAN = os.path.join(ROOT, "tools", "setup-podman.sh")
HOST_TOOLS = ["bash", "dirname", "grep", "mkdir", "touch", "sed", "mktemp", "cp", "rm", "tail", "cat"]
CRUN_REFUSAL = ("Error: OCI runtime error: crun: cgroups in hybrid mode not supported, drop all controllers "
                "from cgroupv2")


@pytest.fixture
def podman_host(tmp_path):
    """run(refusing=("crun",), runtimes=("crun", "runc"), conf=None, uid=0) -> CompletedProcess.
    The fake podman's default runtime is crun unless the conf file sets another."""
    calls = tmp_path / "calls.txt"
    conf = tmp_path / "containers.conf"

    def run(refusing=("crun",), runtimes=("crun", "runc"), conf_text=None, uid=0):
        calls.write_text("")
        if conf_text is not None:
            conf.write_text(conf_text)
        bin_dir = fresh_bin(tmp_path, HOST_TOOLS, uid)
        fake(bin_dir / "busybox", "exit 0\n")
        for runtime in runtimes:
            fake(bin_dir / runtime, "exit 0\n")
        fake(bin_dir / "podman", """\
            echo "podman $*" >>"%(calls)s"
            runtime=$(sed -n 's/^runtime = "\\(.*\\)"$/\\1/p' "$CONTAINERS_CONF" 2>/dev/null)
            [ "$1" = --runtime ] && runtime=$2
            runtime=${runtime:-crun}
            # The trial container's root holds the program it runs.
            for arg; do [ "$prev" = --rootfs ] && [ -x "$arg/busybox" ] && found=1; prev=$arg; done
            [ -n "$found" ] || { echo "Error: no /busybox in the root" >&2; exit 127; }
            case " %(refusing)s " in
                *" $runtime "*)
                    [ "$runtime" = crun ] && echo "%(refusal)s" >&2
                    [ "$runtime" = runc ] && echo "Error: runc: cannot run" >&2
                    exit 126 ;;
            esac
            exit 0
            """ % {"calls": calls, "refusing": " ".join(refusing), "refusal": CRUN_REFUSAL})
        return subprocess.run([str(bin_dir / "bash"), SETUP_PODMAN], capture_output=True, text=True, timeout=60,
                              env={"PATH": str(bin_dir), "CONTAINERS_CONF": str(conf)})

    run.calls = calls
    run.conf = conf
    return run


def trials(podman_host):
    return podman_host.calls.read_text().splitlines()


def test_where_crun_refuses_the_hosts_cgroups_podman_is_set_to_runc(podman_host):
    result = podman_host(refusing=("crun",))
    assert result.returncode == 0, result.stderr
    assert podman_host.conf.read_text() == "\n[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = \"runc\"\n"
    said = [line for line in result.stdout.splitlines() if "runtime" in line]
    assert said == ['*** %s: runtime = "runc" in [engine]: Podman\'s default runtime refused this host (%s)'
                    % (podman_host.conf, CRUN_REFUSAL)]
    # Tried with the default, then with runc, then once more as configured.
    assert [call.split(" run ")[0] for call in trials(podman_host)] == ["podman", "podman --runtime runc", "podman"]


def test_a_second_run_changes_nothing(podman_host):
    podman_host(refusing=("crun",))
    configured = podman_host.conf.read_text()
    result = podman_host(refusing=("crun",))
    assert result.returncode == 0, result.stderr
    assert podman_host.conf.read_text() == configured
    assert result.stdout.splitlines() == [
        "*** %s already sets default_ulimits; left as it is" % podman_host.conf,
        "*** podman runs containers here with its configured runtime"]
    assert len(trials(podman_host)) == 1


def test_where_crun_works_the_runtime_is_left_alone(podman_host):
    result = podman_host(refusing=())
    assert result.returncode == 0, result.stderr
    assert "runtime" not in podman_host.conf.read_text()
    assert result.stdout.splitlines()[-1] == "*** podman runs containers here with its configured runtime"
    assert len(trials(podman_host)) == 1


def test_an_existing_engine_section_gets_the_runtime(podman_host):
    result = podman_host(conf_text='[engine]\nevents_logger = "file"\n')
    assert result.returncode == 0, result.stderr
    assert podman_host.conf.read_text() == (
        '[engine]\nruntime = "runc"\nevents_logger = "file"\n\n[containers]\ndefault_ulimits = []\n')


def test_no_runtime_that_works_fails_in_one_line(podman_host):
    result = podman_host(refusing=("crun", "runc"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "setup-podman.sh: podman cannot run a container here with any runtime installed (runc, crun): " + CRUN_REFUSAL]
    assert "runtime" not in podman_host.conf.read_text()


def test_without_runc_installed_it_says_so(podman_host):
    result = podman_host(refusing=("crun",), runtimes=("crun",))
    assert result.returncode == 1
    assert "any runtime installed (runc, crun)" in result.stderr


def test_a_runtime_the_user_chose_is_not_overridden(podman_host):
    result = podman_host(refusing=("crun",), conf_text='[engine]\nruntime = "crun"\n')
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "setup-podman.sh: podman cannot run a container with the runtime %s sets: %s" % (podman_host.conf, CRUN_REFUSAL)]
    assert podman_host.conf.read_text() == '[engine]\nruntime = "crun"\n\n[containers]\ndefault_ulimits = []\n'

