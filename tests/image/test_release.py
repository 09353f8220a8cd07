"""The release rehearsed: `make release` pushes to a registry on 127.0.0.1 (Debian's
`docker-registry`, started and stopped here, on a free port, its storage in a temporary
directory), then what a user gets from it is checked: the manifest list names each
platform (skopeo inspect --raw), its digest is the one `make release` reported, a pull by
that digest runs my_init as PID 1 (exit code, a signal, docker stop) on each platform
(arm64 under emulation: qemu-user-static through binfmt_misc), the OCI labels, the static
init's tarballs against their SHA-256 and their ELF architecture, and the tiny init image
through `COPY --from`.

The base is the image under test's (BASE_IMAGE, or its base.name label), or RELEASE_BASE
(`{arch}` in it: one local base per architecture), released under its short name
(`tools/release.sh --short-name`); the builder's base is BUILDER_BASE (default:
defaults.env's). RELEASE_PLATFORMS picks the platforms (default linux/amd64, what CI
runs; `make release-rehearsal-arm64` runs both). The build
reuses `make build`'s layers, so it costs seconds after `make build`; its time is kept
in dist/image-stop-time.txt (the figures' record). A missing docker-registry, buildah or skopeo FAILS (never a skip).
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.request
import uuid

import docker.errors
import pytest

from image_helpers import record_figure
from paths import ROOT
from waiting import sleep_until

PLATFORMS = os.environ.get("RELEASE_PLATFORMS", "linux/amd64").split(",")
ELF_MACHINES = {"linux/amd64": 62, "linux/arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64


def tool(name):
    if shutil.which(name) is None:
        pytest.fail("%s is not installed; the release rehearsal needs it (make test-host installs it)" % name,
                    pytrace=False)


def run(*command, timeout=120, check=True, **kwargs):
    result = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                            **kwargs)
    if check and result.returncode != 0:
        pytest.fail("%s failed (%d):\n%s%s" % (" ".join(command), result.returncode, result.stdout, result.stderr))
    return result


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """A plain-http registry on 127.0.0.1 (which docker treats as insecure by itself)."""
    for name in ("docker-registry", "buildah", "skopeo"):
        tool(name)
    directory = tmp_path_factory.mktemp("registry")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = directory / "config.yml"
    config.write_text("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%d\n"
                      % (directory / "data", port))
    log = open(directory / "registry.log", "w")
    server = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)

    def answers():
        assert server.poll() is None, (directory / "registry.log").read_text()
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/v2/" % port, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False
    sleep_until(answers, 20, what=lambda: "the registry on port %d; log:\n%s" % (port, (directory / "registry.log").read_text()))
    yield "127.0.0.1:%d" % port
    server.terminate()
    server.wait(timeout=20)
    log.close()


def default_builder_base():
    with open(os.path.join(ROOT, "defaults.env")) as file:
        return next(line.split("=", 1)[1].strip() for line in file if line.startswith("DEFAULT_BUILDER_BASE="))


@pytest.fixture(scope="module")
def release(registry, docker_client, request, tmp_path_factory):
    """`make release` of the image's base (or RELEASE_BASE) to the registry; yields what it made."""
    base_image = os.environ.get("RELEASE_BASE") or request.getfixturevalue("base_image")
    short = run("bash", os.path.join(ROOT, "tools", "release.sh"), "--short-name",
                base_image.replace("-{arch}", "")).stdout.strip()
    builder_base = os.environ.get("BUILDER_BASE") or default_builder_base()
    out = tmp_path_factory.mktemp("release")
    local_name = "baseimage-release-test-" + uuid.uuid4().hex[:8]
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    environment.update(OUT=str(out), RELEASE_LOCAL_NAME=local_name)
    command = ["make", "-s", "-C", ROOT, "release", "REGISTRY=%s/rehearsal" % registry, "PLATFORMS=" + ",".join(PLATFORMS),
               "BASES=%s=%s" % (short, base_image), "BUILDER_BASE=" + builder_base]
    if os.environ.get("PIP_CA_BUNDLE"):
        command.append("PIP_CA_BUNDLE=" + os.environ["PIP_CA_BUNDLE"])
    started = time.monotonic()
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=10800,
                            stdin=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        pytest.fail("make release failed (%d):\n%s\n%s" % (result.returncode, result.stdout[-6000:], result.stderr[-4000:]))
    record_figure("make release (%s, %s)" % (short, ",".join(PLATFORMS)), "%.0f s" % seconds)
    print(result.stdout)  # the digests pushed (seen with -s, as make release-rehearsal-arm64 runs it)
    repository = "%s/rehearsal/baseimage-centos" % registry
    made = {"short": short, "version": version, "out": out, "repository": repository, "output": result.stdout,
            "tag": "%s:%s-%s" % (repository, version, short)}
    yield made
    for platform in PLATFORMS:
        arch = platform.split("/")[1]
        for name in ("%s-%s-%s:%s" % (local_name, short, arch, version),
                     "%s-%s-%s-builder:%s" % (local_name, short, arch, version),
                     "%s-%s-%s-builder:latest" % (local_name, short, arch),
                     "%s-init-%s:%s" % (local_name, arch, version)):
            try:
                docker_client.images.remove(name)
            except docker.errors.ImageNotFound:
                pass


