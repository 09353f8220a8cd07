"""The module map of ARCHITECTURE.md is true: every module of init/my_init is on one
floor of its table, and imports (at the top or inside a function) only from floors
below its own. So no import cycle can come back, not even one held apart by a
function-level import."""

import ast
import os
import re

from paths import ROOT

PACKAGE = os.path.join(ROOT, "init", "my_init")
FLOOR_ROW = re.compile(r"^\| (\d+) \| (.*) \|$")


def floors():
    """{module: floor} from the table under "## Module map by floor"."""
    with open(os.path.join(ROOT, "ARCHITECTURE.md"), encoding="utf-8") as file:
        section = file.read().split("\n## Module map by floor\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        row = FLOOR_ROW.match(line)
        if row:
            # the modules are the code spans before any parenthesis
            for name in re.findall(r"`([\w.]+)`", row.group(2).split("(")[0]):
                found[name] = int(row.group(1))
    return found


def imported_modules(path):
    """The my_init modules PATH imports, wherever the import statement is."""
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "my_init":
            if node.module == "my_init":  # from my_init import signals, __version__
                names.update(alias.name for alias in node.names
                             if os.path.exists(os.path.join(PACKAGE, alias.name + ".py")))
            else:
                names.add(node.module.split(".", 1)[1])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".", 1)[1] for alias in node.names
                         if alias.name.startswith("my_init."))
    return names


def modules():
    return sorted(name[:-3] for name in os.listdir(PACKAGE)
                  if name.endswith(".py") and name != "__init__.py")


def test_every_module_is_on_a_floor():
    table = floors()
    assert table["main"] > table["boot"] > table["supervisor"]  # the table was read
    assert sorted(set(modules()) - set(table)) == []
    assert sorted(set(table) - set(modules())) == []


def test_every_import_goes_to_a_lower_floor():
    table = floors()
    upward = ["%s (floor %d) imports %s (floor %d)" % (name, table[name], other, table[other])
              for name in modules()
              for other in sorted(imported_modules(os.path.join(PACKAGE, name + ".py")))
              if table[other] >= table[name]]
    assert upward == []
