"""The PID-1 harness: runs one init variant as PID 1 of a fresh PID namespace over a
private /etc (see sandbox.py). The fixtures are in conftest.py."""

import os
import pwd
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
SANDBOX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sandbox.py")
DIST = os.environ.get("MY_INIT_DIST", os.path.join(ROOT, "dist", "my_init"))
# The interpreter for the interpreted variant and the test programs: the system one,
# which every user (the non-root cases too) can execute.
PYTHON = os.environ.get("TEST_PYTHON", "/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                        else sys.executable)
# Test processes get a PATH without per-user directories (pyenv shims under /root).
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
VARIANTS = ("interpreted", "compiled")
# Directories the init reads; each starts empty (opaque over the host's /etc).
OWN_DIRECTORIES = ("my_init.d", "service", "container_environment", "my_init.pre_shutdown.d",
                   "my_init.post_shutdown.d")


class Variant:
    def __init__(self, name, init_root):
        self.name = name
        self.init_root = init_root  # a copy every user can read (non-root cases)

    def my_init(self):
        if self.name == "interpreted":
            return [PYTHON, "-m", "my_init"]
        return [os.path.join(self.init_root, "dist", "my_init")]

    def setuser(self):
        if self.name == "interpreted":
            return [PYTHON, "-m", "setuser"]
        return [os.path.join(self.init_root, "dist", "setuser")]

    def environment(self):
        env = {"PATH": PATH, "LANG": "C.UTF-8"}
        if self.name == "interpreted":
            env["PYTHONPATH"] = os.path.join(self.init_root, "src")
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


def program(name):
    """argv running tests/init/programs/NAME.py with the system Python."""
    return [PYTHON, os.path.join(PROGRAMS, name + ".py")]


class InitRun:
    """One init in its own namespaces. `etc` is the overlay's upper dir: write files the
    init should see there before start(), read what it wrote there afterwards."""

    def __init__(self, variant, tmp_path):
        self.variant = variant
        self.upper = tmp_path / "upper"
        self.work = tmp_path / "work"
        self.etc = self.upper / "etc"
        self.sbin = self.upper / "sbin"  # seen as /usr/sbin
        self.run_dir = self.upper / "run"  # seen as /run (root's, 0755, as a fresh tmpfs)
        for directory in (self.etc, self.sbin, self.run_dir, self.work / "etc", self.work / "sbin"):
            directory.mkdir(parents=True)
        os.chmod(self.run_dir, 0o755)
        for name in OWN_DIRECTORIES:
            directory = self.etc / name
            directory.mkdir()
            os.setxattr(directory, "trusted.overlay.opaque", b"y")
        os.chmod(self.etc / "container_environment", 0o700)
        self.process = None
        self.stdout = self.stderr = None
        self.started_at = None
        self.ended_at = None
        self.pid_namespace = True

    def write(self, relative, text, mode=0o755):
        """Create /etc/RELATIVE (inside the sandbox) with the given text and mode."""
        path = self.etc / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        os.chmod(path, mode)
        return path

    def add_group(self, name, gid):
        lines = open("/etc/group").read()
        self.write("group", lines + "%s:x:%d:\n" % (name, gid), mode=0o644)

    def start(self, args=(), command=(), env=None, user=None, pid_namespace=True,
              argv=None, preload=None, read_only_etc=False, terminal=None):
        """`terminal`: a pty's slave fd, made the init's stdin and controlling terminal
        (in a new session, as `docker run -t` gives PID 1)."""
        environment = self.variant.environment()
        environment.update(env or {})
        if preload:
            environment["LD_PRELOAD"] = preload
        init_argv = argv if argv is not None else self.variant.my_init()
        init_argv = list(init_argv) + list(args) + (["--"] + list(command) if command else [])
        sandbox = [PYTHON, SANDBOX, str(self.upper), str(self.work)]
        if user is not None:
            entry = pwd.getpwnam(user)
            sandbox += ["--user", "%d:%d" % (entry.pw_uid, entry.pw_gid)]
        self.pid_namespace = pid_namespace
        if not pid_namespace:
            sandbox.append("--no-pid-namespace")
        if read_only_etc:
            sandbox.append("--read-only-etc")
        full = ["unshare", "--mount", "--propagation", "private"] + sandbox + ["--"] + init_argv
        if terminal is not None:
            full = ["setsid", "--ctty"] + full
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(full, env=environment,
                                        stdin=subprocess.DEVNULL if terminal is None else terminal,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def init_pid(self, timeout=10):
        """Host PID of the init (the child of `unshare --fork`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.process.pid
            if self.pid_namespace:
                try:
                    with open("/proc/%d/task/%d/children" % (pid, pid)) as file:
                        children = file.read().split()
                except FileNotFoundError:
                    children = []
                pid = int(children[0]) if children else None
            if pid is not None and self._is_init(pid):
                return pid
            time.sleep(0.01)
        raise AssertionError("init did not start within %ss" % timeout)

    @staticmethod
    def _is_init(pid):
        """True once `pid` has exec'd the init (not unshare, setpriv or the sandbox)."""
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as file:
                argv = file.read().split(b"\0")
        except OSError:
            return False
        launcher = os.path.basename(argv[0]) in (b"unshare", b"setpriv")
        return not launcher and not any(arg.endswith(b"sandbox.py") for arg in argv[:2])

    def wait_for_file(self, relative, timeout=10):
        """Wait until the sandbox's /etc/RELATIVE exists (written by a process inside)."""
        deadline = time.monotonic() + timeout
        path = self.etc / relative
        while time.monotonic() < deadline:
            if path.exists():
                return path
            time.sleep(0.01)
        raise AssertionError("%s did not appear within %ss; stderr so far unknown" % (relative, timeout))

    def signal(self, signum):
        os.kill(self.init_pid(), signum)

    def wait(self, timeout=30):
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.stdout, self.stderr = self.process.communicate()
            raise AssertionError("init did not exit within %ss; stderr:\n%s"
                                 % (timeout, self.stderr.decode(errors="replace")))
        self.ended_at = time.monotonic()
        self.stdout = self.stdout.decode(errors="replace")
        self.stderr = self.stderr.decode(errors="replace")
        return self.process.returncode

    def run(self, *args, timeout=30, **kwargs):
        self.start(*args, **kwargs)
        return self.wait(timeout)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
