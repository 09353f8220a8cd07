"""The image under resource limits, against a real engine: a service that forks without
end fills the container's pids limit, and `docker stop` still ends the container
cleanly; a service that allocates without end under a memory limit is the one the
kernel kills, runit restarts it, and PID 1 lives on. See docs/my_init.md, "Faults and limits"."""


from image_helpers import exec_in, logs, record_figure, stop_and_record
from waiting import sleep_until

PIDS_LIMIT = 40
MEMORY_LIMIT = "64m"
# A service per test. awk's loop starts `sleep 1000 &` through sh without end and, unlike
# a shell, survives its failed forks: every process slot that frees up is taken again
# at once, so the pids limit stays full (my_init's own `sv` has to fight for a slot).
FORKER_RUN = """#!/bin/sh
exec awk 'BEGIN { while (1) system("sleep 1000 &") }' 2>/dev/null
"""
# tail keeps the last "line" of /dev/zero in memory, and that line never ends.
HOG_RUN = """#!/bin/sh
echo started >> /run/hog.log
exec tail /dev/zero
"""
SERVICE_IMAGE = """FROM {image}
COPY run /etc/service/%s/run
RUN chmod 755 /etc/service/%s/run
"""


def service_image(image_builder, name, run):
    return image_builder.build(SERVICE_IMAGE % (name, name), {"run": run})


def stop_and_check(container, what):
    state = stop_and_record(container, what)
    text = logs(container)
    # 137 would be Docker's SIGKILL at the end of its 10 s grace: my_init did not finish.
    assert state["ExitCode"] == 0, "exit code %s; logs:\n%s" % (state["ExitCode"], text)
    assert "Traceback" not in text, text
    assert "SIGTERM received, shutting down" in text, text
    return state, text


def pids(container):
    stats = container.stats(stream=False)["pids_stats"]
    return stats.get("current", 0), stats.get("limit")


def runsvdir_pids(container):
    """Host PIDs of runsvdir (docker top: no process has to start inside the container)."""
    top = container.top(ps_args="-eo pid,args")
    column = top["Titles"].index("COMMAND")
    return [row[0] for row in top["Processes"] if row[column].startswith("runsvdir")]


def test_full_pids_limit_still_stops_cleanly(containers, image_builder):
    image = service_image(image_builder, "forker", FORKER_RUN)
    container = containers.booted(image=image, pids_limit=PIDS_LIMIT)
    full = sleep_until(lambda: pids(container)[0] >= PIDS_LIMIT and pids(container), 30,
                       what="the forker to fill the pids limit")
    assert full[1] == PIDS_LIMIT
    state, text = stop_and_check(container, "pids limit %d full" % PIDS_LIMIT)
    assert not state["OOMKilled"]
    # Which way the services stopped depends on who won the freed slots: say which.
    without_sv = "cannot start sv: fork failed" in text
    record_figure("pids limit %d full" % PIDS_LIMIT, "sv could not start, runsv signalled directly"
                  if without_sv else "sv started (after retries if needed)")


def test_memory_hog_is_killed_and_restarted_while_pid1_lives(containers, image_builder):
    image = service_image(image_builder, "hog", HOG_RUN)
    container = containers.booted(image=image, mem_limit=MEMORY_LIMIT, memswap_limit=MEMORY_LIMIT)
    runsvdir_before = runsvdir_pids(container)

    def starts():
        return len(exec_in(container, ["cat", "/run/hog.log"]).stdout.split())

    # Three starts: the hog was killed by the kernel twice and runit restarted it each time.
    sleep_until(lambda: starts() >= 3, 60, what="the hog to be OOM-killed and restarted twice")
    assert exec_in(container, ["readlink", "/proc/1/exe"]).stdout.strip() == "/usr/lib/my_init/my_init"
    assert runsvdir_pids(container) == runsvdir_before
    rss = exec_in(container, "grep -E '^(VmRSS|VmHWM)' /proc/1/status").stdout.split()
    record_figure("memory limit %s" % MEMORY_LIMIT, "hog started %d times; my_init %s" % (starts(), " ".join(rss)))
    state, text = stop_and_check(container, "memory limit %s, hog restarting" % MEMORY_LIMIT)
    # Docker reports an OOM kill inside the container; PID 1 was not the one killed.
    assert state["OOMKilled"], "the hog was never OOM-killed"
