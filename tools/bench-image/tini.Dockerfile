# make bench-image, variant "tini": the image's base with tini as PID 1 and an idle main
# command, the smallest container that still has an init. Debian's package is tini; on
# the EL family it comes from EPEL (distro.sh enables EPEL for "epel:" packages).
# tools/bench_image.py passes BASE_IMAGE (the image's own base); no default of its own.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY distro.sh /tmp/bench/distro.sh
RUN bash -c '. /tmp/bench/distro.sh && pkg_install tini && pkg_clean' \
    && rm -rf /tmp/bench \
    && tini --version
ENTRYPOINT ["tini", "--"]
CMD ["sleep", "infinity"]
