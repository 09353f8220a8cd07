"""An unexpected exception in PID 1 is reported in one line (the traceback only with
--verbose), the normal shutdown still runs, and my_init exits 70. One raised inside a
shutdown step is reported and the next step runs.

The exception is injected from outside, by the fault_shim fixture
(programs/pid1_faults.c): with FAULT_ON_SIGNAL=N, PID 1's wait for a signal fails with
ENOTRECOVERABLE when it would have returned N, so Python raises OSError in my_init's
event loop, as a bug would."""

import errno
import os
import signal

import pytest

FAULT = {"FAULT_ON_SIGNAL": str(int(signal.SIGUSR1)), "KILL_PROCESS_TIMEOUT": "3",
         "KILL_ALL_PROCESSES_TIMEOUT": "2"}
SERVICE = ("#!/bin/sh\ntrap 'echo service >> /etc/stopped; exit 0' TERM\n"
           "touch /etc/service-up\nwhile :; do sleep 0.05; done\n")
REPORT = "*** unexpected error in my_init: OSError: [Errno %d] %s" % (
    errno.ENOTRECOVERABLE, os.strerror(errno.ENOTRECOVERABLE))
STEP = "#!/bin/sh\necho %s >> /etc/steps\n"


def lines(init, name):
    path = init.etc / name
    return path.read_text().split() if path.exists() else []


def setup_services_and_hooks(init):
    init.write("service/svc/run", SERVICE)
    init.write("my_init.pre_shutdown.d/10-pre", STEP % "10-pre")
    init.write("my_init.post_shutdown.d/10-post", STEP % "10-post")


@pytest.mark.parametrize("with_main_command", [True, False], ids=["main-command", "runit-mode"])
def test_unexpected_error_is_one_line_then_the_normal_shutdown(init, fault_shim, with_main_command):
    setup_services_and_hooks(init)
    main = ["sh", "-c", "trap 'echo main >> /etc/stopped; exit 0' TERM; touch /etc/main-up; "
            "while :; do sleep 0.05; done"] if with_main_command else []
    init.start(command=main, env=FAULT, preload=fault_shim)
    init.wait_for_file("service-up")
    if with_main_command:
        init.wait_for_file("main-up")
    init.signal(signal.SIGUSR1)
    assert init.wait() == 70, init.stderr
    assert init.stderr.count(REPORT + " (traceback with --verbose)\n") == 1, init.stderr
    assert "Traceback" not in init.stderr
    assert lines(init, "steps") == ["10-pre", "10-post"]
    assert "service" in lines(init, "stopped"), init.stderr
    if with_main_command:
        assert "main" in lines(init, "stopped"), init.stderr


def test_verbose_shows_the_traceback(init, fault_shim):
    init.write("my_init.d/10-fault", "#!/bin/sh\nkill -USR1 1\nsleep 0.5\n")
    assert init.run(args=["--verbose", "--skip-runit"], command=["true"], env=FAULT,
                    preload=fault_shim) == 70
    assert REPORT + "\n" in init.stderr
    assert "--- Traceback (most recent call last):" in init.stderr
    assert "--- OSError: [Errno %d] " % errno.ENOTRECOVERABLE in init.stderr
    assert ", in wait_and_forward_signal\n" in init.stderr  # where it was raised
    assert "/etc/my_init.d/10-fault" not in init.stderr.split(REPORT)[1].split("Traceback")[0]


def test_error_inside_a_shutdown_step_does_not_skip_the_next_ones(init, fault_shim):
    setup_services_and_hooks(init)
    # The first pre-shutdown hook makes PID 1 raise while it waits for that hook.
    init.write("my_init.pre_shutdown.d/05-fault", "#!/bin/sh\necho 05-fault >> /etc/steps\n"
               "kill -USR1 1\nexec sleep 1000\n")
    main = "while [ ! -e /etc/service-up ]; do sleep 0.05; done; exit 4"
    assert init.run(command=["sh", "-c", main], env=FAULT, preload=fault_shim) == 70, init.stderr
    assert init.stderr.count(REPORT) == 1, init.stderr
    # The rest of the failed step is abandoned (10-pre); the steps after it run.
    assert lines(init, "steps") == ["05-fault", "10-post"]
    assert "service" in lines(init, "stopped"), init.stderr
    assert "Shutting down runit daemon" in init.stderr
    assert "Traceback" not in init.stderr
