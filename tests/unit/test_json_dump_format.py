"""The .json dump is written without the json package (from the escaper json.dumps uses):
byte for byte what json.dumps(variables, sort_keys=True) writes."""

import json
import os

from my_init.environment import encode_json


def as_json(environ):
    decoded = {os.fsdecode(name): os.fsdecode(value) for name, value in environ.items()}
    return json.dumps(decoded, sort_keys=True).encode("ascii")


def test_dump_matches_json_dumps_sorted_with_undecodable_bytes():
    environ = {b"PATH": b"/usr/bin:/bin", b"B": b"x", b"A": b'q"uote\\', b"NOT_UTF8": b"caf\xe9",
               b"N\xffAME": b"line1\nline2\t", b"EMPTY": b"", b"HOME": b"/root"}
    assert encode_json(environ) == as_json(environ)


def test_every_kind_of_character_matches_json_dumps():
    specials = ['"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\x80", "\xe9",
                "\u2028", "\uffff", "\U0001f600", "\U0010ffff"]
    environ = {("V%d" % number).encode(): text.encode("utf-8") for number, text in enumerate(specials)}
    environ[b"ALL_LOW"] = "".join(chr(code) for code in range(1, 0x300)).encode("utf-8")
    assert encode_json(environ) == as_json(environ)


def test_empty_environment_is_an_empty_object():
    assert encode_json({}) == b"{}"
