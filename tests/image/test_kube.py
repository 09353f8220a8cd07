"""The README's Kubernetes pod (the `yaml example=kube-pod` block, read from README.md):
the restricted profile, run by `podman kube play` (a real consumer of Kubernetes YAML)
until it is ready, its exec probe (/sbin/my_init_health) being what Podman turns into the
container's health check; and the same settings under Docker, where the probe must pass
and `docker stop` end the container with exit code 0.

Podman loads the image under test from Docker (test_podman's podman_image fixture). A
missing podman FAILS (never a skip). No Kubernetes cluster runs here.
"""

import os
import time
import uuid

from image_helpers import logs
from paths import ROOT
from readme_examples import blocks
from test_podman import podman, podman_image  # noqa: F401  (podman_image: a fixture)
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


def test_podman_kube_play_of_the_readme_pod_reaches_ready(podman_image, tmp_path):  # noqa: F811
    name = "baseimage-kube-" + uuid.uuid4().hex[:8]
    local = "localhost/%s:test" % name
    podman("tag", podman_image, local)
    manifest = tmp_path / "pod.yaml"
    pod = readme_pod().replace("image: " + README_IMAGE, "image: " + local)
    manifest.write_text(pod.replace("name: app\nspec:", "name: %s\nspec:" % name, 1))
    container = name + "-app"
    try:
        played = podman("kube", "play", str(manifest), timeout=180, check=False)
        assert played.returncode == 0, "podman kube play failed: " + played.stderr.strip()
        state = podman("inspect", "--format", "{{.State.Status}} {{.Config.User}}", container).stdout.split()
        assert state == ["running", "1000:1000"], state
        # Ready: the probe (Podman's health check of the container) passes.
        started = time.monotonic()
        sleep_until(lambda: podman("healthcheck", "run", container, check=False).returncode == 0, 60,
                    what=lambda: "the pod's probe passing; logs:\n%s" % podman("logs", container, check=False).stderr)
        print("ready after %.1f s" % (time.monotonic() - started))
        assert podman("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip() == "healthy"
        podman("pod", "stop", "-t", "10", name, timeout=60)
        code = podman("inspect", "--format", "{{.State.ExitCode}}", container).stdout.strip()
        assert code == "0", podman("logs", container, check=False).stderr
    finally:
        podman("kube", "down", str(manifest), check=False, timeout=60)
        podman("pod", "rm", "-f", name, check=False)
        podman("rmi", local, check=False)
