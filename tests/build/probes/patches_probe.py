"""Compiled by tests/build/test_nuitka_patches.py with the patched Nuitka.

    patches_probe idle       print the names in sys.modules, space-separated
    patches_probe inspect    import inspect now, then print the states that
                             inspect.getgeneratorstate gives a compiled generator
    patches_probe importlib  import importlib now, then print whether its _bootstrap is
                             the interpreter's frozen bootstrap, and what it imports
Imports only sys at module level, like an init that must stay small.
"""
import sys


def count_to_two():
    yield 1
    yield 2


def generator_states():
    import inspect  # the first import of inspect in this program

    generator = count_to_two()
    states = [inspect.getgeneratorstate(generator)]
    next(generator)
    states.append(inspect.getgeneratorstate(generator))
    for _ in generator:
        pass
    states.append(inspect.getgeneratorstate(generator))
    # Nuitka's replacement is a C function; CPython's own is a Python function
    states.append(type(inspect.getgeneratorstate).__name__)
    return states


def bootstrap_facts():
    import _frozen_importlib
    import importlib  # the first import of importlib in this program

    return [str(importlib._bootstrap is _frozen_importlib), importlib.import_module("sys").__name__]


def main(mode):
    if mode == "idle":
        print(" ".join(sorted(sys.modules)))
    elif mode == "inspect":
        print(" ".join(generator_states()))
    elif mode == "importlib":
        print(" ".join(bootstrap_facts()))
    else:
        sys.stderr.write("patches_probe: unknown mode %r\n" % mode)
        return 2
    return 0


sys.exit(main(sys.argv[1]))
