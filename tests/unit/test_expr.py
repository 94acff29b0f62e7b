"""Templates: parsing, typed evaluation, escapes and located errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specops.compiler.diagnostics import SpecError
from specops.compiler.expr import EXPR_ERRORS, parse_template, render, template_errors
from specops.compiler.source import Span


def at(start: int, end: int) -> Span:
    return Span("t", 1, start + 1, 1, end + 1)


SCOPE: dict[str, Any] = {
    "app": "shop",
    "port": 8080,
    "flags": [True, False],
    "db": {"host": "db1", "ports": [5432, 5433]},
}

CASES = [
    ("plain text", "plain text"),
    ("${app}", "shop"),
    ("/srv/${app}", "/srv/shop"),
    ("${ app }-${port}", "shop-8080"),
    ("${port}", 8080),  # a lone hole keeps its type
    ("${flags}", [True, False]),
    ("${db.host}", "db1"),
    ("${db['host']}", "db1"),
    ("${db.ports[1]}", 5433),
    ("${flags[0]}!", "true!"),
    ("cost $5 and $${app}", "cost $5 and ${app}"),
    ("$${", "${"),
    ("${'lit'}", "lit"),
    ("a$b", "a$b"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_render(text: str, want: Any) -> None:
    got = render(parse_template(text, at), SCOPE, at)
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


ERRORS = [
    ("/srv/${ap}", "undefined-name", 7, 9, 'did you mean "app"?'),
    ("${db.hots}", "undefined-attribute", 5, 9, 'did you mean "host"?'),
    ("${db.ports[7]}", "undefined-attribute", 11, 12, None),
    ("${ app", "expr-syntax", 6, 7, "close the expression with '}'"),
    ("${}", "expr-syntax", 2, 3, "an expression needs something between '${' and '}'"),
    ("${app.}", "expr-syntax", 6, 7, "after '.', write a key name"),
]


@pytest.mark.parametrize(("text", "code", "start", "end", "hint"), ERRORS)
def test_errors_are_located(text: str, code: str, start: int, end: int, hint: str | None) -> None:
    with pytest.raises(SpecError) as e:
        render(parse_template(text, at), SCOPE, at)
    (d,) = e.value.diagnostics
    assert (d.code, d.span, d.hint) == (code, at(start, end), hint)


@pytest.mark.parametrize(("label", "examples"), EXPR_ERRORS)
def test_error_examples_get_their_hint(label: str, examples: list[str]) -> None:
    for text in examples:
        with pytest.raises(SpecError) as e:
            parse_template(text, at)
        assert e.value.diagnostics[0].hint == label, text


def test_jinja_braces_are_caught_with_a_hint() -> None:
    (d,) = template_errors("path = {{ app }}", at)
    assert d.code == "expr-syntax" and d.span == at(7, 16) and d.hint and "${ name }" in d.hint


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("${}[]().'\"ab _0123\n\\")), max_size=40))
def test_any_input_gives_a_value_or_a_diagnostic(text: str) -> None:
    try:
        render(parse_template(text, at), SCOPE, at)
    except SpecError as e:
        assert e.diagnostics and all(d.span is not None for d in e.diagnostics)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60).filter(lambda s: "${" not in s))
def test_text_without_holes_is_itself(text: str) -> None:
    assert render(parse_template(text, at), SCOPE, at) == text
