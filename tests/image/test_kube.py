"""The README's Kubernetes pod (the `yaml example=kube-pod` block, read from README.md):
the restricted profile and the exec probes (/sbin/my_init_health) it must have, and the
same settings under Docker, where the probe must pass and `docker stop` end the
container with exit code 0.

`podman kube play` of the pod cannot run on the CI's hosts: Podman 4.3 makes the pod's
cgroup in every cgroup v1 controller the kernel has, and on a hybrid host the ones not
mounted as v1 (hugetlb, held by the cgroup2 tree; net_cls, perf_event) cannot be made
(docs/testing.md). No Kubernetes cluster runs here.
"""

import os

from image_helpers import logs
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
