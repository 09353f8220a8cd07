"""The README's Kubernetes pod (the `yaml example=kube-pod` block, read from README.md):
the restricted profile and the exec probes (/sbin/my_init_health) it must have; the
same settings under Docker, where the probe must pass and `docker stop` end the
container with exit code 0; and the manifest itself played by `podman kube play`
(Debian 12's Podman 4.3), which must reach healthy and ready and stop with exit code 0.

Podman plays it in a Podman of its own (tests/image/kube_podman.py: private storage, one
private mount namespace; on a hybrid cgroup host, /sys/fs/cgroup there is the cgroup2
tree alone, because Podman 4.3 cannot make a pod's cgroup on hybrid cgroups). Where
Podman 4.3 falls short of Kubernetes, the test does what Kubernetes (or Podman 5) does,
each step said where it is done: the pod's device filter, fsGroup, and the probes'
schedule (Podman schedules health checks with systemd timers; without systemd the test
runs them). A missing `podman`, or a user other than root, fails the test: never a skip.
No Kubernetes cluster runs here.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from image_helpers import logs
from kube_podman import KubePodman, apply_fs_group, cgroup_layout, detach_device_filters
from paths import ROOT
from readme_examples import blocks
from waiting import sleep_until

README_IMAGE = "baseimage-centos:1.0.0"


def readme_pod():
    found = [block for block in blocks(os.path.join(ROOT, "README.md"))
             if block.language == "yaml" and block.marker == "example=kube-pod"]
    assert len(found) == 1, "README.md needs exactly one ```yaml example=kube-pod block"
    return found[0].code


def test_the_readme_pod_has_the_restricted_profile_and_the_probes():
    pod = readme_pod()
    for line in ("runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false",
                 'drop: ["ALL"]', "livenessProbe:", "readinessProbe:", "mountPath: /run", "emptyDir:",
                 "image: " + README_IMAGE):
        assert line in pod, line
    assert pod.count('command: ["/sbin/my_init_health"]') == 2, pod


def test_the_probe_passes_with_the_pods_settings_under_docker(containers):
    container = containers.start(read_only=True, user="1000:1000", cap_drop=["ALL"],
                                 security_opt=["no-new-privileges"], tmpfs={"/run": "uid=1000,gid=1000"})
    sleep_until(lambda: "No service can be supervised; waiting for a stop signal" in logs(container), 30,
                what=lambda: "my_init idle as uid 1000; logs:\n%s" % logs(container))
    result = container.exec_run(["/sbin/my_init_health"])
    assert (result.exit_code, result.output) == (0, b""), result.output
    container.stop(timeout=10)
    container.reload()
    assert container.attrs["State"]["ExitCode"] == 0, logs(container)


def manifest_value(pod, pattern, what):
    """The one match of PATTERN (a regular expression, one group, per line) in the
    manifest POD; the README's pod is plain enough to need no YAML parser."""
    found = re.findall(pattern, pod, re.MULTILINE)
    assert len(found) == 1, "the README's pod needs exactly one %s: %r" % (what, found)
    return found[0]


@pytest.fixture
def kube_podman():
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed; `podman kube play` needs it (tools/setup-podman.sh)", pytrace=False)
    if os.geteuid() != 0:
        pytest.fail("`podman kube play` runs as root here (a private mount namespace, Podman's "
                    "pod cgroup); run the image tests as root", pytrace=False)
    # Short: Podman refuses a --runroot longer than 50 characters (pytest's tmp_path is longer).
    directory = tempfile.mkdtemp(prefix="kube-podman-")
    podman = KubePodman(directory, cgroup_layout())
    yield podman
    podman.podman("pod", "rm", "--force", "--all")
    podman.podman("volume", "rm", "--force", "--all")
    podman.close()
    shutil.rmtree(directory, ignore_errors=True)


