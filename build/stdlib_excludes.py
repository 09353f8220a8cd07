"""Print the standard-library modules the dist can leave out, one per line.

    python3 build/stdlib_excludes.py SOURCE_DIR...

Nuitka's standalone mode freezes every standard-library module it does not know to be
unwanted; each one costs disk space and, for the bytecode blob, memory. The init needs
only what its sources import (at module level or lazily inside functions) and what those
modules import in turn, so:
  keep    = every module named in an import statement under SOURCE_DIR, plus everything
            that importing them all pulls into sys.modules (run in a clean `-I -S` child);
            Nuitka's start-up imports nothing more (build/nuitka-inspect-on-import.patch);
  exclude = every standard-library module or package not in keep (a package whose name
            is not kept is excluded whole; inside a kept package, each unkept submodule).
  frozen  = on 3.11+, the modules CPython carries frozen in libpython (os, abc, io, ...):
            excluded too, the patched Nuitka lets the program import them from there
            (build/nuitka-frozen-stdlib.patch).
build.sh passes each printed name to Nuitka as --nofollow-import-to. Stdlib only, 3.9+.
"""

import ast
import os
import subprocess
import sys
import sysconfig

# Never part of a dist, and scanning them is slow.
SKIPPED_DIRS = {"site-packages", "dist-packages", "test", "tests", "idlelib", "__pycache__",
                "tkinter", "turtledemo", "lib2to3", "ensurepip", "venv", "config-%d.%d" % sys.version_info[:2]}


def imported_names(source_dirs):
    """Absolute module names in every import statement of every .py file under SOURCE_DIRS."""
    names = set()
    for source_dir in source_dirs:
        for directory, dirs, files in os.walk(source_dir):
            dirs[:] = [name for name in dirs if name != "__pycache__"]
            for file_name in files:
                if not file_name.endswith(".py"):
                    continue
                path = os.path.join(directory, file_name)
                with open(path, encoding="utf-8") as stream:
                    tree = ast.parse(stream.read(), path)
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        names.update(alias.name for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        names.add(node.module)
                        names.update("%s.%s" % (node.module, alias.name) for alias in node.names)
    return names


# A module the sources import only as the fallback for a built-in module that does the
# same job: left out when the build Python has that built-in (init/my_init/subreaper.py:
# _prctl in the static build, else ctypes).
FALLBACKS = {"ctypes": "_prctl"}


def without_fallbacks(names):
    """NAMES less the fallbacks this Python does not need (FALLBACKS)."""
    built_in = set(sys.builtin_module_names)
    return {name for name in names if FALLBACKS.get(name.split(".")[0]) not in built_in}


def import_closure(names, source_dirs):
    """Module names in sys.modules after importing NAMES in a fresh isolated interpreter."""
    probe = (
        "import importlib, sys\n"
        "sys.path[:0] = %r\n"
        "for name in %r:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass  # 'from package import function' names a function, not a module\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    ) % (list(source_dirs), sorted(names))
    output = subprocess.run([sys.executable, "-I", "-S", "-c", probe],
                            capture_output=True, text=True, check=True).stdout
    return set(output.split())


def stdlib_modules():
    """Dotted names of the standard library's pure-Python modules, packages and extensions."""
    stdlib = sysconfig.get_path("stdlib")
    found = set()
    for directory, dirs, files in os.walk(stdlib):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS and "." not in name
                         and os.path.exists(os.path.join(directory, name, "__init__.py")))
        relative = os.path.relpath(directory, stdlib)
        package = "" if relative == "." else relative.replace(os.sep, ".") + "."
        if package:
            found.add(package[:-1])
        for file_name in files:
            if file_name.endswith(".py") and file_name != "__init__.py":
                found.add(package + file_name[:-3])
    dynload = os.path.join(stdlib, "lib-dynload")
    if os.path.isdir(dynload):
        for file_name in os.listdir(dynload):
            if file_name.endswith(".so"):
                found.add(file_name.split(".", 1)[0])
    # "_sysconfigdata__linux_x86_64-linux-gnu" is a module name too, though no identifier
    return {name for name in found if name.replace("-", "_").isidentifier() or "." in name}


def frozen_in_libpython():
    """Standard-library modules frozen into libpython (3.11+; none before)."""
    import _imp

    names = getattr(_imp, "_frozen_module_names", lambda: ())()
    return {name for name in names if not name.startswith("__")}


def excludes(keep, modules):
    result = []
    for name in sorted(modules):
        if name in keep:
            continue
        parent = name.rpartition(".")[0]
        # an excluded parent already covers its submodules
        if parent and parent not in keep:
            continue
        result.append(name)
    return result


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    missing = [path for path in argv if not os.path.isdir(path)]
    if not argv or missing:
        print("stdlib_excludes: usage: stdlib_excludes.py SOURCE_DIR... (not a directory: %s)"
              % " ".join(missing), file=sys.stderr)
        return 2
    keep = import_closure(without_fallbacks(imported_names(argv)), argv) - frozen_in_libpython()
    print("\n".join(excludes(keep, stdlib_modules())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
