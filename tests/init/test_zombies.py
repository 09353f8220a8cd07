"""Orphans re-parented to the init are reaped: none is left a zombie."""

from pid1 import program


def test_thousand_orphans_leave_no_zombie(init):
    assert init.run(command=program("orphans") + ["1000"], timeout=60) == 0
    assert "orphans still running: 0\nzombies: 0" in init.stdout, init.stdout + init.stderr


def test_orphans_are_reaped_in_runit_mode_too(init):
    init.write("my_init.d/10-orphans", "#!/bin/sh\n(sleep 0.1 &) ; (sleep 0.1 &)\n")
    # The main command runs after the orphans are gone: no zombie in the namespace.
    assert init.run(command=["sh", "-c", "sleep 0.5; ! grep -l '^State:.*Z' /proc/[0-9]*/status"]) == 0
