"""The documentation's examples, read from the Markdown files themselves (README.md,
the root's other .md files and every .md under docs/: paths.documents()), so that the tested text is the text
users read. A fenced block's info string is its language and a marker:

    ```sh example=NAME                     run by a test (test_readme_examples.py)
    ```dockerfile untested: REASON         cannot run in CI, and why

Blocks in EXAMPLE_LANGUAGES need one of the two; other blocks (```text) are not examples.

    documents()           -> [path] the Markdown files read, README.md first
    examples()            -> {name: Example}, in document order; a name is unique across files
    untested()            -> [Example] marked untested
    unmarked()            -> [Example] example blocks with neither marker (an error)
    Example.where         "README.md:123", for messages
    Example.text(exact, words)   the code with placeholders replaced (see there)
"""

import collections
import os
import re

from paths import ROOT, documents

EXAMPLE_LANGUAGES = ("sh", "dockerfile", "crontab")
FENCE = "```"

Block = collections.namedtuple("Block", "language marker code line path")


class Example(Block):
    @property
    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, ROOT), self.line)

    @property
    def name(self):
        return self.marker[len("example="):] if self.marker.startswith("example=") else None

    @property
    def untested_reason(self):
        return self.marker[len("untested:"):].strip() if self.marker.startswith("untested:") else None

    def text(self, exact=(), words=()):
        """The code with each (old, new) pair of `exact` replaced wherever it occurs, then
        each pair of `words` replaced where `old` stands as a whole word (a name such as
        `dev`, not the `dev` of `/dev/null`). Every `old` must occur: a placeholder renamed
        in the README fails loudly instead of running unsubstituted."""
        code = self.code
        for old, new in exact:
            if old not in code:
                raise AssertionError("example %s (%s) no longer contains %r"
                                     % (self.name, self.where, old))
            code = code.replace(old, new)
        for old, new in words:
            pattern = r"(?<![\w/.-])%s(?![\w/.-])" % re.escape(old)
            if not re.search(pattern, code):
                raise AssertionError("example %s (%s) no longer has the word %r"
                                     % (self.name, self.where, old))
            code = re.sub(pattern, lambda _: new, code)
        return code


def blocks(path):
    """Every fenced block of the file, as Example (language, marker, code, first line, path).
    A fence may be indented (a block inside a list item)."""
    found = []
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].lstrip()
        if line.startswith(FENCE):
            info = line[len(FENCE):].strip()
            language, _, marker = info.partition(" ")
            start = index + 1
            end = start
            while end < len(lines) and not lines[end].lstrip().startswith(FENCE):
                end += 1
            if end == len(lines):
                raise AssertionError("%s:%d: fenced block never closed" % (path, index + 1))
            found.append(Example(language, marker.strip(), "\n".join(lines[start:end]) + "\n", index + 1,
                                 path))
            index = end + 1
        else:
            index += 1
    return found


def example_blocks(paths=None):
    """The example blocks of the given files (default: every document)."""
    return [block for path in (paths or documents()) for block in blocks(path)
            if block.language in EXAMPLE_LANGUAGES]


def examples(paths=None):
    named = collections.OrderedDict()
    for block in example_blocks(paths):
        if block.name:
            if block.name in named:
                raise AssertionError("example name %s used twice (%s and %s)"
                                     % (block.name, named[block.name].where, block.where))
            named[block.name] = block
    return named


def untested(paths=None):
    return [block for block in example_blocks(paths) if block.untested_reason is not None]


def unmarked(paths=None):
    return [block for block in example_blocks(paths)
            if not block.name and not block.untested_reason]
