"""Fixtures for the image tests: a real Docker engine and the built image.

Environment:
    IMAGE          image under test (default baseimage-centos:<VERSION file>)
    BASE_IMAGE     its base (default: the image's org.opencontainers.image.base.name label)
    BUILDER_IMAGE  its builder (default NAME-builder:TAG of IMAGE)

A Docker engine that cannot be reached, or a missing image, FAILS the tests (never a skip):
image tests that did not run must not look like tests that passed.

Fixtures (below) and helpers (image_helpers.py) for every image test (test_image.py,
test_services.py, test_readme_examples.py; the README's blocks: readme_examples.py):

    docker_client           session docker SDK client (fails when the engine is unreachable)
    image, base_image       names of the image under test and of its base
    containers              factory; every container it makes is force-removed at teardown:
        containers.start(command=None, image=None, **run_kwargs) -> Container, detached
        containers.booted(command=None, image=None, timeout=30, **run_kwargs) -> Container
            started and booted (see wait_for_boot)
        containers.run_once(command, image=None, timeout=60, **run_kwargs) -> Result
            runs to completion; Result(exit_code, stdout, stderr), stdout/stderr as text
    container               one default container (CMD /sbin/my_init), booted
    host                    pytest-testinfra host (docker:// backend) for `container`
    image_builder           session factory: image_builder.build(dockerfile, files=None)
                            -> tag of an image built from that Dockerfile text and files
                            ({path: text or bytes, or (content, mode)}); the images are removed at the
                            end of the session. Use "{image}" / "{base_image}" in the text.
        image_builder.build_project(buildargs) -> tag of the project's Dockerfile built
                            again on the same builder and base with other build arguments
                            (e.g. {"DISABLE_SYSLOG": "1", ...})
    builder_image           name of the builder image (BUILDER_IMAGE or NAME-builder:TAG)
    host_tools              directory of the host tools (docker-bash, docker-ssh) as
                            tools/install-host-tools.sh installs them

    wait_for_boot(container, timeout=30)   waits until runsvdir runs (my_init has run the
                            startup files and booted runit); fails with the container's
                            logs if it exits first or the timeout passes
    exec_in(container, command, user=None) -> Result   (command: list, or str run by sh -c)
    wait_for_services(container, names, timeout=20)   until runit runs each service and
                            its ./check passes
    stop_and_record(container, label) -> State   docker stop (10 s grace), its duration kept
                            in dist/image-stop-time.txt under LABEL (record_stop_time)
    host_of(container) -> testinfra host
    logs(container) -> "stdout+stderr" text, for assertion messages
    Result                  namedtuple(exit_code, stdout, stderr)
"""

import io
import os
import subprocess
import tarfile
import time
import uuid

import docker
import docker.errors
import pytest

from image_helpers import Result, default_image, host_of, logs, wait_for_boot
from paths import ROOT


@pytest.fixture(scope="session")
def docker_client():
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except docker.errors.DockerException as error:
        pytest.fail("the Docker engine is not reachable (%s); the image tests need one: start "
                    "dockerd, or run them through .ci/run" % error, pytrace=False)
    yield client
    client.close()


def require_image(client, name, how):
    """NAME, an image the engine has; a missing one fails the test, saying HOW to make it."""
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        pytest.fail("image %s does not exist locally (%s)" % (name, how), pytrace=False)
    return name


@pytest.fixture(scope="session")
def image(docker_client):
    return require_image(docker_client, os.environ.get("IMAGE") or default_image(), "make build")


@pytest.fixture(scope="session")
def image_attrs(docker_client, image):
    return docker_client.images.get(image).attrs


@pytest.fixture(scope="session")
def base_image(docker_client, image, image_attrs):
    labels = image_attrs["Config"].get("Labels") or {}
    name = os.environ.get("BASE_IMAGE") or labels.get("org.opencontainers.image.base.name")
    if not name:
        pytest.fail("no BASE_IMAGE given and %s has no base.name label" % image, pytrace=False)
    return require_image(docker_client, name, "make base, or docker pull")


@pytest.fixture(scope="session")
def builder_image(image):
    if os.environ.get("BUILDER_IMAGE"):
        return os.environ["BUILDER_IMAGE"]
    repository, _, tag = image.rpartition(":")
    return "%s-builder:%s" % (repository, tag)


