# Builder: the static my_init (and setuser) and runit's programs for every base, and, per
# base, the services' C helpers. Build it with tools/build-image.sh, which prepares the
# context (including pip-ca.crt: the optional extra CA bundle, empty when none). The
# tagged image holds only /out:
#   /out/my_init/   my_init, one static executable (no ELF interpreter, no shared library:
#                   the same bytes on every base), and setuser, a link to it
#   /out/runit/     runit-busybox, one static executable (BusyBox's runit applets), and
#                   runsvdir runsv sv svlogd chpst, links to it
#   /out/services/  each service's C helper libraries (NAME/FILE.so from image/services/NAME/FILE.c)
# Works with the legacy builder (no BuildKit features). BUILDER_BASE and BASE_IMAGE have no
# defaults here: tools/build-image.sh passes defaults.env's.
ARG BUILDER_BASE
ARG BASE_IMAGE

# The init and runit's programs, on Debian whatever the image's base: BusyBox, CPython and
# libffi from Debian's sources (checksums pinned in defaults.env) built static with musl,
# then Nuitka (build/build.sh). Nothing here depends on BASE_IMAGE, so every base's build
# shares these layers.
FROM ${BUILDER_BASE} AS init
COPY builder/init-deps.sh /tmp/builder/builder/init-deps.sh
RUN bash /tmp/builder/builder/init-deps.sh
COPY defaults.env /src/defaults.env
COPY build/common.sh build/debian-source.sh build/static-python.sh /src/build/
COPY build/static/ /src/build/static/
RUN bash /src/build/static-python.sh /opt/static-python/python && rm -rf /opt/static-python/sources
# After CPython (minutes; an hour under emulation), so that a change here keeps that layer.
COPY build/static-runit.sh /src/build/
COPY build/busybox/ /src/build/busybox/
RUN STATIC_SOURCES=/tmp/sources bash /src/build/static-runit.sh /out/runit && rm -rf /tmp/sources /out/runit.stamp
COPY build/ /src/build/
COPY init/ /src/init/
# The CA bundle (possibly empty) is only ever in this stage, never in the tagged image.
COPY pip-ca.crt /tmp/builder/pip-ca.crt
ARG PIP_INDEX_URL=
WORKDIR /src
RUN if [ -s /tmp/builder/pip-ca.crt ]; then export PIP_CA_BUNDLE=/tmp/builder/pip-ca.crt; fi \
    && PYTHON=/opt/static-python/python/bin/python3 BUILD_WORK=/tmp/nuitka PIP_NO_CACHE_DIR=1 \
       bash build/build.sh /out/my_init \
    && rm -rf /tmp/nuitka

# The services' helpers, on the image's base (its C library: they are preloaded into
# the base's own daemons).
FROM ${BASE_IMAGE} AS compile
COPY image/lib/ /tmp/builder/image/lib/
COPY builder/deps.sh builder/service-libs.sh /tmp/builder/builder/
RUN bash /tmp/builder/builder/deps.sh
COPY image/services/ /tmp/builder/services/
RUN bash /tmp/builder/builder/service-libs.sh /tmp/builder/services /out/services

FROM scratch
COPY --from=init /out /out
COPY --from=compile /out /out
