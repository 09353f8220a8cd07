"""setuser: like `chpst -u` but sets HOME, USER and LOGNAME from the passwd entry."""

import errno
import os
import pwd
import sys

USAGE = "usage: setuser USER COMMAND [ARGS...]\n"


def fail(message, status):
    sys.stderr.write("setuser: %s\n" % message)
    return status


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if len(args) < 2:
        sys.stderr.write(USAGE)
        return 2
    name, command = args[0], args[1:]
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        return fail("user %s not found" % name, 1)
    try:
        os.initgroups(name, user.pw_gid)
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    except OSError as error:
        return fail("cannot become %s: %s" % (name, error.strerror), 1)
    os.environ["HOME"] = user.pw_dir
    os.environ["USER"] = name
    os.environ["LOGNAME"] = name
    try:
        os.execvp(command[0], command)
    except OSError as error:
        status = 127 if error.errno in (errno.ENOENT, errno.ENOTDIR) else 126
        return fail("cannot run %s: %s" % (command[0], error.strerror), status)
