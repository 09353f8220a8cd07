"""The .json dump is written without the json package: byte for byte what
json.dumps(variables, sort_keys=True) writes, for every kind of character."""

import json
import os
import random

import pytest

from my_init.environment import encode_json, json_string

SPECIAL = ['"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", " ", "~", "\x7f", "\x80",
           "\xe9", "\u2028", "\ud7ff", "\udc80", "\udcff", "\ud800", "\ue000", "\uffff",
           "\U00010000", "\U0001f600", "\U0010ffff"]


@pytest.mark.parametrize("code", range(0x300))
def test_each_low_code_point_as_json_writes_it(code):
    assert json_string(chr(code)) == json.dumps(chr(code))


@pytest.mark.parametrize("text", SPECIAL + ["", "plain", 'say "hi"', "C:\\dir", "caf\xe9 \U0001f600"])
def test_special_characters_and_mixed_strings(text):
    assert json_string(text) == json.dumps(text)


def test_random_strings_match_json():
    generator = random.Random(8)
    alphabet = [chr(code) for code in range(0x80)] + SPECIAL
    for _ in range(5000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 16)))
        assert json_string(text) == json.dumps(text), repr(text)


def test_dump_matches_json_dumps_sorted_with_undecodable_bytes():
    environ = {b"PATH": b"/usr/bin:/bin", b"B": b"x", b"A": b'q"uote\\', b"NOT_UTF8": b"caf\xe9",
               b"N\xffAME": b"line1\nline2\t", b"EMPTY": b"", b"HOME": b"/root"}
    decoded = {os.fsdecode(name): os.fsdecode(value) for name, value in environ.items()}
    assert encode_json(environ) == json.dumps(decoded, sort_keys=True).encode("ascii")


def test_empty_environment_is_an_empty_object():
    assert encode_json({}) == b"{}"
