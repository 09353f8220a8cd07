# make bench-image, variant "tini": the image's base with tini as PID 1 and an idle main
# command, the smallest container that still has an init. Debian's package is tini; on
# the EL family it comes from EPEL (distro.sh enables EPEL for "epel:" packages).
ARG BASE_IMAGE=quay.io/centos/centos:stream10
FROM ${BASE_IMAGE}
COPY distro.sh /tmp/bench/distro.sh
RUN bash -c '. /tmp/bench/distro.sh && pkg_install tini && pkg_clean' \
    && rm -rf /tmp/bench \
    && tini --version
ENTRYPOINT ["tini", "--"]
CMD ["sleep", "infinity"]
