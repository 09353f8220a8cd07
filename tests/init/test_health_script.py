"""my_init_health (the image's HEALTHCHECK) against real runit services in the sandbox:
0 when every service that should be up is up and ready, else 1 with one line per
failing service; 1 once my_init is shutting down."""

import os
import shutil

from pid1 import ROOT

TIMEOUTS = {"KILL_PROCESS_TIMEOUT": "2", "KILL_ALL_PROCESSES_TIMEOUT": "2"}
HEALTH_TOOL = os.path.join(ROOT, "image", "base", "30-my_init", "my_init_health")
# The main command: wait until the services are up, then report what health says.
PROBE = ("until [ -e /etc/alpha.up ]; do sleep 0.05; done; sleep 0.3; %s"
         "my_init_health; echo \"exit $?\"")


def install_health_tool(init):
    shutil.copy(HEALTH_TOOL, init.sbin / "my_init_health")
    os.chmod(init.sbin / "my_init_health", 0o755)
    init.write("service/alpha/run", "#!/bin/sh\ntouch /etc/alpha.up\nexec sleep 1000\n")


def probe(init, before=""):
    code = init.run(command=["sh", "-c", PROBE % before], env=TIMEOUTS)
    assert code == 0, init.stderr
    return init.stdout


def test_healthy_when_every_service_is_up(init):
    install_health_tool(init)
    init.write("service/ready/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/ready/check", "#!/bin/sh\nexit 0\n")
    # A service that is `down` (like sshd) is not required.
    init.write("service/optional/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/optional/down", "", mode=0o644)
    assert probe(init) == "exit 0\n"


def test_one_line_per_failing_service(init):
    install_health_tool(init)
    init.write("service/unready/run", "#!/bin/sh\nexec sleep 1000\n")
    init.write("service/unready/check", "#!/bin/sh\nexit 1\n")
    init.write("service/stopped/run", "#!/bin/sh\nexec sleep 1000\n")
    output = probe(init, "sv -w 5 down /etc/service/stopped >/dev/null; ").splitlines()
    assert output[-1] == "exit 1"
    assert output[0].startswith("stopped: down (") and output[0].endswith(", normally up)"), output
    assert output[1] == "unready: running, but ./check fails (not ready)"
    assert len(output) == 3


def test_unhealthy_while_my_init_shuts_down(init):
    install_health_tool(init)
    init.write("my_init.pre_shutdown.d/10-probe",
               "#!/bin/sh\nmy_init_health > /etc/health.out; echo \"exit $?\" >> /etc/health.out\n")
    assert probe(init) == "exit 0\n"
    assert (init.etc / "health.out").read_text() == "my_init: shutting down\nexit 1\n"
