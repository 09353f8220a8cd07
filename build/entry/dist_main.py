"""Entry point of the compiled dist: one binary that runs setuser when invoked under that
name (the dist's `setuser` is a symlink to `my_init`) and my_init otherwise.

Why not Nuitka's multidist (`--main` given twice): its entry scripts must be named after
the programs (my_init.py, setuser.py), and such a script then shadows the package of the
same name; its dispatcher also imports `re`. This one needs only os and sys.
"""
import os
import sys

from my_init.leave import exit_now


def program_name():
    # Nuitka replaces sys.argv[0] with the binary's resolved path; the name the program was
    # invoked under (which says my_init or setuser) is kept in __compiled__.original_argv0.
    compiled = globals().get("__compiled__")
    argv0 = getattr(compiled, "original_argv0", None) or sys.argv[0]
    return os.path.basename(argv0)


def run():
    if program_name() == "setuser":
        from setuser.main import main
    else:
        from my_init.main import main
    return main()


exit_now(run())
