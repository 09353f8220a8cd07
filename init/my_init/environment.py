"""The container environment: /etc/container_environment (one file per variable) and its
dumps /etc/container_environment.sh and .json.

Where the exports go: /etc/container_environment while it is writable (as always);
otherwise (read-only root, non-root user) /run/container_environment, created at boot.
A dump path that is a symlink (the image links both into /run) is written where it
points. Variables given to the container are never dropped because a directory could not
be read or written: after a startup script only the variables whose file was seen
earlier and is now gone are dropped.

Works on bytes so that names and values that are not UTF-8 survive the round trip.
Values are never logged: they are often secrets.
"""

import errno
import os

from my_init.runtime import make_fresh_directory

DIRECTORY = b"/etc/container_environment"
# The exports on a read-only root (or for a user who cannot write DIRECTORY).
RUNTIME_DIRECTORY = b"/run/container_environment"
SHELL_DUMP = b"/etc/container_environment.sh"
JSON_DUMP = b"/etc/container_environment.json"
PROFILE_LINK = b"/etc/profile.d/container_environment.sh"
DUMP_GROUP = "docker_env"
DIRECTORY_MODE = 0o700
DUMP_MODE = 0o640
# Left out of the dumps on purpose: they belong to whichever user reads them
# (multi-user containers, upstream phusion/baseimage-docker#86).
PER_USER_NAMES = frozenset((b"HOME", b"USER", b"GROUP", b"UID", b"GID", b"SHELL"))
TEMP_PREFIX = b".my_init-tmp."
SHELL_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def shell_name(name):
    """A name the shell accepts in `export NAME=...`: other bytes become `_`."""
    cleaned = bytes(c if c in SHELL_NAME_BYTES else 0x5F for c in name)
    return b"_" + cleaned if cleaned[:1].isdigit() else cleaned


def shell_quote(value):
    """Single-quote for sh. Written out rather than shlex.quote, which works on str and
    imports re (PID 1's import budget: tests/init/test_import_budget.py)."""
    return b"'" + value.replace(b"'", b"'\"'\"'") + b"'"


def invalid_name_reason(name):
    if not name:
        return "empty name"
    if b"=" in name:
        return "'=' in name"
    if b"\0" in name:
        return "NUL in name"
    return None


def encode_json(environ):
    """The JSON dump, the bytes json.dumps(variables, sort_keys=True) gives for the decoded
    names and values (bytes that are not UTF-8 become \\udcXX). Built from the escaper
    json.dumps itself uses, the C accelerator _json, because the json package imports re
    and compiles its patterns: about 10 ms of CPU at every boot for a few strings, and re
    outside PID 1's budget."""
    from _json import encode_basestring_ascii as json_string

    text = {os.fsdecode(n): os.fsdecode(v) for n, v in environ.items()}
    items = ("%s: %s" % (json_string(name), json_string(text[name])) for name in sorted(text))
    return ("{" + ", ".join(items) + "}").encode("ascii")


def dump_group_id():
    """docker_env's GID, None when there is no such group. Looked up in the booting
    process: the NSS modules the lookup maps (libnss_systemd, libcap: 0.5 MB of RSS) go
    with it at the handover (handover.py); the process that stays up never maps them."""
    import grp

    try:
        return grp.getgrnam(DUMP_GROUP).gr_gid
    except (KeyError, OSError):
        return None


