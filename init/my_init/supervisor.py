"""The event loop of PID 1: wait for a signal, reap zombies, forward signals.

All handled signals are blocked and taken one at a time with sigtimedwait, so there is
no handler re-entrancy and every wait has an exact deadline instead of a polling loop.
"""

import os
import time

from my_init import signals

# After SIGKILL a process is gone as soon as the kernel runs it; this only bounds the
# wait for one stuck in uninterruptible sleep.
KILL_GRACE = 1.0


def exit_code(status):
    """A wait status as a shell would report it: the exit code, or 128+N for signal N.
    None (a child still there after SIGKILL and its grace) counts as killed: 137."""
    if status is None:
        return 128 + signals.SIGKILL
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


class Supervisor:
    # What the copy of my_init (handover.py) sets up itself: the log, the handled signals,
    # and the callables main.py installs again. Every other attribute is carried over
    # (carried_state): a new one goes along without being listed anywhere.
    NOT_CARRIED = frozenset(("log", "handled", "signal_hooks", "stop_listeners"))

    def __init__(self, log, handled, signal_process_group=False):
        self.log = log
        self.handled = handled
        self.signal_process_group = signal_process_group
        # Exit statuses of the children someone waits for; nothing else is kept, so
        # reaping any number of orphans does not grow these tables.
        self.watched = set()
        # argv of each child start() began, until released: what a child runs, without
        # reading /proc (a child found again after an unexpected error has only that).
        self.commands = {}
        self.exited = {}
        # The child that receives forwarded signals: the main command, or the startup
        # script / hook currently running in the foreground.
        self.foreground = None
        self.foreground_is_group = False
        self.stop_signal = None
        self.stop_time = None  # monotonic time of the first stop signal
        # Signal -> signal (0: not passed on) for what reaches the main command
        # (--rewrite-signal); set per foreground child by start().
        self.foreground_rewrites = {}
        # Signal -> callable: takes that signal first; returns True when it consumed it
        # (exit_request.py: SIGPWR from my_init_exit).
        self.signal_hooks = {}
        self.stop_listeners = []  # called once when the stop begins
        self.requested_exit = None  # exit code asked for by my_init_exit / a critical service

    def carried_state(self):
        """What a fresh copy of my_init needs to go on supervising: every attribute but
        NOT_CARRIED, as plain data (handover.py marshals it)."""
        return {name: value for name, value in vars(self).items() if name not in self.NOT_CARRIED}

    # -- children ---------------------------------------------------------------

    def start(self, argv, foreground=False, own_process_group=False, rewrites=None,
              deadline=None):
        """Start argv; a shortage of processes or memory is retried (spawn_patiently)
        until the deadline at the latest. Raises SpawnError."""
        # Imported here: the PID 1 that waits after the handover starts children only
        # once it shuts down (tests/init/test_import_budget.py).
        from my_init.spawn import spawn_patiently

        stopping_before = self.stop_requested()
        pid = spawn_patiently(argv, self.pause, deadline, own_process_group=own_process_group,
                              take_terminal=own_process_group and foreground)
        self.watch(pid)
        self.commands[pid] = list(argv)
        if foreground:
            self.foreground = pid
            self.foreground_is_group = own_process_group and self.signal_process_group
            self.foreground_rewrites = rewrites or {}
            if self.stop_requested() and not stopping_before:
                self.forward(self.stop_signal)  # it came while the start was retried
        return pid

    def watch(self, pid):
        """Keep the exit status of `pid` (a child, or soon one by re-parenting)."""
        self.watched.add(pid)

    def has_exited(self, pid):
        return pid in self.exited

    def release(self, pid):
        """Forget a watched child and return its wait status (None if still running)."""
        self.watched.discard(pid)
        self.commands.pop(pid, None)
        if self.foreground == pid:
            self.foreground = None
        return self.exited.pop(pid, None)

    def reap_zombies(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.watched:
                self.exited[pid] = status
            else:
                self.log.debug("reaped orphan PID %d (status %d)" % (pid, exit_code(status)))

    def has_children(self):
        try:  # WNOWAIT: only look; zombies stay for reap_zombies to account for
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return True

    # -- signals ----------------------------------------------------------------

    def forward(self, signum):
        pid = self.foreground
        if pid is None or pid in self.exited:
            self.log.debug("%s: no main command to pass it to" % signals.describe(signum))
            return
        received, signum = signum, self.foreground_rewrites.get(signum, signum)
        if signum != received:
            self.log.debug("%s rewritten to %s" % (signals.describe(received),
                                                  signals.describe(signum) if signum else "nothing"))
            if not signum:
                return
        try:
            if self.foreground_is_group:
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)
            self.log.debug("passed %s to PID %d" % (signals.describe(signum), pid))
        except ProcessLookupError:
            pass

    def wait_and_forward_signal(self, timeout):
        """Take one signal (waiting at most `timeout` seconds, None = forever) and act on it."""
        if timeout is None:
            info = signals.sigwaitinfo(self.handled)
        else:
            info = signals.sigtimedwait(self.handled, max(timeout, 0.0))
            if info is None:
                return
        signum = info.si_signo
        if signum == signals.SIGCHLD:
            self.reap_zombies()
            return
        if signals.is_own_broken_pipe(info):
            return
        hook = self.signal_hooks.get(signum)
        if hook is not None and hook():
            return
        if signum in signals.SHUTDOWN:
            self.begin_stop(signum, "%s received" % signals.describe(signum))
        self.forward(signum)

    def begin_stop(self, signum, reason):
        """Record the first stop (its signal and time); later ones change nothing."""
        if self.stop_signal is not None:
            return
        self.stop_signal = signum
        self.stop_time = time.monotonic()
        self.log.info("%s, shutting down" % reason)
        for listener in self.stop_listeners:
            listener()

    def request_exit(self, code, reason):
        """Stop as on `docker stop` (SIGTERM to the main command) and exit with CODE."""
        if self.stop_requested():
            self.log.info("%s; already shutting down" % reason)
            return
        self.requested_exit = code
        self.begin_stop(signals.SIGTERM, reason)
        self.forward(signals.SIGTERM)

    def wait_until(self, done, deadline=None):
        """Handle signals until done() is true (True) or the monotonic deadline passes (False)."""
        self.reap_zombies()
        while not done():
            if deadline is None:
                self.wait_and_forward_signal(None)
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.wait_and_forward_signal(remaining)
        return True

    def pause(self, until):
        """Handle signals (reap, forward) until the monotonic time `until`."""
        self.wait_until(lambda: False, until)

    def stop_requested(self):
        return self.stop_signal is not None

    # -- running a child to completion -------------------------------------------

    def kill(self, pid, signum=signals.SIGKILL):
        try:
            if self.foreground == pid and self.foreground_is_group:
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)
        except ProcessLookupError:
            pass

    def wait_for(self, pid, deadline=None, stop_grace=None):
        """Wait for a watched child. If a stop is requested meanwhile (the signal has
        already been forwarded to it) it gets `stop_grace` more seconds; past the
        deadline or the grace it is killed. Returns its wait status (None if it
        could not even be killed)."""
        stop_deadline = None
        while True:
            if stop_grace is not None and stop_deadline is None and self.stop_requested():
                stop_deadline = self.stop_time + stop_grace
            limits = [d for d in (deadline, stop_deadline) if d is not None]
            limit = min(limits) if limits else None
            watching_stop = stop_grace is not None and stop_deadline is None
            finished = self.wait_until(
                lambda: pid in self.exited or (watching_stop and self.stop_requested()), limit)
            if pid in self.exited:
                return self.release(pid)
            if finished:
                continue  # a stop arrived: loop to start its grace period
            from my_init.proc import process_name  # as spawn in start()

            self.log.warn("PID %d (%s) did not exit in time; sending SIGKILL"
                          % (pid, process_name(pid) or "?"))
            self.kill(pid)
            self.wait_until(lambda: pid in self.exited, time.monotonic() + KILL_GRACE)
            return self.release(pid)

    def run(self, argv, deadline=None, stop_grace=None, own_process_group=False, rewrites=None):
        """Start argv in the foreground and wait for it (see wait_for). Returns the wait
        status. Raises SpawnError if it cannot be executed."""
        pid = self.start(argv, foreground=True, own_process_group=own_process_group,
                         rewrites=rewrites, deadline=deadline)
        return self.wait_for(pid, deadline, stop_grace)
