"""`make help` lists every target of the Makefile with the one-line comment above it."""

import os
import re
import subprocess

from paths import ROOT


def makefile_targets():
    with open(os.path.join(ROOT, "Makefile")) as file:
        text = file.read()
    (phony,) = re.findall(r"^\.PHONY: (.*)$", text, re.MULTILINE)
    rules = re.findall(r"^([A-Za-z0-9_-]+):(?!=)", text, re.MULTILINE)
    return phony.split(), rules


def test_every_target_is_phony_and_listed_with_its_comment():
    phony, rules = makefile_targets()
    assert sorted(phony) == sorted(rules), "every rule but the venv's stamp file is .PHONY"
    result = subprocess.run(["make", "-s", "-C", ROOT, "help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = [line.split(None, 1) for line in result.stdout.splitlines()]
    assert [name for name, _ in listed] == rules
    for name, comment in listed:
        assert comment.strip(), name
    assert dict(listed)["help"] == "list the targets, each with what it does"
