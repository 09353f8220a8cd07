"""Compiled by tests/build/test_nuitka_inspect_patch.py with the patched Nuitka.

    inspect_probe idle      print the names in sys.modules, space-separated
    inspect_probe inspect   import inspect now, then print the states that
                            inspect.getgeneratorstate gives a compiled generator
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


def main(mode):
    if mode == "idle":
        print(" ".join(sorted(sys.modules)))
    elif mode == "inspect":
        print(" ".join(generator_states()))
    else:
        sys.stderr.write("inspect_probe: unknown mode %r\n" % mode)
        return 2
    return 0


sys.exit(main(sys.argv[1]))