class ContainerEnvironment:
    def __init__(self, log):
        self.log = log
        # A non-root init meets the same refusal at every re-import: say it once per kind.
        self.warned = set()
        # Where variables are exported and re-read: chosen at the first export; None
        # before it, b"" when no directory can be written.
        self.directory = None
        # Names that had a file in the directory at the last import or export: only
        # these may be dropped when their file is gone.
        self.known = set()

    def _warn_once(self, path, action, error):
        if action in self.warned:
            return
        self.warned.add(action)
        what = "import" if action == "read" else "export"
        self.log.warn("cannot %s %s (%s); container environment %s skipped"
                      % (action, os.fsdecode(path), error.strerror, what))

    # -- import -------------------------------------------------------------------

    def read_directory(self, directory=DIRECTORY):
        """The variables defined in the directory, as {name: value} bytes, or None when
        the directory cannot be listed. Bad entries are skipped with a warning naming
        the file."""
        try:
            names = sorted(os.listdir(directory))
        except FileNotFoundError:
            return {}
        except OSError as error:
            self._warn_once(directory, "read", error)
            return None
        variables = {}
        for name in names:
            if name.startswith(TEMP_PREFIX):
                continue
            path = directory + b"/" + name
            reason = invalid_name_reason(name)
            if reason is None:
                try:
                    with open(path, "rb") as file:
                        value = file.read()
                except IsADirectoryError:
                    reason = "a directory"
                except OSError as error:
                    self._warn_once(path, "read", error)
                    continue
            if reason is None and b"\0" in value:
                reason = "NUL in value"
            if reason is not None:
                self.log.warn("%s: %s, not an environment variable; skipped"
                              % (os.fsdecode(path), reason))
                continue
            # Text files usually end with a newline that is not part of the value.
            variables[name] = value[:-1] if value.endswith(b"\n") else value
        return variables

    def import_variables(self, clear, override):
        """Load the directory (the export directory once chosen) into os.environ.
        `clear` drops the variables whose file was there before and is gone now (a
        startup script deleted it); a directory that cannot be read changes nothing, and
        per-user names are always kept."""
        variables = self.read_directory(self.directory or DIRECTORY)
        if variables is None:
            return
        environ = os.environb
        if clear:
            gone = self.known.difference(variables, PER_USER_NAMES)
            for name in [n for n in environ if n in gone]:
                del environ[name]
        for name, value in variables.items():
            if override or name not in environ:
                environ[name] = value
        self.known = set(variables)

    # -- export -------------------------------------------------------------------

    def export_variables(self, to_directory):
        """Write the current environment to the directory (if asked) and to the dumps.
        Stops at the first refusal: what cannot be written once will not be later."""
        if self.directory is None:
            self.directory = self._choose_directory()
        if "write" in self.warned or not self.directory:
            return
        self._write_exports(dict(os.environb), to_directory)

    def _write_exports(self, environ, to_directory):
        """The directory (if asked), the .sh dump, then the .json dump. Each file is first
        written beside its place; then the new ones get the docker_env group and all are
        renamed into place, in that order. A refusal stops the staging: what was staged
        before it is still put in place."""
        directory = self.directory
        dumped = {n: v for n, v in environ.items() if n not in PER_USER_NAMES}
        staged = []  # (path, temp, new file, variable name or None)
        complete = False
        if to_directory:
            existing = set(self._directory_entries(directory))
            for name, value in dumped.items():
                if b"/" in name or name in (b".", b".."):
                    self.log.warn("variable %r cannot be a file name in %s; not written"
                                  % (os.fsdecode(name), os.fsdecode(directory)))
                    continue
                path = directory + b"/" + name
                if name in existing and self._same_content(path, value):
                    self.known.add(name)
                    continue
                if not self._stage(staged, path, value, name):
                    break
            else:
                complete = True
        else:
            complete = True
        if complete:
            shell = b"".join(b"export %s=%s\n" % (shell_name(n), shell_quote(v))
                             for n, v in sorted(dumped.items()))
            complete = (self._stage(staged, self._link_target(SHELL_DUMP), shell)
                        and self._stage(staged, self._link_target(JSON_DUMP), encode_json(environ)))
        group = dump_group_id() if any(new for _path, _temp, new, _name in staged) else None
        for index, (path, temp, new, name) in enumerate(staged):
            if not self._put_in_place(path, temp, new, group):
                for _path, later_temp, _new, _name in staged[index + 1:]:
                    self._remove_quietly(later_temp)
                return
            if name is not None:
                self.known.add(name)
        if complete:
            self._link_profile()

    def _choose_directory(self):
        """DIRECTORY when it is (or can be made) writable; else RUNTIME_DIRECTORY, made
        fresh with DIRECTORY's mode and group; b"" (one warning) when neither works."""
        try:
            os.mkdir(DIRECTORY, DIRECTORY_MODE)
            return DIRECTORY
        except FileExistsError:
            if os.access(DIRECTORY, os.W_OK | os.X_OK):
                return DIRECTORY
            reason = self._why_not_writable()
        except OSError as error:
            reason = error.strerror
        try:
            self._make_runtime_directory()
        except OSError as error:
            self._warn_once(DIRECTORY, "write", OSError(
                error.errno, "%s; nor %s: %s" % (reason, os.fsdecode(RUNTIME_DIRECTORY),
                                                 error.strerror)))
            return b""
        self.log.info("%s: %s; the container environment goes to %s"
                      % (os.fsdecode(DIRECTORY), reason, os.fsdecode(RUNTIME_DIRECTORY)))
        return RUNTIME_DIRECTORY

    @staticmethod
    def _why_not_writable():
        try:
            if os.statvfs(DIRECTORY).f_flag & os.ST_RDONLY:
                return "read-only file system"
        except OSError:
            pass
        return "not writable by uid %d" % os.geteuid()

    @staticmethod
    def _make_runtime_directory():
        """RUNTIME_DIRECTORY, empty (a container restarted without a fresh /run keeps the
        last run's files), with the mode and group the image gave DIRECTORY."""
        try:
            info = os.stat(DIRECTORY)
            mode, gid = info.st_mode & 0o7777, info.st_gid
        except OSError:
            mode, gid = DIRECTORY_MODE, -1
        make_fresh_directory(RUNTIME_DIRECTORY, mode)
        try:
            os.chown(RUNTIME_DIRECTORY, -1, gid)
        except PermissionError:
            pass
        os.chmod(RUNTIME_DIRECTORY, mode)
        if not os.access(RUNTIME_DIRECTORY, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    @staticmethod
    def _directory_entries(directory):
        try:
            return os.listdir(directory)
        except OSError:
            return []

    @staticmethod
    def _new_file_mode():
        """0640, or 0644 when the image made DIRECTORY world-readable: the dumps and
        files follow the directory, since a fresh /run cannot keep modes set at build."""
        try:
            open_to_all = os.stat(DIRECTORY).st_mode & 0o004
        except OSError:
            open_to_all = 0
        return DUMP_MODE | 0o004 if open_to_all else DUMP_MODE

    @staticmethod
    def _link_target(path):
        """Where a dump is written: `path`, or the file it links to (the image links the
        dumps into /run so they work on a read-only root)."""
        try:
            target = os.readlink(path)
        except OSError:
            return path
        return os.path.join(os.path.dirname(path), target)

    @staticmethod
    def _same_content(path, value):
        try:
            with open(path, "rb") as file:
                current = file.read()
        except OSError:
            return False
        return current == value or current == value + b"\n"

    def _stage(self, staged, path, data, name=None):
        """Write DATA to a temp file beside PATH and add it to STAGED; False (warned) on a
        refusal. Readers and a crash never see half a file: it only takes PATH's place
        by a rename (_put_in_place). A file that exists keeps its mode and owner (users
        may relax them); a new one gets _new_file_mode(), and its group later."""
        directory, _, base = path.rpartition(b"/")
        temp = directory + b"/" + TEMP_PREFIX + base
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        except OSError as error:
            self._warn_once(path, "write", error)
            return False
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW,
                         0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if current is not None:
                    self._chown(fd, current.st_uid, current.st_gid)
                    os.fchmod(fd, current.st_mode & 0o7777)
                else:
                    os.fchmod(fd, self._new_file_mode())
            finally:
                os.close(fd)
        except OSError as error:
            self._warn_once(path, "write", error)
            self._remove_quietly(temp)
            return False
        staged.append((path, temp, current is None, name))
        return True

    def _put_in_place(self, path, temp, new, group):
        """A new file gets the docker_env group (when it exists); then TEMP replaces PATH."""
        try:
            if new and group is not None:
                try:
                    os.chown(temp, -1, group, follow_symlinks=False)
                except PermissionError:
                    pass  # not root: the file stays ours, which is all a non-root init can do
            os.replace(temp, path)
        except OSError as error:
            self._warn_once(path, "write", error)
            self._remove_quietly(temp)
            return False
        return True

    @staticmethod
    def _remove_quietly(path):
        try:
            os.unlink(path)
        except OSError:
            pass

    @staticmethod
    def _chown(fd, uid, gid):
        try:
            os.fchown(fd, uid, gid)
        except PermissionError:
            pass  # not root: the file stays ours, which is all a non-root init can do

    def _link_profile(self):
        """Login shells source the .sh dump through /etc/profile.d, as upstream set up."""
        try:
            os.symlink(SHELL_DUMP, PROFILE_LINK)
        except FileExistsError:
            pass
        except OSError as error:
            # No /etc/profile.d: nothing to link into. A failure here must not stop the
            # later dump rewrites, so it has its own once-only warning.
            if error.errno != errno.ENOENT and "link" not in self.warned:
                self.warned.add("link")
                self.log.warn("cannot create %s (%s); login shells will not source the "
                              "container environment" % (os.fsdecode(PROFILE_LINK), error.strerror))
