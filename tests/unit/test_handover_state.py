"""What the handover carries (init/my_init/handover.py): the supervisor's state is every
attribute but the few it names as set up again (Supervisor.NOT_CARRIED), derived, not
listed; it survives marshal; a state with other names is refused (BrokenHandover). The
PID-1 suite covers the handover itself (tests/init/test_handover.py)."""

import marshal

import pytest

from my_init.handover import BrokenHandover, resume_supervisor
from my_init.messages import Log
from my_init.supervisor import Supervisor


def busy_supervisor():
    supervisor = Supervisor(Log(), frozenset((1, 15)), signal_process_group=True)
    supervisor.watch(42)
    supervisor.commands[42] = ["sleep", "1000"]
    supervisor.exited[43] = 256
    supervisor.foreground = 42
    supervisor.foreground_rewrites = {15: 3}
    supervisor.stop_signal = 15
    supervisor.stop_time = 12.5
    supervisor.requested_exit = 5
    supervisor.signal_hooks[30] = lambda: True
    supervisor.stop_listeners.append(lambda: None)
    return supervisor


def test_every_attribute_but_the_named_ones_is_carried():
    supervisor = busy_supervisor()
    attributes = set(vars(supervisor))
    assert Supervisor.NOT_CARRIED < attributes  # no stale name in the list
    assert set(supervisor.carried_state()) == attributes - Supervisor.NOT_CARRIED


def test_the_state_survives_marshal_into_a_fresh_supervisor():
    first = busy_supervisor()
    state = marshal.loads(marshal.dumps(first.carried_state()))
    copy = resume_supervisor(Supervisor(Log(), frozenset((1, 15))), state)
    assert copy.carried_state() == first.carried_state()
    assert copy.signal_hooks == {} and copy.stop_listeners == []  # installed again by main.py


@pytest.mark.parametrize("change", ["missing", "extra"])
def test_a_state_with_other_names_is_refused(change):
    state = busy_supervisor().carried_state()
    if change == "missing":
        del state["watched"]
    else:
        state["unknown"] = 1
    with pytest.raises(BrokenHandover, match="not a state of this my_init"):
        resume_supervisor(Supervisor(Log(), frozenset()), state)
