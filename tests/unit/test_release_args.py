"""tools/release.sh's input, checked before anything is built: each mistake is one line
on stderr and exit status 1; and the short names the tags carry."""

import os
import subprocess

import pytest

from paths import ROOT

RELEASE = os.path.join(ROOT, "tools", "release.sh")


def release(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("REGISTRY", "PLATFORMS", "BASES", "STAGE", "INIT", "TLS_VERIFY")}
    environment.update(env)
    return subprocess.run(["bash", RELEASE, *args], env=environment, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("env, message", [
    ({}, "release.sh: REGISTRY is required (e.g. make release REGISTRY=ghcr.io/OWNER); there is no default push target"),
    ({"REGISTRY": "r", "PLATFORMS": "linux/amd64,linux/s390x"},
     "release.sh: PLATFORMS: unknown platform 'linux/s390x' (known: linux/amd64, linux/arm64)"),
    ({"REGISTRY": "r", "BASES": "debian12,centos7"},
     "release.sh: BASES: unknown base 'centos7' (tools/release.sh --bases lists them; or give SHORT=IMAGE)"),
    ({"REGISTRY": "r", "BASES": "Bad Name=x"},
     "release.sh: BASES: 'Bad Name' is not a short name (lower case, digits, . and -)"),
    ({"REGISTRY": "r", "STAGE": "push"}, "release.sh: STAGE must be all, images or manifests, got 'push'"),
    ({"REGISTRY": "r", "TLS_VERIFY": "no"}, "release.sh: TLS_VERIFY must be true or false, got 'no'"),
])
def test_bad_input_is_one_line(env, message):
    result = release(**env)
    assert (result.returncode, result.stderr, result.stdout) == (1, message + "\n", "")


@pytest.mark.parametrize("image, short", [
    ("quay.io/centos/centos:stream9", "stream9"), ("almalinux:10-minimal", "alma10-minimal"),
    ("rockylinux/rockylinux:9", "rocky9"), ("registry.access.redhat.com/ubi10/ubi-minimal", "ubi10-minimal"),
    ("debian:bookworm", "debian12"), ("example.org/mine/debian:bookworm", "debian12"),
])
def test_short_names(image, short):
    result = release("--short-name", image)
    assert (result.returncode, result.stdout) == (0, short + "\n"), result.stderr


def test_every_known_base_has_a_distinct_short_name():
    listed = release("--bases").stdout.split("\n")
    shorts = [line.split()[0] for line in listed if line]
    assert len(shorts) == 13 and len(set(shorts)) == len(shorts), listed
