# baseimage-centos: see README.md. Every target is a thin wrapper around a script,
# so CI, the README and a developer run the same commands. `make help` lists them, from
# the `## target: what it does` line above each.
# The defaults' one home (DEFAULT_BASE_IMAGE, DEFAULT_LOCAL_BASE, the pinned sources).
include defaults.env
NAME        ?= baseimage-centos
VERSION     ?= $(shell cat VERSION)
BASE_IMAGE  ?= $(DEFAULT_BASE_IMAGE)
# The Debian 12 image the builder builds the static init on (the same for every BASE_IMAGE).
BUILDER_BASE ?= $(DEFAULT_BUILDER_BASE)
# The Debian base `make base` produces for machines without a registry.
LOCAL_BASE  ?= $(DEFAULT_LOCAL_BASE)
PYTHON      ?= python3
# The static CPython `make init` compiles with (build/static-python.sh; kept between builds).
STATIC_PYTHON ?= build/out/static-python
VENV        ?= .venv
# Extra CA bundle / index for networks behind a TLS proxy (optional, never baked into an image).
PIP_CA_BUNDLE ?=
PIP_INDEX_URL ?=
# make release: where to push (required), for which platforms and bases (tools/release.sh).
REGISTRY     ?=
PLATFORMS    ?= linux/amd64,linux/arm64
BASES        ?=
RELEASE_NAME ?= $(NAME)
STAGE        ?= all
# make bench-image, make bench-compare: the image under test and how many idle containers
# of each variant (init).
IMAGE            ?= $(NAME):$(VERSION)
BENCH_CONTAINERS ?= 10
# make bench-compare: 0 leaves the docs alone (only dist/bench-compare.*).
BENCH_DOCS       ?= 1
# make bench: a dynamically linked my_init dist measured beside the static one (optional;
# e.g. `PYTHON=python3 bash build/build.sh build/out/dist-glibc` makes one).
BENCH_DYNAMIC_DIST ?=

TEST_PY  := $(VENV)/bin/python
PYTEST   := $(VENV)/bin/pytest

.PHONY: all help build-host test-host init init-arm64 build test test-init test-arm64 lint venv bench bench-image bench-compare base tag_latest release release-rehearsal-arm64 clean

## all: the default goal, `make build`
all: build

## help: list the targets, each with what it does
help:
	@awk '/^## [A-Za-z0-9_-]+: / { name = $$2; sub(/:$$/, "", name); sub(/^## [^:]*: /, ""); said[name] = $$0; next } \
	  /^[A-Za-z0-9_-]+:([^=]|$$)/ { name = $$1; sub(/:.*/, "", name); if (name in said) printf "  %-14s %s\n", name, said[name] }' \
	  $(firstword $(MAKEFILE_LIST))

## build-host: make this machine ready for `make build` (a Docker engine; the local base when BASE_IMAGE or BUILDER_BASE is it)
build-host:
	BASE_IMAGE=$(BASE_IMAGE) BUILDER_BASE=$(BUILDER_BASE) LOCAL_BASE=$(LOCAL_BASE) bash tools/setup-host.sh build

## test-host: make this machine ready for `make test` (build-host, plus the Debian packages the tests use, and Podman)
test-host:
	BASE_IMAGE=$(BASE_IMAGE) BUILDER_BASE=$(BUILDER_BASE) LOCAL_BASE=$(LOCAL_BASE) bash tools/setup-host.sh test

$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tests/requirements.txt
	touch $@

## venv: the test tools (pytest, shellcheck, hadolint, ...) in VENV, from tests/requirements.txt
venv: $(VENV)/.installed

## init: my_init and setuser as one static executable in dist/my_init/ (a static CPython built with musl, then Nuitka),
##   and runit's programs as one static executable in dist/runit/ (BusyBox's runit applets, musl)
init:
	STATIC_SOURCES=build/out/sources bash build/static-runit.sh dist/runit
	bash build/static-python.sh $(STATIC_PYTHON)
	PYTHON=$(STATIC_PYTHON)/bin/python3 bash build/build.sh dist/my_init

## init-arm64: the static my_init and runit for arm64 in dist/arm64/, built under emulation (root; qemu-user-static; slow)
init-arm64:
	PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) bash tools/build-init-arch.sh arm64 dist/arm64/my_init

## test-arm64: the PID-1 smoke cases (exit code, signals, orphans, stop) on dist/arm64/my_init and dist/arm64/runit, emulated
test-arm64: venv
	MY_INIT_DIST=dist/arm64/my_init MY_INIT_RUNIT=dist/arm64/runit $(PYTEST) -k compiled tests/init/test_exit_status.py \
	  tests/init/test_signals.py tests/init/test_zombies.py tests/init/test_quiet_stop.py

