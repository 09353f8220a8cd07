# make bench-compare, init "s6": Debian's s6, s6-svscan as PID 1 with one s6-supervise per
# service (s6/NAME/run: the image's own run scripts for syslog-ng, cron and sshd, and the
# idle main command). runit and my_init stay in the image, unused.
ARG IMAGE
FROM ${IMAGE}
COPY distro.sh /tmp/bench/distro.sh
RUN bash -c '. /tmp/bench/distro.sh && pkg_install s6 && pkg_clean' \
    && rm -rf /tmp/bench
COPY s6/ /etc/s6-bench/
# Host keys made here, once for every container of the image (a bench image only; the
# image makes them per container): made at boot, ssh-keygen's search for RSA primes
# would add a random 0.1 to 2 s to every start and drown the init's share.
RUN /etc/service/sshd/regen_ssh_host_keys.sh
HEALTHCHECK NONE
CMD ["/usr/bin/s6-svscan", "/etc/s6-bench"]
