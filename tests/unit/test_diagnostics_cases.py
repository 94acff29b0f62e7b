"""Diagnostics: how one is built, collected, sorted and rendered with its source line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from specops.compiler import messages as m
from specops.compiler.diagnostics import (
    WINDOW,
    Collector,
    Diagnostic,
    SpecError,
    diag,
    hide_source,
    render,
    render_all,
    suggest,
)
from specops.compiler.errors import SpecopsError
from specops.compiler.source import Span

SRC = {"site.toml": 'name = "app"\n\npath = "/srv/${ap}"\n'}


def test_diag_fills_the_template_and_keeps_hint_and_notes() -> None:
    note = ("declared here", Span("site.toml", 1, 1, 1, 5))
    d = diag(m.UNKNOWN_KEY, None, key="pth", where="op x", hint="h", notes=[note])
    assert d == Diagnostic("unknown-key", 'unknown key "pth" in op x', None, "h", (note,))
    assert diag(m.UNKNOWN_KEY, None, key="k", where="w") == Diagnostic(
        "unknown-key", 'unknown key "k" in w', None, None, ()
    )


# -- collecting ----------------------------------------------------------------------------


def test_a_collector_keeps_one_of_each_mistake_in_order() -> None:
    a = Diagnostic("x", "a", None)
    b = Diagnostic("x", "b", None)
    c = Collector()
    assert c.diagnostics == []
    c.add(a)
    c.extend([b, a, Diagnostic("x", "a", None)])
    assert c.diagnostics == [a, b]
    c.check  # noqa: B018  (an attribute, not a call: nothing raised yet)


def test_check_raises_nothing_when_empty() -> None:
    Collector().check()


def test_check_raises_every_diagnostic_sorted_by_place_unlocated_last() -> None:
    c = Collector()
    ds = [
        Diagnostic("x", "none", None),
        Diagnostic("x", "b 2:1", Span("b.toml", 2, 1, 2, 2)),
        Diagnostic("x", "a 9:3", Span("a.toml", 9, 3, 9, 4)),
        Diagnostic("x", "b 1:7", Span("b.toml", 1, 7, 1, 8)),
        Diagnostic("x", "b 1:2", Span("b.toml", 1, 2, 1, 3)),
        Diagnostic("x", "a 10:1", Span("a.toml", 10, 1, 10, 2)),
    ]
    c.extend(ds)
    with pytest.raises(SpecError) as e:
        c.check()
    assert [d.message for d in e.value.diagnostics] == [
        "a 9:3",
        "a 10:1",
        "b 1:2",
        "b 1:7",
        "b 2:1",
        "none",
    ]
    assert isinstance(e.value, SpecopsError)


def test_a_spec_error_reads_as_its_rendered_diagnostics() -> None:
    assert SpecError().diagnostics == []
    err = SpecError([Diagnostic("x", "one", None), Diagnostic("y", "two", None, "h")])
    assert str(err) == "error[x]: one\n\nerror[y]: two\nhint: h\n\n2 errors"


# -- did you mean --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "candidates", "hint"),
    [
        ("pth", ["path", "mode"], 'did you mean "path"?'),
        ("mdoe", ["mode", "path"], 'did you mean "mode"?'),
        ("zzz", ["path", "mode"], None),
        ("x", [], None),
        # not close as text, equal but for case
        ("SSH", ["ssh", "local"], 'did you mean "ssh"?'),
        ("Web", ["WEB"], 'did you mean "WEB"?'),
        # "abcd" and "abxy" are as close as 0.5: below the cutoff
        ("abcd", ["abxy"], None),
        # "abcde" and "abcxy": 0.6, at the cutoff
        ("abcde", ["abcxy"], 'did you mean "abcxy"?'),
    ],
)
def test_suggest(name: str, candidates: list[str], hint: str | None) -> None:
    assert suggest(name, candidates) == hint


def test_suggest_takes_any_iterable_once() -> None:
    assert suggest("modee", iter(["mode", "path"])) == 'did you mean "mode"?'


def test_suggest_gives_up_on_names_longer_than_any_real_one() -> None:
    long = "a" * 200
    assert suggest(long, [long + "b"]) == f'did you mean "{long}b"?'
    assert suggest(long + "a", [long + "ab"]) is None


# -- rendering -----------------------------------------------------------------------------


def test_render_shows_the_line_and_a_caret_under_the_span() -> None:
    d = diag(
        m.UNDEFINED_NAME,
        Span("site.toml", 3, 15, 3, 17),
        name="ap",
        hint='did you mean "app"?',
    )
    assert render(d, SRC) == (
        'site.toml:3:15: error[undefined-name]: name "ap" is not defined\n'
        '   3 | path = "/srv/${ap}"\n'
        "     |               ^^\n"
        'hint: did you mean "app"?'
    )


def test_render_without_a_span_is_the_message_alone() -> None:
    assert render(Diagnostic("x", "bad", None)) == "error[x]: bad"


def test_render_without_sources_reads_the_file(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_bytes(b"a = 1\nb = \xff2\n")
    d = Diagnostic("x", "bad", Span(str(f), 2, 5, 2, 7))
    assert render(d) == f"{f}:2:5: error[x]: bad\n   2 | b = \ufffd2\n     |     ^^"
    assert render(d, {}) == render(d)


RENDER = """
import sys
from specops.compiler.diagnostics import Diagnostic, render
from specops.compiler.source import Span
d = Diagnostic("x", "bad", Span(sys.argv[1], 1, 1, 1, 5))
sys.stdout.buffer.write(render(d).encode("utf-8"))
"""


def test_a_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """Spec files are UTF-8; a process in the C locale (ASCII) still shows their lines."""
    f = tmp_path / "s.toml"
    f.write_text('name = "café"\n', encoding="utf-8")
    want = f'{f}:1:1: error[x]: bad\n   1 | name = "café"\n     | ^^^^'
    assert render(Diagnostic("x", "bad", Span(str(f), 1, 1, 1, 5))) == want
    env = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    out = subprocess.run(
        [sys.executable, "-c", RENDER, str(f)], env=env, capture_output=True, check=True
    )
    assert out.stdout.decode("utf-8") == want


def test_render_of_a_file_it_cannot_read_has_no_line(tmp_path: Path) -> None:
    d = Diagnostic("x", "bad", Span(str(tmp_path / "gone.toml"), 1, 1, 1, 2), "h")
    assert render(d) == f"{tmp_path / 'gone.toml'}:1:1: error[x]: bad\nhint: h"


def test_render_past_the_end_of_the_file_has_no_line() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 4, 1, 4, 2))
    assert render(d, SRC) == "site.toml:4:1: error[x]: bad"


def test_render_of_an_empty_line_inside_the_file_shows_it() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 2, 1, 2, 1))
    assert render(d, SRC) == "site.toml:2:1: error[x]: bad\n   2 | \n     | ^"


def test_render_of_an_empty_last_line_shows_it() -> None:
    d = Diagnostic("x", "bad", Span("e.toml", 2, 1, 2, 2))
    assert render(d, {"e.toml": "a = 1\n\n"}) == "e.toml:2:1: error[x]: bad\n   2 | \n     | ^"


def test_the_gutter_grows_with_the_line_number() -> None:
    src = {"f.toml": "\n" * 11 + "key = 1\n"}
    d = Diagnostic("x", "bad", Span("f.toml", 12, 7, 12, 8))
    assert render(d, src) == "f.toml:12:7: error[x]: bad\n   12 | key = 1\n      |       ^"


def test_a_span_over_several_lines_underlines_to_the_end_of_its_first() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 3, 8, 5, 2))
    assert render(d, SRC) == (
        'site.toml:3:8: error[x]: bad\n   3 | path = "/srv/${ap}"\n     |        ^^^^^^^^^^^^'
    )


def test_a_span_over_several_lines_from_past_the_end_of_its_first_gets_one_caret() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 1, 14, 3, 1))
    # the caret goes right after the line's 12 characters
    assert render(d, SRC) == (
        'site.toml:1:14: error[x]: bad\n   1 | name = "app"\n     | ' + " " * 12 + "^"
    )


def test_column_zero_is_read_as_column_one() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 1, 0, 1, 3))
    assert render(d, SRC) == 'site.toml:1:0: error[x]: bad\n   1 | name = "app"\n     | ^^'


def test_an_empty_span_gets_one_caret() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 1, 6, 1, 6))
    assert render(d, SRC) == 'site.toml:1:6: error[x]: bad\n   1 | name = "app"\n     |      ^'


def test_tabs_and_escaped_characters_before_the_caret_keep_it_aligned() -> None:
    src = {"t.toml": "\tk\x1b = 1\n"}
    d = Diagnostic("x", "bad", Span("t.toml", 1, 7, 1, 8))
    # the tab stays a tab; ESC is printed as \x1b, four columns wide
    assert (
        render(d, src)
        == "t.toml:1:7: error[x]: bad\n   1 | \tk\\x1b = 1\n     | \t" + " " * 8 + "^"
    )


def test_render_shows_each_note_with_its_line() -> None:
    d = Diagnostic(
        "cycle",
        "a cycle",
        Span("site.toml", 3, 1, 3, 5),
        "break it",
        (("first declared here", Span("site.toml", 1, 1, 1, 5)),),
    )
    assert render(d, SRC) == (
        "site.toml:3:1: error[cycle]: a cycle\n"
        '   3 | path = "/srv/${ap}"\n'
        "     | ^^^^\n"
        "site.toml:1:1: note: first declared here\n"
        '   1 | name = "app"\n'
        "     | ^^^^\n"
        "hint: break it"
    )


def test_render_escapes_control_characters_and_clips_long_text() -> None:
    long = "x" * 510
    d = Diagnostic(
        "x",
        "bad\x1b[2J" + long,
        None,
        "h\u202e" + long,
        (("n" + long, Span("nowhere", 1, 1, 1, 2)),),
    )
    assert render(d, {}) == (
        "error[x]: bad\\x1b[2J" + "x" * 493 + "… (17 more characters)\n"
        "nowhere:1:1: note: n" + "x" * 499 + "… (11 more characters)\n"
        "hint: h\\u202e" + "x" * 498 + "… (12 more characters)"
    )


def test_a_secrets_file_never_shows_its_lines(tmp_path: Path) -> None:
    f = tmp_path / "secrets.toml"
    f.write_text("token = 'hunter2'\n")
    hide_source(str(tmp_path / "." / "secrets.toml"))
    d = Diagnostic("x", "bad", Span(str(f), 1, 1, 1, 6))
    assert render(d, {str(f): "token = 'hunter2'\n"}) == (
        f"{f}:1:1: error[x]: bad\n   (the line is not shown: this file holds secrets)"
    )


# -- long lines ----------------------------------------------------------------------------


def test_a_line_of_twice_the_window_is_shown_whole() -> None:
    assert WINDOW == 120
    line = "a" * 239 + "Z"
    d = Diagnostic("x", "bad", Span("l.toml", 1, 240, 1, 241))
    assert render(d, {"l.toml": line}) == (
        f"l.toml:1:240: error[x]: bad\n   1 | {line}\n     | {' ' * 239}^"
    )


def test_a_longer_line_shows_the_window_around_the_caret() -> None:
    line = "x" * 150 + "TARGET" + "y" * 144  # 300 characters, TARGET at column 151
    d = Diagnostic("x", "bad", Span("l.toml", 1, 151, 1, 157))
    # the window starts 60 characters before the caret: columns 91 to 210
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:151: error[x]: bad\n"
        "   1 | …" + "x" * 60 + "TARGET" + "y" * 54 + "…\n"
        "     | " + " " * 61 + "^^^^^^"
    )


def test_a_caret_near_the_start_of_a_long_line_has_no_leading_ellipsis() -> None:
    line = "abcdefghij" * 30
    d = Diagnostic("x", "bad", Span("l.toml", 1, 61, 1, 63))
    # column 61: the window would start at 0
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:61: error[x]: bad\n   1 | " + line[:120] + "…\n     | " + " " * 60 + "^^"
    )


def test_the_window_begins_at_the_second_character_one_column_later() -> None:
    line = "abcdefghij" * 30
    d = Diagnostic("x", "bad", Span("l.toml", 1, 62, 1, 63))
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:62: error[x]: bad\n   1 | …" + line[1:121] + "…\n     | " + " " * 61 + "^"
    )


def test_a_window_that_reaches_the_end_of_the_line_has_no_trailing_ellipsis() -> None:
    line = "x" * 240 + "y" * 60  # 300 characters
    d = Diagnostic("x", "bad", Span("l.toml", 1, 241, 1, 242))
    # the window is columns 181 to 300, the last ones of the line
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:241: error[x]: bad\n   1 | …" + "x" * 60 + "y" * 60 + "\n     | " + " " * 61 + "^"
    )
    d = Diagnostic("x", "bad", Span("l.toml", 1, 240, 1, 241))
    # one column earlier, the window leaves out the line's last character
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:240: error[x]: bad\n   1 | …"
        + "x" * 61
        + "y" * 59
        + "…\n     | "
        + " " * 61
        + "^"
    )


def test_a_span_running_past_the_window_is_underlined_to_its_end() -> None:
    line = "x" * 150 + "y" * 150
    d = Diagnostic("x", "bad", Span("l.toml", 1, 151, 1, 290))
    # the caret is the window's 61st character: 60 carets reach its end
    assert render(d, {"l.toml": line}) == (
        "l.toml:1:151: error[x]: bad\n"
        "   1 | …" + "x" * 60 + "y" * 60 + "…\n"
        "     | " + " " * 61 + "^" * 60
    )


# -- several -------------------------------------------------------------------------------


def test_render_all_counts_more_than_one_error() -> None:
    one = Diagnostic("x", "one", None)
    two = Diagnostic("y", "two", None)
    assert render_all([]) == ""
    assert render_all([one]) == "error[x]: one"
    assert render_all(iter([one, two])) == "error[x]: one\n\nerror[y]: two\n\n2 errors"
    assert render_all([one, two, one]) == (
        "error[x]: one\n\nerror[y]: two\n\nerror[x]: one\n\n3 errors"
    )


def test_render_all_passes_the_sources_on() -> None:
    d = Diagnostic("x", "bad", Span("site.toml", 1, 1, 1, 5))
    want = 'site.toml:1:1: error[x]: bad\n   1 | name = "app"\n     | ^^^^'
    assert render_all([d], SRC) == want
    assert render_all([d, d], SRC) == f"{want}\n\n{want}\n\n2 errors"