class Containers:
    def __init__(self, client, image):
        self.client = client
        self.image = image
        self.made = []

    def start(self, command=None, image=None, **run_kwargs):
        container = self.client.containers.create(image or self.image, command=command, **run_kwargs)
        self.made.append(container)
        container.start()
        return container

    def booted(self, command=None, image=None, timeout=30, **run_kwargs):
        return wait_for_boot(self.start(command, image, **run_kwargs), timeout)

    def run_once(self, command, image=None, timeout=60, **run_kwargs):
        container = self.start(command, image, **run_kwargs)
        try:
            status = container.wait(timeout=timeout)
        except Exception as error:  # requests' ReadTimeout and friends
            pytest.fail("%s did not finish within %d s (%s); logs:\n%s"
                        % (command, timeout, error, logs(container)))
        stdout = container.logs(stdout=True, stderr=False).decode("utf-8", "replace")
        stderr = container.logs(stdout=False, stderr=True).decode("utf-8", "replace")
        return Result(status["StatusCode"], stdout, stderr)

    def remove_all(self):
        for container in self.made:
            try:
                container.remove(force=True, v=True)
            except docker.errors.NotFound:
                pass


@pytest.fixture
def containers(docker_client, image):
    made = Containers(docker_client, image)
    yield made
    made.remove_all()


@pytest.fixture
def container(containers):
    return containers.booted()


@pytest.fixture
def host(container):
    return host_of(container)


class ImageBuilder:
    def __init__(self, client, image, base_image_name, builder_image):
        self.client = client
        self.builder_image = builder_image
        self.substitutions = {"image": image, "base_image": base_image_name}
        self.tags = []

    def build(self, dockerfile, files=None):
        context = io.BytesIO()
        entries = dict(files or {})
        for key, value in self.substitutions.items():
            dockerfile = dockerfile.replace("{%s}" % key, value)
        entries["Dockerfile"] = dockerfile
        with tarfile.open(fileobj=context, mode="w") as archive:
            for path, content in entries.items():
                text, mode = content if isinstance(content, tuple) else (content, 0o644)
                data = text if isinstance(text, bytes) else text.encode()
                info = tarfile.TarInfo(path)
                info.size = len(data)
                info.mode = mode
                info.mtime = int(time.time())
                archive.addfile(info, io.BytesIO(data))
        context.seek(0)
        return self._build("a test image", fileobj=context, custom_context=True)

    def build_project(self, buildargs):
        """The project's Dockerfile again, on the image's builder and base, with other build
        arguments (e.g. {"DISABLE_SSH": "1"}). The context is the repository as `docker
        build .` sends it: the docker SDK applies .dockerignore. Returns the tag."""
        arguments = {"BUILDER_IMAGE": self.builder_image, "BASE_IMAGE": self.substitutions["base_image"]}
        arguments.update(buildargs)
        return self._build("the Dockerfile with %s" % buildargs, path=ROOT, dockerfile="Dockerfile",
                           buildargs=arguments)

    def _build(self, what, **build_kwargs):
        tag = "baseimage-centos-test:%s" % uuid.uuid4().hex[:12]
        self.tags.append(tag)
        try:
            self.client.images.build(tag=tag, rm=True, forcerm=True, **build_kwargs)
        except docker.errors.BuildError as error:
            output = "".join(chunk.get("stream", "") or chunk.get("error", "") for chunk in error.build_log)
            pytest.fail("building %s failed: %s\n%s" % (what, error, output))
        return tag

    def remove_all(self):
        for tag in self.tags:
            try:
                self.client.images.remove(tag, force=True)
            except docker.errors.ImageNotFound:
                pass


@pytest.fixture(scope="session")
def image_builder(docker_client, image, base_image, builder_image):
    builder = ImageBuilder(docker_client, image, base_image, builder_image)
    yield builder
    builder.remove_all()


@pytest.fixture(scope="session")
def host_tools(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("host-tools")
    subprocess.run(["bash", os.path.join(ROOT, "tools", "install-host-tools.sh"), str(prefix)],
                   check=True, capture_output=True)
    return prefix / "bin"
