"""runit's runtime state under /run, and which services this init can supervise.

runsv keeps each service's state in its `supervise/` directory. The image links those to
/run/runit/supervise.NAME (so a read-only root works); the link targets are created here
at boot, before runsvdir starts. A service runsv could not write state for (a read-only
/etc/service without the link, a non-root user) or that declares it needs root (a file
`needs-root` in its directory, when this init is not root) is skipped with one line. When
any is skipped, runsvdir scans /run/runit/service, which links to the others, instead of
/etc/service.
"""

import os

from my_init.runtime import empty_directory, make_fresh_directory

SERVICE_DIRECTORY = "/etc/service"
STATE_DIRECTORY = "/run/runit"
SCAN_DIRECTORY = "/run/runit/service"
# A file in a service directory: the service cannot run without root.
NEEDS_ROOT = "needs-root"


def service_directories(directory=SERVICE_DIRECTORY):
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    paths = (os.path.join(directory, name) for name in names if not name.startswith("."))
    return [path for path in paths if os.path.isdir(path)]


def supervise_paths(service):
    """The `supervise` of the service and of its log service, if it has one."""
    paths = [os.path.join(service, "supervise")]
    if os.path.isdir(os.path.join(service, "log")):
        paths.append(os.path.join(service, "log", "supervise"))
    return paths


def prepare_supervise(path):
    """Make `path` usable by runsv: the target of a supervise link into /run is created
    (runsv would fail on a dangling link). Returns None when runsv can write its state, else why not."""
    if os.path.islink(path):
        target = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
        # Only runtime state is created: a target elsewhere is the image's to provide.
        if target.startswith("/run/"):
            try:
                os.makedirs(target, mode=0o700, exist_ok=True)
            except OSError as error:
                return "cannot create %s: %s" % (target, error.strerror)
        elif not os.path.isdir(target):
            return "its link target %s does not exist" % target
        state = target
    elif os.path.isdir(path):
        state = path
    else:
        state = os.path.dirname(path)  # runsv creates supervise/ here
    if os.access(state, os.W_OK | os.X_OK):
        return None
    try:
        if os.statvfs(state).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        pass
    return "not writable"


def needs_root(service):
    """The service declares it needs root, and this init is not root."""
    return os.geteuid() != 0 and os.path.exists(os.path.join(service, NEEDS_ROOT))


def why_not_supervised(service):
    """None when runsv can run `service` under this init's user, else the reason."""
    if needs_root(service):
        return "needs root"
    for path in supervise_paths(service):
        reason = prepare_supervise(path)
        if reason is not None:
            return reason
    return None


def run_is_writable():
    """/run, or the state directory already made in it, can take runsv's state."""
    for path in (STATE_DIRECTORY, "/run"):
        if os.path.isdir(path):
            return os.access(path, os.W_OK | os.X_OK)
    return False


def link_scan_directory(services):
    """A fresh SCAN_DIRECTORY holding one link per service. Raises OSError."""
    make_fresh_directory(SCAN_DIRECTORY, 0o755)
    for service in services:
        os.symlink(service, os.path.join(SCAN_DIRECTORY, os.path.basename(service)))


def remove_scan_directory():
    try:
        empty_directory(SCAN_DIRECTORY)
        os.rmdir(SCAN_DIRECTORY)
    except OSError:
        pass


def scan_directory(log):
    """The directory runsvdir should scan: SERVICE_DIRECTORY when every service can be
    supervised; else SCAN_DIRECTORY with the ones that can. None (runit not started)
    when none can, or (one warning) when /run cannot hold their state."""
    services = service_directories()
    if not run_is_writable() and any(os.path.islink(os.path.join(service, "supervise"))
                                     and not needs_root(service) for service in services):
        log.warn("cannot write /run (the services keep their state in %s); runit not "
                 "started: give the container a writable /run (docker run --tmpfs /run)"
                 % STATE_DIRECTORY)
        return None
    kept = []
    for service in services:
        reason = why_not_supervised(service)
        if reason is None:
            kept.append(service)
        elif reason == "needs root":
            log.info("%s needs root, not started as uid %d" % (service, os.geteuid()))
        else:
            log.warn("cannot supervise %s as uid %d (%s); not started"
                     % (service, os.geteuid(), reason))
    if len(kept) == len(services):
        remove_scan_directory()  # one kept from an earlier start would mislead the health check
        return SERVICE_DIRECTORY
    if not kept:
        # Each one said why; the init stays up without runit. An empty scan directory
        # tells the health check (/sbin/my_init_health) that no service should be up, so
        # a restricted container (a Kubernetes probe) is healthy, not failing on services
        # that were never to run (best effort: without it the check sees /etc/service).
        try:
            link_scan_directory([])
        except OSError:
            pass
        return None
    try:
        link_scan_directory(kept)
    except OSError as error:
        log.warn("cannot create %s (%s); runit not started" % (SCAN_DIRECTORY, error.strerror))
        return None
    return SCAN_DIRECTORY