def raw_manifest(reference):
    return run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference).stdout


def test_the_manifest_list_names_each_platform_and_its_digest_is_reported(release):
    for tag in (release["tag"], release["tag"].rsplit(":", 1)[0] + ":" + release["short"]):
        raw = raw_manifest(tag)
        manifest = json.loads(raw)
        assert manifest["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json", raw
        platforms = sorted("%s/%s" % (entry["platform"]["os"], entry["platform"]["architecture"])
                           for entry in manifest["manifests"])
        assert platforms == sorted(PLATFORMS), raw
        digest = "sha256:" + hashlib.sha256(raw.encode()).hexdigest()
        reported = (release["out"] / "digests.txt").read_text().splitlines()
        assert "%s %s %s" % (tag, digest, " ".join(PLATFORMS)) in reported, reported
        print("%s %s %s" % (tag, digest, " ".join(PLATFORMS)))


def pull_by_digest(docker_client, release, platform):
    digest = "sha256:" + hashlib.sha256(raw_manifest(release["tag"]).encode()).hexdigest()
    reference = "%s@%s" % (release["repository"], digest)
    run("docker", "pull", "--quiet", "--platform", platform, reference, timeout=600)
    pulled = docker_client.images.get(reference)
    assert "%s/%s" % (pulled.attrs["Os"], pulled.attrs["Architecture"]) == platform
    return reference, pulled


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_pull_by_digest_runs_my_init_as_pid_1(docker_client, release, platform):
    reference, pulled = pull_by_digest(docker_client, release, platform)
    try:
        labels = pulled.attrs["Config"]["Labels"]
        assert labels["org.opencontainers.image.version"] == release["version"]
        assert len(labels["org.opencontainers.image.revision"]) == 40, labels
        assert labels["org.opencontainers.image.created"].endswith("Z"), labels
        for command, expected in (("exit 3", 3), ("kill -TERM $$", 143)):
            result = run("docker", "run", "--rm", "--platform", platform, reference, "/sbin/my_init", "--",
                         "sh", "-c", command, check=False)
            assert result.returncode == expected, (command, result.stderr)
        name = "baseimage-release-test-" + uuid.uuid4().hex[:8]
        run("docker", "run", "-d", "--name", name, "--platform", platform, reference)
        try:
            container = docker_client.containers.get(name)
            sleep_until(lambda: "runsvdir" in run("docker", "top", name, check=False).stdout, 120,
                        what=lambda: "runsvdir under %s; logs:\n%s" % (platform, container.logs().decode()))
            started = time.monotonic()
            run("docker", "stop", "-t", "20", name, timeout=60)
            record_figure("docker stop of the released image (%s)" % platform, "%.2f s" % (time.monotonic() - started))
            container.reload()
            assert container.attrs["State"]["ExitCode"] == 0, container.logs().decode()
        finally:
            run("docker", "rm", "-f", name, check=False)
    finally:
        docker_client.images.remove(reference, force=True)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_static_init_tarball_matches_its_checksum_and_architecture(release, platform):
    arch = platform.split("/")[1]
    tarball = release["out"] / ("my_init-%s-%s.tar.gz" % (release["version"], arch))
    checked = run("sha256sum", "-c", tarball.name + ".sha256", cwd=str(release["out"]))
    assert checked.stdout.strip() == "%s: OK" % tarball.name
    with tarfile.open(tarball) as archive:
        members = {member.name: member for member in archive.getmembers()}
        assert members["my_init/setuser"].issym() and members["my_init/setuser"].linkname == "my_init"
        header = archive.extractfile("my_init/my_init").read(20)
    assert header[:4] == b"\x7fELF"
    assert int.from_bytes(header[18:20], "little") == ELF_MACHINES[platform]


def test_the_init_image_serves_copy_from(release, image_builder):
    init_image = release["repository"] + "-init:" + release["version"]
    raw = json.loads(raw_manifest(init_image))
    assert sorted("linux/" + entry["platform"]["architecture"] for entry in raw["manifests"]) == sorted(PLATFORMS)
    tag = image_builder.build("FROM {base_image}\nCOPY --from=%s /usr/lib/my_init/ /usr/lib/my_init/\n"
                              "RUN ln -s /usr/lib/my_init/my_init /sbin/my_init\n" % init_image)
    result = run("docker", "run", "--rm", tag, "/sbin/my_init", "--skip-runit", "--", "sh", "-c", "exit 4", check=False)
    assert result.returncode == 4, result.stderr
    run("docker", "rmi", init_image, check=False)
