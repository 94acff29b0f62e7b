"""Text from specs and hosts, printed safely (compiler/terminal.py), expected values by hand."""

from __future__ import annotations

import pytest

from specops.compiler.terminal import MAX_LINE, clip, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, tabs\tand\nlines stay", "plain text, tabs\tand\nlines stay"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\rb", "a\\x0db"),
        ("bell\x07", "bell\\x07"),
        ("\x00", "\\x00"),
        ("\x7f", "\\x7f"),
        ("\x9b31m", "\\x9b31m"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
        ("größe ✓ 日本", "größe ✓ 日本"),
        ("\x08\x0b\x0c\x1f", "\\x08\\x0b\\x0c\\x1f"),
    ],
)
def test_control_and_bidi_characters_are_shown_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_escapes_are_two_hex_digits_below_256_and_four_above() -> None:
    import re

    from specops.compiler.terminal import _escape

    def esc(c: str) -> str:
        m = re.match(".", c, re.S)
        assert m is not None
        return _escape(m)

    assert (esc("\xff"), esc("\u0100"), esc("\u202e")) == ("\\xff", "\\u0100", "\\u202e")


def test_a_long_line_is_clipped_and_says_how_much_was_left_out() -> None:
    assert clip("x" * MAX_LINE) == "x" * MAX_LINE
    assert clip("x" * (MAX_LINE + 7)) == "x" * MAX_LINE + "… (7 more characters)"
    assert clip("abcdef", 3) == "abc… (3 more characters)"
