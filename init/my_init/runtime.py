"""/run/my_init: what my_init tells the other programs of the container.

    pid             my_init's PID (1 in a container), for my_init_exit
    stopping        exists once the shutdown began (my_init_health then fails)
    exit-request.*  written by my_init_exit (see exit_request.py)

Emptied at boot, as every directory my_init keeps under /run (make_fresh_directory):
after `docker restart` the container's /run still holds the last run's files. Without
write access (a non-root container) it is skipped quietly: health then cannot see a
shutdown, and my_init_exit cannot reach my_init.
"""

import os

RUNTIME_DIRECTORY = "/run/my_init"
PID_FILE = "pid"
STOPPING_FILE = "stopping"


def path_of(name):
    return os.path.join(RUNTIME_DIRECTORY, name)


def make_fresh_directory(path, mode):
    """`path` (str or bytes) made with `mode` (less the umask) if missing, else emptied of
    the files and links an earlier start left there; subdirectories are kept. Raises
    OSError."""
    os.makedirs(path, mode=mode, exist_ok=True)
    empty_directory(path)


def empty_directory(path):
    """Remove the files and links in `path` (str or bytes); subdirectories are kept.
    Raises OSError."""
    for name in os.listdir(path):
        try:
            os.unlink(os.path.join(path, name))
        except IsADirectoryError:
            pass


def prepare_runtime_directory(log):
    """Create /run/my_init (0755), empty it, and write the PID. False if impossible."""
    try:
        make_fresh_directory(RUNTIME_DIRECTORY, 0o755)
        write_file(PID_FILE, "%d\n" % os.getpid())
    except OSError as error:
        log.debug("%s not usable (%s): no health state, no exit requests"
                  % (RUNTIME_DIRECTORY, error.strerror))
        return False
    return True


def write_file(name, text):
    """/run/my_init/NAME holding TEXT, replaced atomically (replace_file)."""
    replace_file(path_of(name), text.encode())


def replace_file(path, data):
    """Write DATA beside PATH (a hidden `.NAME.new`), then rename it over PATH: a reader
    sees the old file or the whole new one. Bytes: a text file would look up the
    locale's codec, which a dist built on Python 3.9 lacks."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, ".%s.new" % name)
    with open(temporary, "wb") as file:
        file.write(data)
    os.rename(temporary, path)


def mark_stopping(log):
    try:
        write_file(STOPPING_FILE, "")
    except OSError as error:
        log.debug("cannot write %s (%s)" % (path_of(STOPPING_FILE), error.strerror))
