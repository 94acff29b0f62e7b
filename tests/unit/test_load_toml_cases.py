"""load_toml: header spans, syntax errors with their place and hint, conflicting keys with
the earlier key as a note, numbers too long to convert, and the error text of tomli < 2.1.

Each test loads its own text (no shared fixture), so every test runs the scanner."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
import tomli

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.load_toml import _syntax_error, load_toml
from specops.compiler.source import Span

F = "f.toml"
ONCE = "each key and table can be defined only once"


def at(line: int, col: int, end_col: int) -> Span:
    return Span(F, line, col, line, end_col)


def error(text: str) -> Diagnostic:
    with pytest.raises(SpecError) as info:
        load_toml(text, F)
    (d,) = info.value.diagnostics
    return d


def syntax(
    detail: str, span: Span, hint: str | None = None, notes: tuple[tuple[str, Span], ...] = ()
) -> Diagnostic:
    return Diagnostic("toml-syntax", f"invalid TOML: {detail}", span, hint, notes)


# -- headers -----------------------------------------------------------------------------------

HEADERS = "\n".join(
    [
        "[a.b]",  # 1
        "x = 1",
        "[[c.d]]",
        "y = 2",
        "[[c.d]]",  # 5
        "[c.d.e]",
        "z = 3",
        "",
    ]
)


def test_header_values_span_the_whole_header() -> None:
    doc = load_toml(HEADERS, F)
    assert doc.data == {"a": {"b": {"x": 1}}, "c": {"d": [{"y": 2}, {"e": {"z": 3}}]}}
    assert doc.spans == {
        (): at(1, 1, 2),
        ("a",): at(1, 1, 6),  # implicit: the first header that mentions it
        ("a", "b"): at(1, 1, 6),
        ("a", "b", "x"): at(2, 5, 6),
        ("c",): at(3, 1, 8),
        ("c", "d"): at(3, 1, 8),
        ("c", "d", 0): at(3, 1, 8),
        ("c", "d", 0, "y"): at(4, 5, 6),
        ("c", "d", 1): at(5, 1, 8),
        ("c", "d", 1, "e"): at(6, 1, 8),  # [c.d.e] is in the last [[c.d]] item
        ("c", "d", 1, "e", "z"): at(7, 5, 6),
    }


def test_header_keys_are_their_parts() -> None:
    doc = load_toml(HEADERS, F)
    assert doc.key_spans == {
        ("a",): at(1, 2, 3),
        ("a", "b"): at(1, 4, 5),
        ("a", "b", "x"): at(2, 1, 2),
        ("c",): at(3, 3, 4),
        ("c", "d"): at(3, 5, 6),
        ("c", "d", 0): at(3, 5, 6),
        ("c", "d", 0, "y"): at(4, 1, 2),
        ("c", "d", 1): at(5, 5, 6),
        ("c", "d", 1, "e"): at(6, 6, 7),
        ("c", "d", 1, "e", "z"): at(7, 1, 2),
    }


def test_an_explicit_header_wins_over_an_earlier_mention() -> None:
    doc = load_toml("[a.b]\n[a]\nk = 1\n", F)
    assert (doc.spans[("a",)], doc.key_spans[("a",)]) == (at(2, 1, 4), at(2, 2, 3))
    assert doc.spans[("a", "b")] == at(1, 1, 6)


# -- syntax errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("a = yes", syntax("invalid value", at(1, 5, 8), "booleans are lowercase: true or false")),
        (
            "a = True\n",
            syntax("invalid value", at(1, 5, 9), "booleans are lowercase: true or false"),
        ),
        ("a = hello", syntax("invalid value", at(1, 5, 10), 'strings need quotes: key = "value"')),
        (
            "a = _x-1 # c",
            syntax("invalid value", at(1, 5, 9), 'strings need quotes: key = "value"'),
        ),
        ("a = ", syntax("invalid value", at(1, 5, 6), "a value is missing after '='")),
        ("a = # c", syntax("invalid value", at(1, 5, 6), "a value is missing after '='")),
        ("a = \nb = 1\n", syntax("invalid value", at(1, 5, 6), "a value is missing after '='")),
        ("a = +", syntax("invalid value", at(1, 5, 6))),
        (
            "a: 1",
            syntax(
                "expected '=' after a key in a key/value pair",
                at(1, 2, 3),
                'TOML uses "=", not ":": key = value',
            ),
        ),
        (
            "my key = 1",
            syntax(
                "expected '=' after a key in a key/value pair",
                at(1, 4, 5),
                'write key = value; a key with spaces needs quotes: "my key" = 1',
            ),
        ),
        (
            "a = 1 bcd",
            syntax(
                "expected newline or end of document after a statement",
                at(1, 7, 8),
                "put each key = value pair on its own line",
            ),
        ),
        (
            "a = 1\n$ = 2",
            syntax(
                "invalid statement",
                at(2, 1, 2),
                "each line is a key = value pair, a [table] header or a # comment",
            ),
        ),
        (
            "x = [1,\n 2\n",
            syntax(
                "unclosed array",
                at(2, 3, 4),
                "separate items with commas and close the array with ']'",
            ),
        ),
        (
            "t = {a = 1",
            syntax(
                "unclosed inline table",
                at(1, 11, 12),
                "separate pairs with commas and close the table with '}'",
            ),
        ),
        (
            'a = "x',
            syntax(
                "unterminated string",
                at(1, 7, 8),
                "close the string with the same quote it opens with",
            ),
        ),
        (
            'a = "\\q"',
            syntax(
                "unescaped '\\' in a string",
                at(1, 8, 9),
                "write \\\\ for a backslash, or use a 'literal string'",
            ),
        ),
        (
            "[t\n",
            syntax(
                "expected ']' at the end of a table declaration",
                at(1, 3, 4),
                "a table header looks like [name] or [name.sub]",
            ),
        ),
        (
            "a = {",
            syntax(
                "invalid initial character for a key part",
                at(1, 6, 7),
                'quote keys that are not a-z, 0-9, "_" or "-"',
            ),
        ),
        ("a = 'x\ny'", syntax("found invalid character '\\n'", at(1, 7, 8))),
        ("[[a]\n", syntax("expected ']]' at the end of an array declaration", at(1, 4, 5))),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_syntax_errors_are_located_and_explained(text: str, want: Diagnostic) -> None:
    assert error(text) == want


def test_an_error_at_the_end_is_on_the_last_line_not_past_it() -> None:
    assert error("x = [1,\n 22\n").span == at(2, 4, 5)
    assert error("x = [1,\n 22").span == at(2, 4, 5)
    assert error("x = [1,\n 22\n\n").span == at(3, 1, 2)


def test_nesting_too_deep_for_tomli() -> None:
    assert error("a = " + "[" * 2000 + "]" * 2000) == syntax(
        "the document nests arrays, inline tables or dotted keys too deeply", at(1, 1, 2)
    )


# -- conflicting keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "[a]\n[a]",
            syntax(
                "table [a] is declared twice",
                at(2, 2, 3),
                ONCE,
                (("first defined here", at(1, 2, 3)),),
            ),
        ),
        (
            "a = 1\n[a]",
            syntax(
                '"a" is defined twice', at(2, 2, 3), ONCE, (("first defined here", at(1, 1, 2)),)
            ),
        ),
        (
            "[a]\nx = 1\na = 2\n[a]",
            syntax(
                "table [a] is declared twice",
                at(4, 2, 3),
                ONCE,
                (("first defined here", at(1, 2, 3)),),
            ),
        ),
        (
            "t = {a = 1, a = 2}",
            syntax(
                '"a" is defined twice', at(1, 13, 14), ONCE, (("first defined here", at(1, 6, 7)),)
            ),
        ),
        (
            "t = {a.b = 1, a = 2}",
            syntax('"a" is defined twice', at(1, 15, 16), ONCE, (("defined here", at(1, 6, 9)),)),
        ),
        (
            "t.x = 1\nt = 2",
            syntax(
                '"t" would overwrite an earlier value',
                at(2, 1, 2),
                ONCE,
                (("defined here", at(1, 1, 4)),),
            ),
        ),
        (
            "[a]\nb = 1\n[a.b.c]",
            syntax(
                '"a.b.c" would overwrite an earlier value',
                at(3, 2, 7),
                ONCE,
                (("defined here", at(2, 1, 2)),),
            ),
        ),
        (
            "a = {b = 1}\n[a.c]",
            syntax(
                'table "a.c" is already defined',
                at(2, 2, 5),
                ONCE,
                (("defined here", at(1, 1, 2)),),
            ),
        ),
        (
            "[a.b]\n[a]\nb.c = 1",
            syntax(
                '"b.c" reopens a table that has its own [header]',
                at(3, 1, 4),
                "this table has a [header]; add the key under it instead",
                (("defined here", at(1, 2, 5)),),
            ),
        ),
        (
            "t = {x = 1}\nt.y = 2",
            syntax(
                '"t.y" adds to an inline table or array',
                at(2, 1, 4),
                "an inline table or array is complete as written",
                (("defined here", at(1, 1, 2)),),
            ),
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_a_conflict_points_at_the_later_key_with_a_note_at_the_earlier(
    text: str, want: Diagnostic
) -> None:
    assert error(text) == want


def test_a_key_the_scanner_cannot_read_after_a_conflict_does_not_hide_it() -> None:
    assert error('a = 1\na = 2\n"\\q" = 3\n') == syntax(
        '"a" is defined twice', at(2, 1, 2), ONCE, (("first defined here", at(1, 1, 2)),)
    )


# -- numbers Python will not convert ---------------------------------------------------------


def test_a_number_of_more_than_4300_digits_is_located() -> None:
    assert error("x = 1\ny = " + "9" * 5000 + "\n") == syntax(
        "a number of more than 4300 digits",
        at(2, 5, 25),
        "write it as a string if it is data, not a number",
    )


def test_a_number_of_4301_digits_is_located_exactly() -> None:
    assert error("abc = " + "7" * 4301) == syntax(
        "a number of more than 4300 digits",
        at(1, 7, 27),
        "write it as a string if it is data, not a number",
    )


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("\nn = " + "1" * 4301, at(2, 5, 25)),
        ("x = 1\ny = 2\nz = " + "1" * 4301, at(3, 5, 25)),
    ],
    ids=["after-a-leading-newline", "third-line"],
)
def test_a_long_number_is_located_on_any_line(text: str, span: Span) -> None:
    assert error(text).span == span


def test_a_number_of_4300_digits_is_fine() -> None:
    assert load_toml("a = " + "1" * 4300, F).data == {"a": int("1" * 4300)}


@pytest.fixture
def digit_limit_1000() -> Iterator[None]:
    """A Python started with PYTHONINTMAXSTRDIGITS=1000."""
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(1000)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)


@pytest.mark.usefixtures("digit_limit_1000")
def test_a_lower_digit_limit_is_reported_in_python_s_words() -> None:
    assert error("a = 1\nb = " + "1" * 1001) == Diagnostic(
        "toml-syntax",
        "invalid TOML: Exceeds the limit (1000 digits) for integer string conversion: "
        "value has 1001 digits; use sys.set_int_max_str_digits() to increase the limit",
        at(1, 1, 2),
        "write it as a string if it is data, not a number",
    )


# -- tomli < 2.1: the message and position only in the text -----------------------------------


def old_tomli_error(text: str) -> tomli.TOMLDecodeError:
    """The error as tomli 2.0 raised it: no .msg or .pos, "(at line L, column C)" in the text."""
    e = tomli.TOMLDecodeError.__new__(tomli.TOMLDecodeError)
    ValueError.__init__(e, text)
    return e


@pytest.mark.parametrize(
    ("text", "src", "want"),
    [
        (
            "Invalid value (at line 2, column 5)",
            "a = 1\nb = yes\n",
            syntax("invalid value", at(2, 5, 8), "booleans are lowercase: true or false"),
        ),
        (
            "Unclosed array (at end of document)",
            "x = [1,\n 2\n",
            syntax(
                "unclosed array",
                at(2, 3, 4),
                "separate items with commas and close the array with ']'",
            ),
        ),
        (
            "Invalid statement (at line 9, column 1)",
            "a = 1\n$",
            syntax(
                "invalid statement",
                at(2, 1, 2),
                "each line is a key = value pair, a [table] header or a # comment",
            ),
        ),
        (
            "Unclosed array (at line 1, column 50)",
            "a = [",
            syntax(
                "unclosed array",
                at(1, 6, 7),
                "separate items with commas and close the array with ']'",
            ),
        ),
        (
            "Invalid value (at line 1, column 0)",
            "a = 1",
            syntax("invalid value", at(1, 1, 2), 'strings need quotes: key = "value"'),
        ),
        ("Something new", "a = 1\nb = 2", syntax("something new", at(2, 6, 7))),
    ],
)
def test_the_text_of_tomli_before_2_1_is_read(text: str, src: str, want: Diagnostic) -> None:
    assert _syntax_error(old_tomli_error(text), src, F) == want


def test_a_conflict_in_the_text_of_tomli_before_2_1() -> None:
    e = old_tomli_error("Cannot overwrite a value (at line 2, column 6)")
    assert _syntax_error(e, "a = 1\na = 2", F) == syntax(
        '"a" is defined twice', at(2, 1, 2), ONCE, (("first defined here", at(1, 1, 2)),)
    )
