# make bench-compare, init "systemd": Debian's systemd as PID 1 with one unit per service
# (systemd/bench-*.service: the image's own run scripts for syslog-ng, cron and sshd, and
# the idle main command). The units Debian's packages enabled for the same daemons, and
# what a container has no use for (udev, logind, gettys), are masked. journald holds
# /dev/log and forwards to syslog-ng (systemd/bench-syslog-ng.service). It needs more
# from `docker run` than the others (tools/bench_compare.py: RUN_OPTIONS); docker stop
# sends SIGRTMIN+3, systemd's "halt". runit and my_init stay in the image, unused.
ARG IMAGE
FROM ${IMAGE}
COPY distro.sh /tmp/bench/distro.sh
RUN bash -c '. /tmp/bench/distro.sh && pkg_install systemd && pkg_clean' \
    && rm -rf /tmp/bench
COPY systemd/*.service /etc/systemd/system/
COPY systemd/journald.conf.d/ /etc/systemd/journald.conf.d/
RUN systemctl mask cron.service ssh.service syslog-ng.service systemd-udevd.service \
        systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-logind.service \
        getty.target console-getty.service \
    && systemctl enable bench-syslog-ng.service bench-cron.service bench-sshd.service bench-main.service \
    && systemctl set-default multi-user.target
ENV container=docker
STOPSIGNAL SIGRTMIN+3
# Host keys made here, once for every container of the image (a bench image only; the
# image makes them per container): made at boot, ssh-keygen's search for RSA primes
# would add a random 0.1 to 2 s to every start and drown the init's share.
RUN /etc/service/sshd/regen_ssh_host_keys.sh
HEALTHCHECK NONE
CMD ["/lib/systemd/systemd"]
