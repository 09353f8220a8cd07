# make bench-compare, init "interpreted": phusion's way, python3 running my_init from
# its sources with runit, i.e. make bench-image's interpreted variant
# (tools/bench-image/interpreted.Dockerfile, which tools/bench_compare.py builds first and
# passes as INTERPRETED_IMAGE), with the same changes as compiled.Dockerfile.
ARG INTERPRETED_IMAGE
FROM ${INTERPRETED_IMAGE}
# Host keys made here, once for every container of the image (a bench image only; the
# image makes them per container): made at boot, ssh-keygen's search for RSA primes
# would add a random 0.1 to 2 s to every start and drown the init's share.
RUN rm -f /etc/service/sshd/down \
    && /etc/service/sshd/regen_ssh_host_keys.sh
HEALTHCHECK NONE
CMD ["/sbin/my_init", "--", "sleep", "infinity"]
