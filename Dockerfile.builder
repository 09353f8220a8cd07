# Builder: compiles my_init/setuser with Nuitka and provides runit's tools, on the same
# distribution as the image (the dist must match the image's glibc). Build it with
# tools/build-image.sh, which prepares the context (including pip-ca.crt: the optional
# extra CA bundle, empty when none). The tagged image holds only /out:
#   /out/my_init/   the standalone dist (my_init, setuser, libraries)
#   /out/runit/     runsvdir runsv sv svlogd chpst
#   /out/services/  each service's C helper libraries (NAME/FILE.so from image/services/NAME/FILE.c)
# Works with the legacy builder (no BuildKit features). BASE_IMAGE, RUNIT_URL and
# RUNIT_SHA256 have no defaults here: tools/build-image.sh passes defaults.env's.
ARG BASE_IMAGE

FROM ${BASE_IMAGE} AS compile
COPY image/lib/ /tmp/builder/image/lib/
COPY builder/ /tmp/builder/builder/
RUN bash /tmp/builder/builder/deps.sh

ARG RUNIT_FROM=auto
ARG RUNIT_URL
ARG RUNIT_SHA256
# The CA bundle (possibly empty) is only ever in this stage, never in the tagged image.
COPY pip-ca.crt /tmp/builder/pip-ca.crt
RUN RUNIT_CA_BUNDLE=/tmp/builder/pip-ca.crt bash /tmp/builder/builder/runit.sh /out/runit

# The Python build.sh compiles with: the distribution's where it ships a static libpython
# (Debian), else CPython of the same minor version built static from pinned, checksummed
# sources (EL; builder/build-python.sh says why). Before the sources: cached.
ARG BUILD_PYTHON_FROM=auto
RUN BUILD_PYTHON_FROM=$BUILD_PYTHON_FROM CPYTHON_CA_BUNDLE=/tmp/builder/pip-ca.crt \
    bash /tmp/builder/builder/build-python.sh /opt/build-python /tmp/builder/build-python

COPY init/ /src/init/
COPY build/ /src/build/
ARG PIP_INDEX_URL=
WORKDIR /src
RUN if [ -s /tmp/builder/pip-ca.crt ]; then export PIP_CA_BUNDLE=/tmp/builder/pip-ca.crt; fi \
    && PYTHON=$(cat /tmp/builder/build-python) BUILD_WORK=/tmp/nuitka PIP_NO_CACHE_DIR=1 \
       bash build/build.sh /out/my_init \
    && rm -rf /tmp/nuitka

# Last, so that editing a service's C source does not rebuild my_init.
COPY image/services/ /tmp/builder/services/
RUN bash /tmp/builder/builder/service-libs.sh /tmp/builder/services /out/services

FROM scratch
COPY --from=compile /out /out
