"""build/builtin_inittab.py: a table of built-in modules that keeps CPython's fixed ones and
those the init imports, and, linked before a static libpython, keeps the archive's
config.o (every built-in module) out of the program."""

import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "build", "builtin_inittab.py")
SOURCES = [os.path.join(ROOT, "init"), os.path.join(ROOT, "build", "entry")]
FIXED = {"marshal", "_imp", "builtins", "sys", "gc", "_warnings"}
# Built-in modules whose object file holds nothing the interpreter core uses (unlike
# atexit, faulthandler or _tracemalloc, linked whatever the table says): left out of the
# table, they must be left out of the program.
STANDALONE_MODULES = {"xxsubtype", "_symtable", "unicodedata", "pyexpat", "_elementtree", "_sha3",
                      "_blake2", "_md5", "_datetime", "_pickle", "_socket", "array", "cmath", "zlib"}

EMBED_PROGRAM = r"""
#include "Python.h"
int main(void) {
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    PyStatus status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) Py_ExitStatusException(status);
    if (PyRun_SimpleString("import sys; print(' '.join(sys.builtin_module_names))") != 0) return 1;
    return Py_FinalizeEx() < 0;
}
"""


def static_libpython():
    libpl = sysconfig.get_config_var("LIBPL") or ""
    name = "libpython%d.%d.a" % sys.version_info[:2]
    path = os.path.join(libpl, name)
    return path if os.path.isfile(path) else None


def write_table(tmp_path):
    output = tmp_path / "inittab.c"
    result = subprocess.run([sys.executable, SCRIPT, str(output)] + SOURCES,
                            capture_output=True, text=True, check=False)
    return result, output


def test_table_keeps_the_fixed_modules_and_the_init_imports(tmp_path):
    result, output = write_table(tmp_path)
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    kept = {line.split('"')[1] for line in text.splitlines() if line.startswith('    {"')}
    assert FIXED <= kept
    # what my_init imports and this Python builds in (pwd, posix: always built in)
    assert {"posix", "pwd"} <= kept
    assert "xxsubtype" not in kept, "a test module no program imports stays out"
    assert kept <= set(sys.builtin_module_names)
    assert "*** built-in modules left out:" in result.stdout


def test_missing_config_c_is_a_one_line_error(tmp_path):
    probe = ("import runpy, sys, sysconfig\n"
             "sysconfig.get_config_var = lambda name: %r if name == 'LIBPL' else None\n"
             "sys.argv = [%r, %r] + %r\n"
             "runpy.run_path(%r, run_name='__main__')\n"
             % (str(tmp_path / "no-such-dir"), SCRIPT, str(tmp_path / "out.c"), SOURCES, SCRIPT))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("builtin_inittab: cannot read ") and "config.c" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.c").exists()


def test_usage_error_names_the_arguments(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, str(tmp_path / "out.c"), str(tmp_path / "nope")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "usage" in result.stderr


def test_program_linked_with_the_table_has_only_its_modules(tmp_path):
    archive = static_libpython()
    if archive is None:
        pytest.fail("the build Python %s has no static libpython to link against" % sys.executable)
    result, table = write_table(tmp_path)
    assert result.returncode == 0, result.stderr
    kept = {line.split('"')[1] for line in table.read_text().splitlines() if line.startswith('    {"')}
    program = tmp_path / "embed.c"
    program.write_text(EMBED_PROGRAM)
    compiler = shutil.which(os.environ.get("CC", "cc"))
    include = sysconfig.get_path("include")
    libs = (sysconfig.get_config_var("LIBS") or "").split() + (sysconfig.get_config_var("SYSLIBS") or "").split()
    binary = tmp_path / "embed"
    # the table before the archive: the linker must not need (nor take) config.o
    link = subprocess.run([compiler, "-no-pie", "-I", include, "-o", str(binary), str(program), str(table),
                           archive, "-Wl,--as-needed"] + libs + ["-lm"],
                          capture_output=True, text=True, check=False)
    assert link.returncode == 0, link.stderr[-3000:]
    run = subprocess.run([str(binary)], capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 0, run.stderr
    assert set(run.stdout.split()) == kept
    dropped = (set(sys.builtin_module_names) - kept) & STANDALONE_MODULES
    assert dropped, "this Python builds in none of %s to leave out" % sorted(STANDALONE_MODULES)
    symbols = subprocess.run(["nm", str(binary)], capture_output=True, text=True, check=True).stdout
    for name in dropped:
        assert " T PyInit_%s\n" % name not in symbols, "%s was linked though left out" % name
