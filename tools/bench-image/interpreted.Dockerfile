# make bench-image, variant "interpreted": the image under test with its init interpreted
# instead of compiled. The distribution's python3 runs /sbin/my_init (and /sbin/setuser)
# with -S from the init/ sources, byte-compiled here so no container compiles them at
# boot. Everything else (services, configuration) is the image's own. tools/bench_image.py
# builds it with the context it assembles: this file, distro.sh, init/ and the entry
# scripts.
ARG IMAGE=baseimage-centos:latest
FROM ${IMAGE}
COPY distro.sh /tmp/bench/distro.sh
COPY init/ /usr/lib/my_init-source/
COPY my_init.py /usr/lib/my_init-source/bin/my_init
COPY setuser.py /usr/lib/my_init-source/bin/setuser
RUN bash -c '. /tmp/bench/distro.sh && pkg_install python3 && pkg_clean' \
    && rm -rf /tmp/bench \
    && python3 -m compileall -q /usr/lib/my_init-source \
    && chmod 755 /usr/lib/my_init-source/bin/my_init /usr/lib/my_init-source/bin/setuser \
    && ln -sfn /usr/lib/my_init-source/bin/my_init /sbin/my_init \
    && ln -sfn /usr/lib/my_init-source/bin/setuser /sbin/setuser \
    && /sbin/my_init --version