def test_podman_kube_play_of_the_readme_pod_reaches_ready(kube_podman, docker_client, image, tmp_path):
    pod = readme_pod()
    name = manifest_value(pod, r"^metadata:\n  name: (\S+)$", "pod name")
    container = "%s-%s" % (name, manifest_value(pod, r"^  containers:\n    - name: (\S+)$", "container"))
    fs_group = int(manifest_value(pod, r"^ +fsGroup: (\d+)$", "fsGroup"))
    readiness = json.loads(manifest_value(pod, r"readinessProbe:\n +exec:\n +command: (\[.*\])$",
                                          "readinessProbe exec command"))
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(pod)

    def podman(*args, timeout=120, check=True):
        result = kube_podman.podman(*args, timeout=timeout)
        if check and result.returncode != 0:
            pytest.fail("podman %s failed (%d): %s" % (" ".join(map(str, args)), result.returncode, result.stderr))
        return result

    def inspect(template):
        return podman("inspect", "--format", template, container).stdout.strip()

    def container_logs():
        result = podman("logs", container, check=False)
        return result.stdout + result.stderr

    info = podman("info", "--format", "{{.Host.CgroupsVersion}} {{.Host.CgroupManager}} {{.Host.CgroupControllers}}")
    cgroups, manager, controllers = info.stdout.strip().split(" ", 2)
    where = "%s host; Podman sees cgroup %s (%s, controllers %s)" % (kube_podman.layout, cgroups, manager, controllers)
    print(where)
    if kube_podman.layout == "hybrid":  # the namespace's /sys/fs/cgroup: the cgroup2 tree alone
        assert cgroups == "v2", where

    # The image under test, under the name the manifest gives (nothing is pulled: the tag is
    # not `latest`, so kube play uses the image it has).
    saved = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
    loaded = subprocess.run(kube_podman.command("load"), stdin=saved.stdout, capture_output=True, text=True,
                            timeout=600)
    saved.stdout.close()
    assert saved.wait(timeout=600) == 0 and loaded.returncode == 0, loaded.stderr
    image_id = docker_client.images.get(image).id.split(":", 1)[1]
    podman("tag", image_id, manifest_value(pod, r"^ +image: (\S+)$", "image"))

    # Created, not started: the steps Kubernetes (or Podman 5) would have done come first.
    # --network none: the probes are exec probes, and the CNI network's state (its
    # configuration, its address allocations) lies outside --root, shared with the host's Podman.
    podman("kube", "play", "--start=false", "--network", "none", manifest)
    if cgroups == "v2" and manager == "cgroupfs":
        cgroup = podman("pod", "inspect", "--format", "{{.CgroupPath}}", name).stdout.strip()
        print("device programs detached from the pod's cgroup %s: %s"
              % (cgroup, detach_device_filters(kube_podman.root + "/sys/fs/cgroup" + cgroup)))
    # `podman init` starts the infra container and prepares the pod's container: its
    # volumes get their owner and mode then (the image's), so fsGroup comes after.
    podman("init", container)
    volumes = json.loads(inspect("{{json .Mounts}}"))
    assert [mount["Destination"] for mount in volumes if mount["Type"] == "volume"] == ["/run"], volumes
    for mount in volumes:
        if mount["Type"] == "volume":
            apply_fs_group(mount["Source"], fs_group)
    podman("pod", "start", name)

    health = json.loads(inspect("{{json .Config.Healthcheck}}"))
    assert "/sbin/my_init_health" in health["Test"], health  # the livenessProbe, as Podman converted it

    def healthy():  # exit 0 once the check passed (Podman 4.3 prints "unhealthy" otherwise)
        return podman("healthcheck", "run", container, check=False).returncode == 0

    sleep_until(healthy, 30, interval=0.5,
                what=lambda: "%s healthy (%s); health: %s; logs:\n%s"
                % (container, where, inspect("{{json .State.Health}}"), container_logs()))
    assert inspect("{{.State.Status}} {{.State.Health.Status}}") == "running healthy"
    # Podman 4.3 has no readiness: the readinessProbe's command, run as the kubelet would.
    ready = podman("exec", container, *readiness, check=False)
    assert (ready.returncode, ready.stdout, ready.stderr) == (0, "", ""), ready

    podman("pod", "stop", "--time", "10", name, timeout=60)
    assert inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 0", container_logs()
