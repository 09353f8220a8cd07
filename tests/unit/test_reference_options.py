"""The documentation's option and variable lists match my_init's own `--help` (cli.USAGE):
the option table of docs/my_init.md names every option and nothing else, its variable
table every variable with the same default, and the README's shutdown summary the same
defaults."""

import os
import re

from my_init.cli import USAGE
from paths import ROOT

OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as file:
        return file.read()


def usage_section(title):
    """The lines of one section of USAGE ("options:", "environment:")."""
    lines = USAGE.split("\n%s\n" % title, 1)[1].split("\n\n", 1)[0]
    return lines.splitlines()


def help_options():
    """The options each line of the help starts with (`-g, --signal-process-group`,
    `--rewrite-signal FROM:TO`), up to the first word of the description."""
    found = set()
    for line in usage_section("options:"):
        if not line.startswith("  -"):
            continue  # a description's second line
        for word in line.split():
            if word.startswith("-"):
                found.add(word.rstrip(","))
            elif not word.isupper():
                break  # not a metavariable (SECONDS, FROM:TO): the description
    return found


def help_variables():
    """{NAME: default} from the environment section, e.g. `KILL_PROCESS_TIMEOUT ... (5)`."""
    found = {}
    for line in usage_section("environment:"):
        name = line.split()[0]
        default = re.search(r"\((\d+)(?::[^)]*)?\)\s*$", line)
        found[name] = default.group(1) if default else None
    return found


def table_rows(text, header):
    """The first cells of the Markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("| %s |" % header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_option_table_lists_every_option_of_the_help():
    documented = {option for row in table_rows(read("docs/my_init.md"), "option")
                  for option in OPTION.findall(row[0].replace("`", " "))}
    assert help_options() >= {"--skip-runit", "-g", "--map-exit-code"}  # the help is parsed
    assert documented == help_options()


def test_the_variable_table_has_the_help_defaults():
    documented = {row[0].strip("`"): row[1] for row in table_rows(read("docs/my_init.md"), "variable")}
    variables = help_variables()
    assert set(variables) >= {"KILL_PROCESS_TIMEOUT", "WAIT_FOR_SERVICES"}
    assert documented == variables


def test_the_readme_states_the_help_timeouts():
    readme = read("README.md")
    section = readme.split("\n## Stopping the container\n", 1)[1].split("\n## ", 1)[0]
    for name, default in help_variables().items():
        if name.endswith("_TIMEOUT"):
            assert re.search(r"`%s` \(%s s\b" % (name, default), section), (name, default)
