"""Critical services and my_init_exit: a service whose directory holds `critical` ends
the container with its status (code, or 128+N) when its process exits, unless it was
stopped on purpose (`sv down`) or the container is stopping; a main command is stopped
first. Any script ends the container with a chosen code through my_init_exit."""

import os
import signal

from pid1 import install_exit_tool

TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "2", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
# Waits until the file /etc/$1 exists (written by another process of the sandbox).
WAIT_FOR = "until [ -e /etc/%s ]; do sleep 0.05; done"


def add_critical(init, name, run):
    init.write("service/%s/run" % name, run)
    init.write("service/%s/critical" % name, "", mode=0o644)


def test_critical_service_exit_code_ends_the_container(init):
    install_exit_tool(init)
    add_critical(init, "crashy", "#!/bin/sh\nsleep 0.3\nexit 3\n")
    init.write("service/other/run", "#!/bin/sh\nexec sleep 1000\n")
    assert init.run(env=TIMEOUTS) == 3, init.stderr
    assert "critical service crashy exited with 3, shutting down" in init.stderr
    # The reporting finish was linked at boot.
    assert os.readlink(init.etc / "service" / "crashy" / "finish") == "/sbin/my_init_exit"


def test_critical_service_killed_by_signal_gives_128_plus_n(init):
    install_exit_tool(init)
    add_critical(init, "victim", "#!/bin/sh\nsleep 0.3\nkill -s USR1 $$\n")
    assert init.run(env=TIMEOUTS) == 128 + signal.SIGUSR1, init.stderr
    assert "critical service victim killed by SIGUSR1" in init.stderr


def test_own_finish_script_reports_through_my_init_exit(init):
    install_exit_tool(init)
    add_critical(init, "custom", "#!/bin/sh\nsleep 0.3\nexit 5\n")
    init.write("service/custom/finish",
               "#!/bin/sh\necho \"finish $1 $2\" >> /etc/finish.log\nexec my_init_exit --finish \"$@\"\n")
    assert init.run(env=TIMEOUTS) == 5, init.stderr
    assert (init.etc / "finish.log").read_text() == "finish 5 0\n"


def test_main_command_is_stopped_first(init):
    install_exit_tool(init)
    # The critical service exits once the main command is ready to be stopped.
    add_critical(init, "crit", "#!/bin/sh\n%s\nexit 7\n" % (WAIT_FOR % "main.ready"))
    init.write("service/other/run", "#!/bin/sh\n"
               "trap 'echo other >> /etc/order; exit 0' TERM\n"
               "while :; do sleep 0.05; done\n")
    main = ("trap 'echo main >> /etc/order; exit 0' TERM; touch /etc/main.ready; "
            "while :; do sleep 0.05; done")
    assert init.run(command=["sh", "-c", main], env=TIMEOUTS) == 7, init.stderr
    assert (init.etc / "order").read_text().split() == ["main", "other"]


def test_sv_down_of_a_critical_service_does_not_end_the_container(init):
    install_exit_tool(init)
    add_critical(init, "crit", "#!/bin/sh\ntouch /etc/crit.up\nexec sleep 1000\n")
    main = (WAIT_FOR % "crit.up") + "; sleep 1.1; sv down /etc/service/crit; " \
        "sv -w 5 check /etc/service/crit >/dev/null; sleep 1; echo survived"
    assert init.run(command=["sh", "-c", main], env=TIMEOUTS) == 0, init.stderr
    assert init.stdout == "survived\n", init.stderr
    assert "critical service crit stopped on request" in init.stderr


def test_shutdown_does_not_count_as_a_critical_exit(init):
    install_exit_tool(init)
    add_critical(init, "crit", "#!/bin/sh\ntouch /etc/crit.up\nexec sleep 1000\n")
    init.start(env=TIMEOUTS)
    init.wait_for_file("crit.up")
    init.signal(signal.SIGTERM)
    assert init.wait() == 0, init.stderr
    assert "critical service crit" not in init.stderr


def test_non_critical_service_exit_is_only_restarted(init):
    install_exit_tool(init)
    init.write("service/flaky/run", "#!/bin/sh\necho run >> /etc/flaky.log\nexit 4\n")
    init.write("service/flaky/finish", "#!/bin/sh\nexec my_init_exit --finish \"$@\"\n")
    # runsv restarts it after a second: wait for the second run.
    main = "until [ $(wc -l < /etc/flaky.log 2>/dev/null || echo 0) -ge 2 ]; do sleep 0.05; done"
    assert init.run(command=["sh", "-c", main], env=TIMEOUTS) == 0, init.stderr


def test_my_init_exit_from_a_service_sets_the_exit_code(init):
    install_exit_tool(init)
    init.write("service/job/run", "#!/bin/sh\nsleep 0.3\nmy_init_exit 42 job done\nexec sleep 1000\n")
    assert init.run(env=TIMEOUTS) == 42, init.stderr
    assert "my_init_exit 42 (job done), shutting down" in init.stderr


def test_my_init_exit_from_the_main_command_stops_it_as_docker_stop_does(init):
    install_exit_tool(init)
    main = "trap 'echo stopped; exit 0' TERM; my_init_exit 9; while :; do sleep 0.05; done"
    assert init.run(command=["sh", "-c", main], env=TIMEOUTS) == 9, init.stderr
    assert init.stdout == "stopped\n"


def test_my_init_exit_rejects_a_bad_code(init):
    install_exit_tool(init)
    script = "my_init_exit 300; echo \"status $?\""
    assert init.run(command=["sh", "-c", script], env=TIMEOUTS) == 0, init.stderr
    assert init.stdout == "status 2\n"
    assert "my_init_exit: CODE '300' is not 0-255" in init.stderr


def test_sigpwr_without_a_request_reaches_the_main_command(init):
    init.start(command=["sh", "-c", "trap 'echo got PWR; exit 0' PWR; touch /etc/ready; "
                                    "while :; do sleep 0.05; done"], env=TIMEOUTS)
    init.wait_for_file("ready")
    init.signal(signal.SIGPWR)
    assert init.wait() == 0, init.stderr
    assert init.stdout == "got PWR\n"
