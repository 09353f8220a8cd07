"""fork failing for lack of processes or memory (a full pids cgroup, RLIMIT_NPROC, a
memory limit): retried briefly, then one line naming what could not be started; the
main command gives exit 71 after the normal shutdown, a startup script fails the boot,
a hook is skipped, and at shutdown the services are stopped, and killed when they
ignore SIGTERM, without `sv`.

Forks fail through the fork_shim fixture (programs/fail_fork.c): while /etc/no-fork
exists in the sandbox, every fork() of PID 1 fails with EAGAIN, or with the errno
number written in the file. Scripts inside the sandbox create and remove it. One case
uses the real RLIMIT_NPROC instead (prlimit), as the issue reported it.
"""

import errno
import signal
import time

import pytest

NO_FORK = "/etc/no-fork"
FAST = {"KILL_PROCESS_TIMEOUT": "3", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
# A process that outlives the startup script (reparented to PID 1) and leaves a mark when
# the shutdown's kill-all step sends it SIGTERM.
BACKGROUND = "(trap 'echo > /etc/background-stopped; exit 0' TERM; while :; do sleep 0.05; done) &\n"
UNUSED_UID = 61313
# strerror's words: glibc's (the interpreted init's python), musl's (the static my_init).
REASONS = {errno.EAGAIN: ("Resource temporarily unavailable",),
           errno.ENOMEM: ("Cannot allocate memory", "Out of memory")}


def start_failing(init, shim, **kwargs):
    env = dict(FAST, FAIL_FORK_WHILE=NO_FORK)
    env.update(kwargs.pop("env", {}))
    return init.run(env=env, preload=shim, **kwargs)


def steps(init):
    path = init.etc / "steps"
    return path.read_text().split() if path.exists() else []


@pytest.mark.parametrize("error", [errno.EAGAIN, errno.ENOMEM])
def test_main_command_that_cannot_be_forked_gives_71_after_the_shutdown(init, fork_shim, error):
    init.write("my_init.d/10-block", "#!/bin/sh\n%secho %d > %s\n" % (BACKGROUND, error, NO_FORK))
    code = start_failing(init, fork_shim, args=["--skip-runit"],
                         command=["sh", "-c", "echo main >> /etc/steps"])
    assert code == 71, init.stderr
    lines = ["*** cannot start sh: fork failed: %s\n" % reason for reason in REASONS[error]]
    assert sorted(init.stderr.count(line) for line in lines) == [0] * (len(lines) - 1) + [1], init.stderr
    assert steps(init) == []
    # The normal shutdown ran: the process left by the startup script was stopped.
    assert "Killing all processes" in init.stderr
    assert (init.etc / "background-stopped").exists(), init.stderr
    assert "Traceback" not in init.stderr


def test_process_limit_of_the_user(init):
    # The real thing, no shim: RLIMIT_NPROC=1 for a user whose one process is PID 1. The
    # limit counts the user's processes host-wide: a uid nothing else runs as, not nobody.
    argv = (["prlimit", "--nproc=1", "setpriv", "--reuid=%d" % UNUSED_UID, "--regid=%d" % UNUSED_UID,
             "--clear-groups", "--"] + init.variant.my_init())
    assert init.run(argv=argv, args=["--skip-runit"], command=["sh", "-c", "exit 3"]) == 71
    assert "*** cannot start sh: fork failed: Resource temporarily unavailable\n" in init.stderr
    assert "Traceback" not in init.stderr


def test_a_shortage_that_passes_is_waited_out(init, fork_shim):
    # Forks fail for 0.3 s, well inside the retry window: the main command still runs.
    init.write("my_init.d/10-block", "#!/bin/sh\ntouch %s\n(sleep 0.3; rm %s) &\n" % (NO_FORK, NO_FORK))
    code = start_failing(init, fork_shim, args=["--skip-runit"],
                         command=["sh", "-c", "echo main >> /etc/steps; exit 5"])
    assert code == 5, init.stderr
    assert steps(init) == ["main"]
    assert "cannot start sh" not in init.stderr


def test_stop_during_the_retry_reaches_the_command_once_started(init, fork_shim):
    # Forks fail for 0.6 s; SIGTERM arrives meanwhile. The main command, started late,
    # gets it at once (143) instead of running until KILL_PROCESS_TIMEOUT's SIGKILL (137).
    init.write("my_init.d/10-block", "#!/bin/sh\ntouch %s\n(sleep 0.6; rm %s) &\n" % (NO_FORK, NO_FORK))
    init.start(args=["--skip-runit"], command=["sleep", "100"], preload=fork_shim,
               env=dict(FAST, FAIL_FORK_WHILE=NO_FORK))
    init.wait_for_file("no-fork")
    time.sleep(0.2)  # the point: the TERM lands inside the 0.6-s window, while forks fail
    init.signal(signal.SIGTERM)
    assert init.wait() == 128 + signal.SIGTERM, init.stderr
    assert "sleep 100 was killed by SIGTERM" in init.stderr


def test_startup_script_that_cannot_be_forked_fails_the_boot(init, fork_shim):
    init.write("my_init.d/10-block", "#!/bin/sh\ntouch %s\n" % NO_FORK)
    init.write("my_init.d/20-next", "#!/bin/sh\necho 20-next >> /etc/steps\n")
    init.write("my_init.d/30-last", "#!/bin/sh\necho 30-last >> /etc/steps\n")
    code = start_failing(init, fork_shim, args=["--skip-runit"],
                         command=["sh", "-c", "echo main >> /etc/steps"])
    assert code == 71, init.stderr
    assert ("*** cannot start /etc/my_init.d/20-next: fork failed: Resource temporarily "
            "unavailable\n") in init.stderr
    assert steps(init) == []
    assert "Running /etc/my_init.d/30-last" not in init.stderr
    assert "Traceback" not in init.stderr


def test_hooks_that_cannot_be_forked_are_skipped(init, fork_shim):
    for directory in ("my_init.pre_shutdown.d", "my_init.post_shutdown.d"):
        init.write(directory + "/10-hook", "#!/bin/sh\necho %s >> /etc/steps\n" % directory)
    code = start_failing(init, fork_shim, args=["--skip-runit"],
                         command=["sh", "-c", "touch %s; exit 3" % NO_FORK])
    assert code == 3, init.stderr
    for directory in ("my_init.pre_shutdown.d", "my_init.post_shutdown.d"):
        assert ("*** WARNING: cannot start /etc/%s/10-hook: fork failed: Resource temporarily "
                "unavailable; hook skipped\n" % directory) in init.stderr
    assert steps(init) == []
    assert "Traceback" not in init.stderr


def test_runit_that_cannot_be_forked_fails_the_boot(init, fork_shim):
    init.write("service/svc/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("my_init.d/10-block", "#!/bin/sh\ntouch %s\n" % NO_FORK)
    code = start_failing(init, fork_shim, command=["sh", "-c", "echo main >> /etc/steps"])
    assert code == 71, init.stderr
    assert "*** cannot start runsvdir: fork failed: Resource temporarily unavailable\n" in init.stderr
    assert steps(init) == []
    assert "Traceback" not in init.stderr


def test_services_stop_through_runsv_when_sv_cannot_be_forked(init, fork_shim):
    init.write("service/svc/run", "#!/bin/sh\ntrap 'echo > /etc/service-stopped; exit 0' TERM\n"
               "touch /etc/service-up\nwhile :; do sleep 0.05; done\n")
    main = "while [ ! -e /etc/service-up ]; do sleep 0.05; done; touch %s" % NO_FORK
    code = start_failing(init, fork_shim, command=["sh", "-c", main])
    assert code == 0, init.stderr
    assert ("*** WARNING: cannot start sv: fork failed: Resource temporarily unavailable; "
            "sending SIGTERM to each runsv instead") in init.stderr
    assert (init.etc / "service-stopped").exists(), init.stderr
    # runsv stopped its service and exited: nothing was left for the kill-all step.
    assert "Killing all processes" not in init.stderr
    assert "SIGKILL" not in init.stderr
    assert "Traceback" not in init.stderr


def test_service_ignoring_term_is_killed_without_sv_and_without_the_kill_all(init, fork_shim):
    # sv cannot be forked at shutdown, the service ignores the SIGTERM runsv passes on, and
    # there is no kill-all step: the SIGKILL still reaches it, through its runsv. runsv
    # (told to exit) leaves at once, so PID 1 reaps the killed service; it does so while
    # it retries the post-shutdown hook's fork, which lets the debug log show it.
    init.write("service/stubborn/run", "#!/bin/sh\ntrap '' TERM\necho $$ > /etc/service-pid\n"
               "while :; do sleep 0.05; done\n")
    init.write("my_init.post_shutdown.d/10-hook", "#!/bin/sh\n")
    main = "while [ ! -e /etc/service-pid ]; do sleep 0.05; done; touch %s" % NO_FORK
    code = start_failing(init, fork_shim, args=["--no-kill-all-on-exit", "--verbose"],
                         command=["sh", "-c", main], env={"KILL_PROCESS_TIMEOUT": "1"})
    assert code == 0, init.stderr
    assert "cannot start sv: fork failed" in init.stderr
    assert ("*** WARNING: runit services still running after KILL_PROCESS_TIMEOUT; "
            "sending SIGKILL\n") in init.stderr
    service_pid = int((init.etc / "service-pid").read_text())
    assert "--- reaped orphan PID %d (status 137)\n" % service_pid in init.stderr, init.stderr
    assert "Killing all processes" not in init.stderr
    assert "kill-all step" not in init.stderr and "Traceback" not in init.stderr
