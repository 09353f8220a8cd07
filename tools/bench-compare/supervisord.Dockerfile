# make bench-compare, init "supervisord": Debian's supervisor (Python) as PID 1 running
# the image's own run scripts for syslog-ng, cron and sshd, and the idle main command as
# a fourth program (supervisord.conf). runit and my_init stay in the image, unused.
ARG IMAGE
FROM ${IMAGE}
COPY distro.sh /tmp/bench/distro.sh
RUN bash -c '. /tmp/bench/distro.sh && pkg_install supervisor && pkg_clean' \
    && rm -rf /tmp/bench \
    && supervisord --version
COPY supervisord.conf /etc/supervisor/supervisord.conf
# Host keys made here, once for every container of the image (a bench image only; the
# image makes them per container): made at boot, ssh-keygen's search for RSA primes
# would add a random 0.1 to 2 s to every start and drown the init's share.
RUN /etc/service/sshd/regen_ssh_host_keys.sh
HEALTHCHECK NONE
CMD ["/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"]
