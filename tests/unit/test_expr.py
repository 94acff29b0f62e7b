"""The expression language: parsing, typed evaluation, operators, functions, located errors."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specops.compiler.diagnostics import SpecError
from specops.compiler.evaluate import Env, evaluate, render
from specops.compiler.expr import EXPR_ERRORS, parse_expression, parse_template, template_errors
from specops.compiler.functions import builtins
from specops.compiler.source import Span
from specops.compiler.values import Sensitive, reveal

FUNCTIONS = builtins(Path(__file__).parent, environ={"TOKEN": "s3cret"})


def at(start: int, end: int) -> Span:
    return Span("t", 1, start + 1, 1, end + 1)


SCOPE: dict[str, Any] = {
    "app": "shop",
    "port": 8080,
    "flags": [True, False],
    "db": {"host": "db1", "ports": [5432, 5433]},
    "env_name": "prod",
    "nothing": None,
}


def env(scope: dict[str, Any] | None = None) -> Env:
    return Env(SCOPE if scope is None else scope, at, FUNCTIONS)


def tmpl(text: str) -> Any:
    return render(parse_template(text, at), env())


def expr(text: str) -> Any:
    return evaluate(parse_expression(text, at), env())


TEMPLATES = [
    ("plain text", "plain text"),
    ("${app}", "shop"),
    ("/srv/${app}", "/srv/shop"),
    ("${ app }-${port}", "shop-8080"),
    ("${port}", 8080),  # a lone hole keeps its type
    ("${flags}", [True, False]),
    ("${db.host}", "db1"),
    ("${db['host']}", "db1"),
    ("${db.ports[1]}", 5433),
    ("${db.ports[-1]}", 5433),
    ("${flags[0]}!", "true!"),
    ("cost $5 and $${app}", "cost $5 and ${app}"),
    ("$${", "${"),
    ("${'lit'}", "lit"),
    ("a$b", "a$b"),
    ("", ""),
    ("${ {'a': 1}['a'] }", 1),  # a map literal inside a hole
    ("${ port + 1 }", 8081),
    ("${ app + '-' + env_name }", "shop-prod"),
    ("${ upper(app) }.example", "SHOP.example"),
    ("${ 'web' if port == 8080 else 'other' }", "web"),
]


@pytest.mark.parametrize(("text", "want"), TEMPLATES)
def test_template(text: str, want: Any) -> None:
    got = tmpl(text)
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


EXPRESSIONS = [
    # precedence ladder, lowest first
    ("1 if false else 2 if true else 3", 2),
    ("true or false and false", True),
    ("not true or true", True),
    ("not 1 == 2", True),
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("-2 * 3", -6),
    ("7 // 2", 3),
    ("7 % 4", 3),
    ("7 / 2", 3.5),
    ("2.5 + 1", 3.5),
    ("'a' * 3", "aaa"),
    ("[1] + [2]", [1, 2]),
    ("port >= 1024 and port < 65536", True),
    ("'b' > 'a'", True),
    ("'ho' in db.host", False),
    ("'host' in db", True),
    ("5432 in db.ports", True),
    ("9 not in db.ports", True),
    ("[app, port]", ["shop", 8080]),
    ("{'k': port, \"q\": [1]}", {"k": 8080, "q": [1]}),
    ("null == nothing", True),
    ("None == nothing and True and not False", True),
    ("len(db.ports) == 2", True),
    ("default(db.user, 'postgres')", "postgres"),
    ("default(nothing, 'x')", "x"),
    ("[1, 2, 3,]", [1, 2, 3]),
]


@pytest.mark.parametrize(("text", "want"), EXPRESSIONS)
def test_expression(text: str, want: Any) -> None:
    got = expr(text)
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


@pytest.mark.parametrize(
    ("name", "example", "result"),
    [(f.name, e, r) for f in FUNCTIONS.values() for e, r in f.examples],
)
def test_documented_function_examples(name: str, example: str, result: str) -> None:
    assert expr(example) == ast.literal_eval(result), f"{example} should give {result}"


def test_every_function_is_documented_with_an_example() -> None:
    undocumented = [
        f.name for f in FUNCTIONS.values() if not f.doc or (not f.examples and f.name != "file")
    ]
    assert undocumented == []


def test_file_reads_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "motd.txt").write_text("hello\n")
    e = Env({}, at, builtins(tmp_path))
    assert evaluate(parse_expression("file('motd.txt')", at), e) == "hello\n"


def test_env_values_are_sensitive_and_stay_sensitive() -> None:
    v = expr("'token=' + env('TOKEN')")
    assert isinstance(v, Sensitive) and reveal(v) == ("token=s3cret", True)
    t = tmpl("Bearer ${ env('TOKEN') }")
    assert isinstance(t, Sensitive) and t.value == "Bearer s3cret"
    assert expr("env('NOT_SET', 'dev')") == "dev"


ERRORS = [
    ("/srv/${ap}", "undefined-name", 7, 9, 'did you mean "app"?'),
    ("${db.hots}", "undefined-attribute", 5, 9, 'did you mean "host"?'),
    ("${db.ports[7]}", "expr-value", 11, 12, None),
    ("${ app", "expr-syntax", 6, 7, "close the expression with '}'"),
    ("${}", "expr-syntax", 2, 3, "an expression needs something between '${' and '}'"),
    ("${app.}", "expr-syntax", 6, 7, "after '.', write a key name"),
    (
        "${ app + port }",
        "expr-type",
        3,
        13,
        'use str(x) to put a number into text, or a template: "${a}${b}"',
    ),
    ("${ port / 0 }", "expr-value", 3, 11, None),
    ("${ app and true }", "expr-type", 3, 6, 'compare explicitly, e.g. x != "" or len(items) > 0'),
    ("${ lenn(app) }", "unknown-function", 3, 7, 'did you mean "len"?'),
    ("${ app(1) }", "not-a-function", 3, 6, None),
    ("${ int('x') }", "bad-call", 3, 11, "for example: int('42')"),
    ("${ 'a' * 2000000 }", "expr-value", 3, 16, None),
    ("x${ db }", "expr-type", 4, 6, 'use to_json(x) or join(x, ", ") to put it in text'),
    ("${ range(100000) }", "bad-call", 3, 16, "for example: range(3)"),
    (
        "${ format('{0.__class__}', app) }",
        "bad-call",
        3,
        31,
        "for example: format('{}:{}', 'db', 5432)",
    ),
]


@pytest.mark.parametrize(("text", "code", "start", "end", "hint"), ERRORS)
def test_errors_are_located(text: str, code: str, start: int, end: int, hint: str | None) -> None:
    with pytest.raises(SpecError) as e:
        tmpl(text)
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


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    with pytest.raises(SpecError) as e:
        expr("[" * 3000 + "1" + "]" * 3000)
    assert e.value.diagnostics[0].code == "expr-syntax"


ALPHABET = [
    *"${}[]().,'\"ab _0123\n\\+-*/%<=>!",
    " and ",
    " or ",
    " not ",
    " in ",
    " if ",
    " else ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join))
def test_any_template_gives_a_value_or_a_diagnostic(text: str) -> None:
    try:
        tmpl(text)
    except SpecError as e:
        assert e.diagnostics and all(d.span is not None for d in e.diagnostics)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([*ALPHABET, "app", "port", "len(", "db."]), max_size=25).map("".join)
)
def test_any_expression_gives_a_value_or_a_diagnostic(text: str) -> None:
    try:
        expr(text)
    except SpecError as e:
        assert e.diagnostics and all(d.span is not None for d in e.diagnostics)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60).filter(lambda s: "${" not in s))
def test_text_without_holes_is_itself(text: str) -> None:
    assert tmpl(text) == text


@pytest.mark.parametrize("literal", ['"a\x00b"', '"\\N{nope}"', "'\\x1'"])
def test_a_bad_string_literal_is_a_located_diagnostic(literal: str) -> None:
    """Found by atheris (tests/fuzz): Python's literal rules refuse these; the refusal
    must be a diagnostic on the literal, not a traceback."""
    text = f"len({literal})"
    with pytest.raises(SpecError) as e:
        expr(text)
    (d,) = e.value.diagnostics
    assert "bad string literal" in d.message
    assert d.span == at(4, 4 + len(literal))
