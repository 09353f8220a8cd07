# make bench-compare, init "compiled": the image under test as it is (compiled my_init,
# runit), with sshd enabled like syslog-ng and cron, and an idle main command. The other
# inits' images start from the same image, so every init runs the same daemons with the
# same configuration and the same run scripts (/etc/service/*/run). No health check in
# any of them: the image's would run `sv` every 30 s, which only runit variants have.
# tools/bench_compare.py passes IMAGE; no default of its own.
ARG IMAGE
FROM ${IMAGE}
# Host keys made here, once for every container of the image (a bench image only; the
# image makes them per container): made at boot, ssh-keygen's search for RSA primes
# would add a random 0.1 to 2 s to every start and drown the init's share.
RUN rm -f /etc/service/sshd/down \
    && /etc/service/sshd/regen_ssh_host_keys.sh
HEALTHCHECK NONE
CMD ["/sbin/my_init", "--", "sleep", "infinity"]
