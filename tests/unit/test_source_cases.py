"""Source positions: how a span prints and orders, and where a path without a span points."""

from __future__ import annotations

import dataclasses

import pytest

from specops.compiler.source import Document, Span, line_of


def doc(
    spans: dict[tuple[str | int, ...], Span], key_spans: dict[tuple[str | int, ...], Span]
) -> Document:
    return Document("s.toml", "", "toml", {}, spans, key_spans)


# -- Span ------------------------------------------------------------------------


def test_a_span_prints_as_file_line_col() -> None:
    s = Span("roles/web.toml", 12, 7, 14, 2)
    assert str(s) == "roles/web.toml:12:7"
    assert s.to_json() == "roles/web.toml:12:7"


@pytest.mark.parametrize(
    ("length", "end_col"),
    [(1, 6), (4, 9), (0, 6), (-3, 6)],
)
def test_a_point_is_at_least_one_character_wide(length: int, end_col: int) -> None:
    assert Span.point("f.yaml", 3, 5, length) == Span("f.yaml", 3, 5, 3, end_col)


def test_a_point_is_one_character_by_default() -> None:
    assert Span.point("f.yaml", 3, 5) == Span("f.yaml", 3, 5, 3, 6)


def test_spans_sort_by_file_then_position() -> None:
    a = Span("a.toml", 9, 1, 9, 2)
    b1 = Span("b.toml", 2, 8, 2, 9)
    b2 = Span("b.toml", 10, 1, 10, 2)
    b3 = Span("b.toml", 10, 3, 10, 4)
    assert sorted([b3, b2, a, b1]) == [a, b1, b2, b3]
    assert b1 < b2


def test_spans_are_frozen_values() -> None:
    s = Span("a.toml", 1, 1, 1, 2)
    assert {s: "x"}[Span("a.toml", 1, 1, 1, 2)] == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.line = 2  # type: ignore[misc]


# -- Document.span and key_span ----------------------------------------------------

OPS = Span("s.toml", 3, 1, 3, 14)
MODE = Span("s.toml", 4, 8, 4, 14)
MODE_KEY = Span("s.toml", 4, 1, 4, 5)
ROOT = Span("s.toml", 1, 1, 1, 2)


def test_a_located_path_has_its_own_span() -> None:
    d = doc({("ops",): OPS, ("ops", "a", "mode"): MODE}, {})
    assert d.span(("ops", "a", "mode")) == MODE


def test_an_unlocated_path_points_at_its_nearest_located_ancestor() -> None:
    d = doc({("ops",): OPS, ("ops", "a", "mode"): MODE}, {})
    assert d.span(("ops", "a")) == OPS
    assert d.span(("ops", "a", "mode", 0, "x")) == MODE


def test_a_path_with_no_located_ancestor_points_at_the_root() -> None:
    root = Span("s.toml", 2, 2, 2, 3)
    assert doc({(): root, ("ops",): OPS}, {}).span(("vars", "x")) == root
    assert doc({(): root}, {}).span(()) == root


def test_without_a_root_span_the_start_of_the_file() -> None:
    assert doc({("ops",): OPS}, {}).span(("vars",)) == Span("s.toml", 1, 1, 1, 2)
    assert doc({}, {}).span(()) == Span("s.toml", 1, 1, 1, 2)


def test_a_key_span_is_the_key_when_located() -> None:
    d = doc({("ops",): OPS, ("ops", "a", "mode"): MODE}, {("ops", "a", "mode"): MODE_KEY})
    assert d.key_span(("ops", "a", "mode")) == MODE_KEY


def test_a_key_span_falls_back_to_the_value_and_its_ancestors() -> None:
    d = doc({("ops",): OPS, ("ops", "a", "mode"): MODE}, {("ops",): ROOT})
    assert d.key_span(("ops", "a", "mode")) == MODE
    assert d.key_span(("ops", "a")) == OPS
    assert d.key_span(("hosts",)) == Span("s.toml", 1, 1, 1, 2)


def test_paths_given_as_lists_are_looked_up_as_tuples() -> None:
    """Callers build paths with list operations at times; a list must find the same span."""
    d = doc({("ops",): OPS, ("ops", "a", "mode"): MODE}, {("ops", "a", "mode"): MODE_KEY})
    assert d.span(["ops", "a", "mode"]) == MODE  # type: ignore[arg-type]
    assert d.span(["ops", "b"]) == OPS  # type: ignore[arg-type]
    assert d.key_span(["ops", "a", "mode"]) == MODE_KEY  # type: ignore[arg-type]
    assert d.key_span(["ops", "a"]) == OPS  # type: ignore[arg-type]


def test_documents_do_not_share_their_span_tables() -> None:
    a = Document("a.toml", "", "toml", {})
    b = Document("b.toml", "", "toml", {})
    a.spans[("x",)] = OPS
    a.key_spans[("x",)] = OPS
    assert (b.spans, b.key_spans) == ({}, {})


# -- line_of -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "want"),
    [(1, "first"), (2, ""), (3, "third"), (4, ""), (0, ""), (-1, "")],
)
def test_line_of(line: int, want: str) -> None:
    assert line_of("first\n\r\nthird\n", line) == want


def test_line_of_the_last_line_without_a_newline() -> None:
    assert line_of("a = 1\nb = 2", 2) == "b = 2"
    assert line_of("", 1) == ""
