"""The PID-1 harness: runs one init variant as PID 1 of a fresh PID namespace over a
private /etc (tools/sandbox.py, shared with the bench). The fixtures are in conftest.py."""

import os
import pwd
import select
import shutil
import subprocess
import sys
import time

import sandbox
from paths import ROOT
from waiting import sleep_until

PROGRAMS = os.path.join(ROOT, "tests", "init", "programs")
# The interpreter for the interpreted variant and the test programs: the system one,
# which every user (the non-root cases too) can execute.
PYTHON = os.environ.get("TEST_PYTHON", "/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                        else sys.executable)
VARIANTS = ("interpreted", "compiled")


class Variant:
    def __init__(self, name, init_root):
        self.name = name
        self.init_root = init_root  # a copy every user can read (non-root cases)

    def launcher(self):
        """argv prefix that starts an init the way a container engine does: every signal
        at its default, none blocked (programs/pristine.c, built by conftest.py)."""
        return [os.path.join(self.init_root, "pristine")]

    def my_init(self):
        if self.name == "interpreted":
            return [PYTHON, "-m", "my_init"]
        return [os.path.join(self.init_root, "dist", "my_init")]

    def setuser(self):
        if self.name == "interpreted":
            return [PYTHON, "-m", "setuser"]
        return [os.path.join(self.init_root, "dist", "setuser")]

    def environment(self):
        env = {"PATH": sandbox.CONTAINER_PATH, "LANG": "C.UTF-8"}
        if self.name == "interpreted":
            env["PYTHONPATH"] = os.path.join(self.init_root, "src")
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


class FaultShim:
    """A shim of programs/ (conftest.py's fork_shim, fault_shim), as each variant can take
    it: the interpreted variant's python preloads LIBRARY (set by `env`, so that the
    launchers before it, pristine among them, never load it); the compiled variant, when
    static, runs TEST_BUILD/my_init instead, the test-only build with the shim linked in."""

    def __init__(self, library, test_build=None):
        self.library = library
        self.test_build = test_build

    def init_argv(self, variant):
        """The argv that runs VARIANT's my_init with the shim in it."""
        if variant.name == "compiled" and self.test_build is not None:
            return [os.path.join(self.test_build, "my_init")]
        return ["env", "LD_PRELOAD=" + self.library] + variant.my_init()


def install_exit_tool(init):
    """/sbin/my_init_exit in the sandbox of INIT (/sbin is /usr/sbin, the sandbox's overlay)."""
    shutil.copy(os.path.join(ROOT, "image", "base", "30-my_init", "my_init_exit"),
                init.sbin / "my_init_exit")
    os.chmod(init.sbin / "my_init_exit", 0o755)


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
        sandbox.prepare(self.upper, self.work)
        self.etc = self.upper / "etc"
        self.sbin = self.upper / "sbin"  # seen as /usr/sbin
        sandbox.add_programs(self.upper, os.path.join(variant.init_root, "runit"))
        self.run_dir = self.upper / "run"  # seen as /run (root's, 0755, as a fresh tmpfs)
        self.process = None
        self.stdout = self.stderr = None
        self.stderr_so_far = b""  # what wait_for_stderr has read; wait() keeps it
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
        (in a new session, as `docker run -t` gives PID 1). `preload`: a FaultShim."""
        environment = self.variant.environment()
        environment.update(env or {})
        if preload is not None:
            init_argv = preload.init_argv(self.variant)
        else:
            init_argv = argv if argv is not None else self.variant.my_init()
        init_argv = (self.variant.launcher() + list(init_argv) + list(args)
                     + (["--"] + list(command) if command else []))
        if user is not None:
            entry = pwd.getpwnam(user)
            user = "%d:%d" % (entry.pw_uid, entry.pw_gid)
        self.pid_namespace = pid_namespace
        full = sandbox.command(self.upper, self.work, init_argv, python=PYTHON, user=user,
                               pid_namespace=pid_namespace, read_only_etc=read_only_etc)
        if terminal is not None:
            full = ["setsid", "--ctty"] + full
        self.started_at = time.monotonic()
        self.stderr_so_far = b""
        self.process = subprocess.Popen(full, env=environment,
                                        stdin=subprocess.DEVNULL if terminal is None else terminal,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def init_pid(self, timeout=10):
        """Host PID of the init (the child of `unshare --fork`)."""
        return sleep_until(self._exec_d_init, timeout, "the init to start", interval=0.01)

    def _exec_d_init(self):
        pid = self.process.pid
        if self.pid_namespace:
            try:
                with open("/proc/%d/task/%d/children" % (pid, pid)) as file:
                    children = file.read().split()
            except FileNotFoundError:
                children = []
            pid = int(children[0]) if children else None
        return pid if pid is not None and self._is_init(pid) else None

    @staticmethod
    def _is_init(pid):
        """True once `pid` has exec'd the init (not unshare, setpriv, pristine, env or the sandbox)."""
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as file:
                argv = file.read().split(b"\0")
        except OSError:
            return False
        launcher = os.path.basename(argv[0]) in (b"unshare", b"setpriv", b"pristine", b"env")
        return not launcher and not any(arg.endswith(b"sandbox.py") for arg in argv[:2])

    def wait_for_file(self, relative, timeout=10, directory=None):
        """Wait until the sandbox's /etc/RELATIVE (or DIRECTORY/RELATIVE, e.g. run_dir)
        exists, written by a process inside."""
        path = (directory or self.etc) / relative
        return self.watch(lambda: path.exists() and path, timeout, "%s to appear" % path)

    def wait_for_line(self, path, line, timeout=10):
        """Wait until the text file PATH (written by a process inside) has the line LINE."""
        return self.watch(lambda: path.exists() and line in path.read_text().split("\n"),
                          timeout, "%r in %s" % (line, path))

    def wait_for_stderr(self, text, timeout=10):
        """Wait until the init's stderr, read as it comes, has TEXT."""
        def seen():
            stream = self.process.stderr
            while select.select([stream], [], [], 0)[0]:
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    break
                self.stderr_so_far += chunk
            return text.encode() in self.stderr_so_far
        return self.watch(seen, timeout, "%r on the init's stderr" % text)

    def watch(self, condition, timeout, what):
        """sleep_until CONDITION, failing at once, with the init's stderr, if the init exits
        first. CONDITION is checked first: a file written just before the exit counts."""
        def met_or_exited():
            value = condition()
            if not value and self.process.poll() is not None:
                self.wait()
                raise AssertionError("the init exited (%d) while waiting for %s; stderr:\n%s"
                                     % (self.process.returncode, what, self.stderr))
            return value
        return sleep_until(met_or_exited, timeout, what, interval=0.01)

    def signal(self, signum):
        os.kill(self.init_pid(), signum)

    def wait(self, timeout=30):
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.stdout, self.stderr = self.process.communicate()
            raise AssertionError("init did not exit within %ss; stderr:\n%s"
                                 % (timeout, (self.stderr_so_far + self.stderr).decode(errors="replace"))) from None
        self.ended_at = time.monotonic()
        self.stdout = self.stdout.decode(errors="replace")
        self.stderr = (self.stderr_so_far + self.stderr).decode(errors="replace")
        return self.process.returncode

    def run(self, *args, timeout=30, **kwargs):
        self.start(*args, **kwargs)
        return self.wait(timeout)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
