"""my_init: a PID 1 for containers (see README.md, section "my_init")."""

__version__ = "1.0.0"
