"""Pre- and post-shutdown hooks: run in order, time-boxed; one that fails or hangs never
skips the steps after it."""

import time

HOOK = "#!/bin/sh\necho %s >> /etc/steps\n"
HANG = "#!/bin/sh\necho %s >> /etc/steps\nexec sleep 1000\n"
FAIL = "#!/bin/sh\necho %s >> /etc/steps\nexit 3\n"
SERVICE = "#!/bin/sh\ntouch /etc/service-up\nexec sleep 1000\n"
FAST = {"SHUTDOWN_HOOK_TIMEOUT": "0.5", "KILL_PROCESS_TIMEOUT": "3", "KILL_ALL_PROCESSES_TIMEOUT": "3"}


def steps(init):
    path = init.etc / "steps"
    return path.read_text().split() if path.exists() else []


def setup_hooks(init, pre, post):
    for name, body in pre:
        init.write("my_init.pre_shutdown.d/" + name, body % name)
    for name, body in post:
        init.write("my_init.post_shutdown.d/" + name, body % name)
    init.write("service/svc/run", SERVICE)


def test_hooks_run_in_order_around_the_runit_stop(init):
    setup_hooks(init, pre=[("20-pre", HOOK), ("10-pre", HOOK)], post=[("10-post", HOOK)])
    main = "while [ ! -e /etc/service-up ]; do sleep 0.05; done; echo main >> /etc/steps"
    assert init.run(command=["sh", "-c", main], env=FAST) == 0
    assert steps(init) == ["main", "10-pre", "20-pre", "10-post"]
    order = [init.stderr.index(s) for s in ("Running /etc/my_init.pre_shutdown.d/10-pre",
                                             "Shutting down runit daemon",
                                             "Running /etc/my_init.post_shutdown.d/10-post")]
    assert order == sorted(order)


def test_failing_hooks_do_not_skip_later_steps(init):
    setup_hooks(init, pre=[("10-fail", FAIL), ("20-pre", HOOK)],
                post=[("10-fail", FAIL), ("20-post", HOOK)])
    main = "while [ ! -e /etc/service-up ]; do sleep 0.05; done"
    assert init.run(command=["sh", "-c", main + "; exit 9"], env=FAST) == 9
    assert steps(init) == ["10-fail", "20-pre", "10-fail", "20-post"]
    assert "10-fail failed with status 3; continuing the shutdown" in init.stderr
    assert "Shutting down runit daemon" in init.stderr


def test_hanging_hooks_are_killed_and_later_steps_run(init):
    setup_hooks(init, pre=[("10-hang", HANG), ("20-pre", HOOK)],
                post=[("10-hang", HANG), ("20-post", HOOK)])
    main = "while [ ! -e /etc/service-up ]; do sleep 0.05; done"
    started = time.monotonic()
    assert init.run(command=["sh", "-c", main], env=FAST, timeout=30) == 0
    elapsed = time.monotonic() - started
    assert steps(init) == ["10-hang", "20-pre", "10-hang", "20-post"]
    assert init.stderr.count("did not exit in time") == 2
    # Bounded by KILL_PROCESS_TIMEOUT + KILL_ALL_PROCESSES_TIMEOUT (+ boot and slack).
    assert elapsed < 3 + 3 + 5, "shutdown took %.1f s" % elapsed
