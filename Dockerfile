# The image: the builder's output (compiled my_init, runit) on BASE_IMAGE, then the steps
# under image/ (base system, then services). Build it with tools/build-image.sh (`make
# build`), which builds Dockerfile.builder first. Works with the legacy builder.
# `make build` tags the builder NAME-builder:VERSION and NAME-builder:latest, so after it a
# plain `docker build .` finds the default below. BASE_IMAGE has no default here (its home
# is defaults.env): a plain `docker build` must pass the builder's base with `--build-arg
# BASE_IMAGE=...`; without it docker stops at once ("base name (${BASE_IMAGE}) should not
# be blank").
ARG BUILDER_IMAGE=baseimage-centos-builder:latest
ARG BASE_IMAGE

FROM ${BUILDER_IMAGE} AS builder

FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=dev
# 1 leaves the service out of the image (see image/install.sh).
ARG DISABLE_SYSLOG=0
ARG DISABLE_SSH=0
ARG DISABLE_CRON=0

LABEL org.opencontainers.image.title="baseimage-centos" \
      org.opencontainers.image.description="CentOS-family base image with a compiled my_init, runit, syslog-ng, logrotate, cron and sshd" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

# Straight to their final places: copying through /tmp would keep a second copy in a layer.
COPY --from=builder /out/my_init/ /usr/lib/my_init/
COPY --from=builder /out/runit/ /usr/bin/
COPY image/ /tmp/image/
# The services' compiled helpers, beside their sources (see Dockerfile.builder).
COPY --from=builder /out/services/ /tmp/image/services/
RUN IMAGE_BUILD=1 bash /tmp/image/install.sh

ENV LANG=en_US.UTF-8 \
    LANGUAGE=en_US:en
# Healthy when every runit service that should be up is up and ready (README: "Health
# check"). A shell and one `sv` per service every 30 s; 20 s to boot before failures
# count; turn it off in a derived image with `HEALTHCHECK NONE`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/sbin/my_init_health"]
CMD ["/sbin/my_init"]
