"""defaults.env is the one home of the project's defaults: each value stands in no other
tracked file (prose aside), the Makefile and the scripts read it, and the Dockerfiles'
ARGs for them have no default of their own."""

import os
import re
import subprocess

import pytest

from paths import ROOT


def defaults():
    values = {}
    with open(os.path.join(ROOT, "defaults.env")) as file:
        for line in file:
            if line.strip() and not line.startswith("#"):
                key, value = line.rstrip("\n").split("=", 1)
                values[key] = value
    return values


def test_the_file_is_plain_assignments_both_make_and_sh_read():
    values = defaults()
    assert set(values) == {"DEFAULT_BASE_IMAGE", "DEFAULT_LOCAL_BASE", "DEFAULT_BUILDER_BASE",
                           "DEFAULT_DEBIAN_MIRROR", "DEFAULT_DEBIAN_SECURITY_MIRROR",
                           "DEFAULT_DEBIAN_SUITE",
                           "DEFAULT_CPYTHON_SOURCE_PACKAGE", "DEFAULT_CPYTHON_SOURCE_SHA256",
                           "DEFAULT_LIBFFI_SOURCE_PACKAGE", "DEFAULT_LIBFFI_SOURCE_SHA256",
                           "DEFAULT_BUSYBOX_SOURCE_PACKAGE", "DEFAULT_BUSYBOX_SOURCE_SHA256"}
    for key, value in values.items():
        assert re.fullmatch(r"[A-Za-z0-9_./:@-]+", value), (key, value)
    sourced = subprocess.run(["bash", "-c", ". ./defaults.env && echo \"$DEFAULT_BASE_IMAGE $DEFAULT_DEBIAN_MIRROR\""],
                             cwd=ROOT, capture_output=True, text=True, check=True)
    assert sourced.stdout.split() == [values["DEFAULT_BASE_IMAGE"], values["DEFAULT_DEBIAN_MIRROR"]]
    # Neither the variables nor, under `make test`, the outer make's command line (MAKEFLAGS).
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("BASE_IMAGE", "BUILDER_BASE", "LOCAL_BASE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
                                   "MAKEOVERRIDES")}
    made = subprocess.run(["make", "-s", "-C", ROOT, "-n", "build-host"], env=environment, capture_output=True,
                          text=True, check=True)
    assert made.stdout.split()[:3] == ["BASE_IMAGE=" + values["DEFAULT_BASE_IMAGE"],
                                       "BUILDER_BASE=" + values["DEFAULT_BUILDER_BASE"],
                                       "LOCAL_BASE=" + values["DEFAULT_LOCAL_BASE"]]


# (The suite and the package names are ordinary words, found everywhere: not checked.)
@pytest.mark.parametrize("key", ["DEFAULT_BASE_IMAGE", "DEFAULT_LOCAL_BASE", "DEFAULT_BUILDER_BASE",
                                 "DEFAULT_DEBIAN_SECURITY_MIRROR", "DEFAULT_CPYTHON_SOURCE_SHA256",
                                 "DEFAULT_LIBFFI_SOURCE_SHA256", "DEFAULT_BUSYBOX_SOURCE_SHA256"])
def test_no_other_file_repeats_a_default(key):
    value = defaults()[key]
    # Prose aside, and the records of runs (the benches' published JSON names the base
    # they ran on: a fact, not a default).
    found = subprocess.run(["git", "grep", "-l", "-F", value, "--", ".", ":!*.md", ":!docs/bench*.json"],
                           cwd=ROOT, capture_output=True, text=True)
    assert found.stdout.split() == ["defaults.env"]


@pytest.mark.parametrize("dockerfile, names", [("Dockerfile", ["BASE_IMAGE"]),
                                               ("Dockerfile.builder", ["BUILDER_BASE", "BASE_IMAGE"]),
                                               ("tools/bench-image/tini.Dockerfile", ["BASE_IMAGE"])])
def test_dockerfile_args_have_no_default_of_their_own(dockerfile, names):
    with open(os.path.join(ROOT, dockerfile)) as file:
        args = re.findall(r"^ARG (\S+)$", file.read(), re.MULTILINE)
    for name in names:
        assert name in args, (dockerfile, name)
