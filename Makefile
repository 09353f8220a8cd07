# baseimage-centos: see README.md. Every target is a thin wrapper around a script,
# so CI, the README and a developer run the same commands.
NAME        ?= baseimage-centos
VERSION     ?= $(shell cat VERSION)
BASE_IMAGE  ?= quay.io/centos/centos:stream10
# The Debian base `make base` produces for machines without a registry.
LOCAL_BASE  ?= local/debian:bookworm
PYTHON      ?= python3
VENV        ?= .venv
# Extra CA bundle / index for networks behind a TLS proxy (optional, never baked into an image).
PIP_CA_BUNDLE ?=
PIP_INDEX_URL ?=
# make bench-image: the image under test and how many idle containers of each variant.
IMAGE            ?= $(NAME):$(VERSION)
BENCH_CONTAINERS ?= 10

TEST_PY  := $(VENV)/bin/python
PYTEST   := $(VENV)/bin/pytest

.PHONY: all init build test test-init test-image lint bench bench-image base tag_latest release clean venv

all: build

$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

## init: compile my_init and setuser with Nuitka into dist/my_init/
init:
	bash build/build.sh dist/my_init

## build: build the builder image, then the image, streaming progress
## (TAG=... names the image's tag; BUILDER_IMAGE=... reuses a builder; see tools/build-image.sh)
build:
	NAME=$(NAME) VERSION=$(VERSION) BASE_IMAGE=$(BASE_IMAGE) \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/build-image.sh

## test: lint, compile, build the image, then every test (PID-1 suite on both variants, image tests)
test: lint init build
	IMAGE=$(NAME):$(VERSION) BASE_IMAGE=$(BASE_IMAGE) $(PYTEST) tests

## test-init: only the PID-1 suite (no Docker needed; root needed)
test-init: venv init
	$(PYTEST) tests/init

## lint: shellcheck, hadolint and ruff (ruff.toml) over the tree
lint: venv
	bash tools/lint.sh $(VENV)

## bench: benchmark compiled vs interpreted my_init vs the CPython floor vs tini vs dumb-init
bench: init
	bash tools/bench.sh

## bench-image: memory of BENCH_CONTAINERS idle containers each of IMAGE, IMAGE with the
## interpreted init, and its base with tini (after `make build`; BASE_IMAGE only when
## given: the default is the image's own base, from its label)
bench-image:
	IMAGE=$(IMAGE) BASE_IMAGE=$(if $(filter file,$(origin BASE_IMAGE)),,$(BASE_IMAGE)) \
	  PIP_CA_BUNDLE=$(PIP_CA_BUNDLE) PIP_INDEX_URL=$(PIP_INDEX_URL) \
	  bash tools/bench-image.sh --containers $(BENCH_CONTAINERS)

## base: a local Debian bookworm base image for machines with no registry
base:
	bash tools/make-base.sh $(LOCAL_BASE)

tag_latest:
	docker tag $(NAME):$(VERSION) $(NAME):latest

release: test tag_latest
	@echo "*** Tagged $(NAME):$(VERSION) and $(NAME):latest; push them with: docker push $(NAME):$(VERSION) && docker push $(NAME):latest"

clean:
	rm -rf dist build/out .pytest_cache
	-docker rmi $(NAME):$(VERSION) $(NAME)-builder:$(VERSION) 2>/dev/null
	-docker rmi $(NAME)-bench-interpreted:$(VERSION) $(NAME)-bench-tini:$(VERSION) 2>/dev/null