## build: build the builder image, then the image, streaming progress (after build-host)
##   (TAG=... names the image's tag; BUILDER_IMAGE=... reuses a builder; see tools/build-image.sh)
build: build-host
	NAME=$(NAME) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) BUILDER_BASE=$(BUILDER_BASE) \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/build-image.sh

## test: set up the machine (test-host), lint, compile, build the image, then every test
test: test-host lint init build
	IMAGE=$(NAME):$(VERSION) BASE_IMAGE=$(BASE_IMAGE) $(PYTEST) tests

## test-init: only the PID-1 suite (no Docker needed; root needed)
test-init: venv init
	$(PYTEST) tests/init

## lint: shellcheck, hadolint and ruff (ruff.toml) over the tree
lint: venv
	bash tools/lint.sh $(VENV)

## bench: benchmark compiled vs interpreted my_init vs the CPython floor vs tini vs dumb-init
##   (BENCH_DYNAMIC_DIST=DIR also measures a dynamically linked build; the run's JSON, chart
##   and table go into docs/, BENCH_DOCS=0 leaves the docs alone)
bench: init
	bash tools/bench.sh $(if $(BENCH_DYNAMIC_DIST),--dynamic-dist $(BENCH_DYNAMIC_DIST))
	$(if $(filter 0,$(BENCH_DOCS)),,$(PYTHON) tools/publish_bench.py bench)

## bench-image: memory per idle container of IMAGE, of IMAGE with the interpreted init, and of its base with tini
##   (BENCH_CONTAINERS of each, after `make build`; BASE_IMAGE only when given: the
##   default is the image's own base, from its label; published in docs/ as make bench's)
bench-image:
	IMAGE=$(IMAGE) BASE_IMAGE=$(if $(filter file,$(origin BASE_IMAGE)),,$(BASE_IMAGE)) \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/bench-image.sh --containers $(BENCH_CONTAINERS)
	$(if $(filter 0,$(BENCH_DOCS)),,$(PYTHON) tools/publish_bench.py bench-image)

## bench-compare: the same services under IMAGE's my_init, the interpreted one, supervisord, s6 and systemd
##   (as root, after `make build`; BENCH_CONTAINERS of each; writes dist/bench-compare.* and
##   regenerates docs/bench-compare.json/.png, the table in docs/benchmark.md and the README's
##   headline; BENCH_DOCS=0 leaves the docs alone)
bench-compare:
	IMAGE=$(IMAGE) BASE_IMAGE=$(if $(filter file,$(origin BASE_IMAGE)),,$(BASE_IMAGE)) \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/bench-compare.sh --containers $(BENCH_CONTAINERS) $(if $(filter 0,$(BENCH_DOCS)),,--docs)

## base: a local Debian bookworm base image for machines with no registry
base:
	bash tools/make-base.sh $(LOCAL_BASE)

## tag_latest: tag NAME:VERSION as NAME:latest
tag_latest:
	docker tag $(NAME):$(VERSION) $(NAME):latest

## release: build, smoke-check and push each base for each platform, one manifest list per tag, and the static init
##   (REGISTRY=... required; PLATFORMS, BASES, RELEASE_NAME, STAGE; see tools/release.sh)
release: build-host
	REGISTRY=$(REGISTRY) PLATFORMS=$(PLATFORMS) BASES=$(BASES) RELEASE_NAME=$(RELEASE_NAME) VERSION=$(VERSION) STAGE=$(STAGE) \
	  BUILDER_BASE=$(BUILDER_BASE) PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/release.sh

## release-rehearsal-arm64: tests/image/test_release.py for amd64 and arm64: Debian bases for both (arm64 made under emulation), `make release` to a registry on 127.0.0.1, the arm64 image's PID-1 smoke emulated (root; slow)
release-rehearsal-arm64: venv
	docker image inspect $(LOCAL_BASE)-amd64 >/dev/null 2>&1 || docker tag $(LOCAL_BASE) $(LOCAL_BASE)-amd64
	ARCH=arm64 bash tools/make-base.sh $(LOCAL_BASE)-arm64
	RELEASE_PLATFORMS=linux/amd64,linux/arm64 RELEASE_BASE='$(LOCAL_BASE)-{arch}' BUILDER_BASE='$(LOCAL_BASE)-{arch}' \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) $(PYTEST) -v -s -o timeout=10800 tests/image/test_release.py

## clean: remove dist/, build/out/ and the images `make build`, `make bench-image` and `make bench-compare` made
clean:
	rm -rf dist build/out .pytest_cache
	-docker rmi $(NAME):$(VERSION) $(NAME)-builder:$(VERSION) 2>/dev/null
	-docker rmi $(NAME)-bench-interpreted:$(VERSION) $(NAME)-bench-tini:$(VERSION) 2>/dev/null
	-docker rmi $(foreach init,compiled interpreted supervisord s6 systemd,$(NAME)-bench-compare-$(init):$(VERSION)) 2>/dev/null
