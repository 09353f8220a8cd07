"""The --verbose traceback of the last resort, written without the traceback module: the
lines traceback.format_exception() gives, source lines left out (a compiled my_init has
no sources to show)."""

import traceback

import pytest

from my_init.last_resort import traceback_lines


class CustomError(Exception):
    pass


def raise_plain():
    raise ValueError("bad value")


def raise_chained():
    try:
        raise_plain()
    except ValueError as error:
        raise CustomError("wrapped") from error


def raise_during_handling():
    try:
        {}["missing"]
    except KeyError:
        raise RuntimeError("while handling\nsecond line")  # noqa: B904 (the implicit context is the case)


def raise_suppressed():
    try:
        raise_plain()
    except ValueError:
        raise OSError(2, "gone") from None


def raise_empty_message():
    raise CustomError()


def expected_lines(error):
    """traceback's own lines, without the source lines and the carets under them."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return [line for line in text.rstrip("\n").split("\n") if not line.startswith("    ")]


@pytest.mark.parametrize("raiser", [raise_plain, raise_chained, raise_during_handling, raise_suppressed,
                                    raise_empty_message])
def test_lines_match_the_traceback_module(raiser):
    with pytest.raises(Exception) as caught:
        raiser()
    assert traceback_lines(caught.value) == expected_lines(caught.value)


def test_exception_never_raised_has_no_traceback_header():
    error = CustomError("made, not raised")
    assert traceback_lines(error) == expected_lines(error) == ["test_traceback_lines.CustomError: made, not raised"]


def test_a_cycle_in_the_chain_ends():
    first, second = ValueError("a"), ValueError("b")
    first.__context__, second.__context__ = second, first
    assert traceback_lines(first)[-1] == "ValueError: a"
