# The static init alone, for `COPY --from` (tools/release.sh builds it per architecture):
# /usr/lib/my_init/ (my_init, setuser and what it loads beside it) and the links
# /sbin/my_init and /sbin/setuser, as the image has them.
FROM scratch
COPY rootfs/ /
