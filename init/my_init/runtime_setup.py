"""Connecting PID 1 to /run/my_init (runtime.py): the stop is marked there, and
my_init_exit's requests are taken from it. The booting process does it once the
directory is ready (boot.py), the copy after the handover again (main.py): its own home,
so that neither of the two imports the other."""

from my_init.runtime import mark_stopping, prepare_runtime_directory
from my_init.signals import EXIT_REQUEST


def set_up_runtime_directory(supervisor, log):
    """Make /run/my_init fresh and use it; False when it cannot be written."""
    if not prepare_runtime_directory(log):
        return False
    use_runtime_directory(supervisor, log)
    return True


def use_runtime_directory(supervisor, log):
    """/run/my_init is usable: mark the stop there, take exit requests from it."""
    supervisor.stop_listeners.append(lambda: mark_stopping(log))
    supervisor.signal_hooks[EXIT_REQUEST] = lambda: take_exit_requests(supervisor, log)


def take_exit_requests(supervisor, log):
    from my_init.exit_request import take_requests  # loaded at the first request only

    return take_requests(supervisor, log)
