"""Parsing templates and expressions: the exact tree with its offsets, and the exact
located diagnostic for what does not parse."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.expr import (
    MAX_EXPRESSION,
    WHEN_ERRORS,
    Attr,
    BinOp,
    Call,
    Cond,
    Expr,
    Hole,
    Index,
    ListExpr,
    Literal,
    MapExpr,
    Name,
    Part,
    Template,
    Unary,
    _ToAst,
    parse_expression,
    parse_template,
    template_errors,
)
from specops.compiler.source import Span


def at(start: int, end: int) -> Span:
    return Span("t", 1, start + 1, 1, end + 1)


def syntax(detail: str, start: int, end: int, hint: str | None = None) -> Diagnostic:
    return Diagnostic("expr-syntax", f"invalid expression: {detail}", at(start, end), hint)


def refused(text: str, template: bool = False) -> Diagnostic:
    with pytest.raises(SpecError) as e:
        if template:
            parse_template(text, at)
        else:
            parse_expression(text, at)
    (d,) = e.value.diagnostics
    return d


A, B, C = Name("a", 0, 1), Name("b", 4, 5), Name("c", 5, 6)
B5 = Name("b", 5, 6)  # after a two-character operator

# -- the tree -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a", A),
        ("(a)", Name("a", 1, 2)),
        ("_x9", Name("_x9", 0, 3)),
        ("12", Literal(12, 0, 2)),
        ("0", Literal(0, 0, 1)),
        ("1.5e3", Literal(1500.0, 0, 5)),
        ("2.25", Literal(2.25, 0, 4)),
        ("'a\\n'", Literal("a\n", 0, 5)),
        ('"it\'s"', Literal("it's", 0, 6)),
        ("true", Literal(True, 0, 4)),
        ("True", Literal(True, 0, 4)),
        ("false", Literal(False, 0, 5)),
        ("False", Literal(False, 0, 5)),
        ("null", Literal(None, 0, 4)),
        ("None", Literal(None, 0, 4)),
        ("[]", ListExpr((), 0, 2)),
        ("[1, a]", ListExpr((Literal(1, 1, 2), Name("a", 4, 5)), 0, 6)),
        ("[1,]", ListExpr((Literal(1, 1, 2),), 0, 4)),
        ("{}", MapExpr((), 0, 2)),
        (
            "{a: 1, 'b c': x}",
            MapExpr((("a", Literal(1, 4, 5)), ("b c", Name("x", 14, 15))), 0, 16),
        ),
        ('{"k": 1,}', MapExpr((("k", Literal(1, 6, 7)),), 0, 9)),
        ("a.b", Attr(A, "b", 0, 3)),
        ("a . b", Attr(A, "b", 0, 5)),
        ("a[0]", Index(A, Literal(0, 2, 3), 0, 4)),
        ("f()", Call(Name("f", 0, 1), (), 0, 3)),
        ("f(x, 1)", Call(Name("f", 0, 1), (Name("x", 2, 3), Literal(1, 5, 6)), 0, 7)),
        ("f(x,)", Call(Name("f", 0, 1), (Name("x", 2, 3),), 0, 5)),
        (
            "a.b(1)[2]",
            Index(Call(Attr(A, "b", 0, 3), (Literal(1, 4, 5),), 0, 6), Literal(2, 7, 8), 0, 9),
        ),
        ("-a", Unary("-", Name("a", 1, 2), 0, 2)),
        ("--a", Unary("-", Unary("-", Name("a", 2, 3), 1, 3), 0, 3)),
        ("not a", Unary("not", Name("a", 4, 5), 0, 5)),
        ("a + b", BinOp("+", A, B, 0, 5)),
        ("a - b", BinOp("-", A, B, 0, 5)),
        ("a * b", BinOp("*", A, B, 0, 5)),
        ("a / b", BinOp("/", A, B, 0, 5)),
        ("a % b", BinOp("%", A, B, 0, 5)),
        ("a // b", BinOp("//", A, B5, 0, 6)),
        ("a == b", BinOp("==", A, B5, 0, 6)),
        ("a != b", BinOp("!=", A, B5, 0, 6)),
        ("a <= b", BinOp("<=", A, B5, 0, 6)),
        ("a >= b", BinOp(">=", A, B5, 0, 6)),
        ("a < b", BinOp("<", A, B, 0, 5)),
        ("a > b", BinOp(">", A, B, 0, 5)),
        ("a in b", BinOp("in", A, B5, 0, 6)),
        ("a not in b", BinOp("not in", A, Name("b", 9, 10), 0, 10)),
        ("a and b", BinOp("and", A, Name("b", 6, 7), 0, 7)),
        ("a or b", BinOp("or", A, B5, 0, 6)),
        ("a if c else b", Cond(A, C, Name("b", 12, 13), 0, 13)),
        # precedence: * before +, and before or, not before and
        ("a + b * c", BinOp("+", A, BinOp("*", B, Name("c", 8, 9), 4, 9), 0, 9)),
        ("a - b - c", BinOp("-", BinOp("-", A, B, 0, 5), Name("c", 8, 9), 0, 9)),
        (
            "a or b and c",
            BinOp("or", A, BinOp("and", B5, Name("c", 11, 12), 5, 12), 0, 12),
        ),
        (
            "not a and b",
            BinOp("and", Unary("not", Name("a", 4, 5), 0, 5), Name("b", 10, 11), 0, 11),
        ),
    ],
)
def test_expression_tree(text: str, tree: Expr) -> None:
    assert parse_expression(text, at) == tree


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", ()),
        ("plain", ("plain",)),
        ("${a}", (Hole(Name("a", 2, 3), 0, 4),)),
        ("a${ x }b", ("a", Hole(Name("x", 4, 5), 1, 7), "b")),
        ("a$${b}", ("a${b}",)),  # an escape joins the text around it
        ("$${x}${y}", ("${x}", Hole(Name("y", 7, 8), 5, 9))),
        ("${a}${b}", (Hole(Name("a", 2, 3), 0, 4), Hole(Name("b", 6, 7), 4, 8))),
        ("$5 and $x", ("$5 and $x",)),
        ("a $${", ("a ${",)),
    ],
)
def test_template_parts(text: str, parts: tuple[Part, ...]) -> None:
    assert parse_template(text, at) == Template(parts)


def test_plain_and_single_templates() -> None:
    hole = Hole(Name("a", 2, 3), 0, 4)
    assert Template(()).is_plain and Template(("x",)).is_plain
    assert not Template((hole,)).is_plain and not Template(("x", hole)).is_plain
    assert Template((hole,)).single == hole
    assert Template(("x", hole)).single is None
    assert Template((hole, hole)).single is None
    assert Template(("x",)).single is None
    assert Template(()).single is None


def test_every_rule_of_the_grammar_has_a_transformer() -> None:
    """A rule added to template.lark without a method here is refused by name."""
    with pytest.raises(NotImplementedError) as e:
        _ToAst().__default__("power", [], None)
    assert str(e.value) == "template grammar rule 'power' has no transformer method"


# -- syntax errors --------------------------------------------------------------------


def test_an_unexpected_character_is_named_and_located() -> None:
    """Not the rest of the string: lark lexes it as one piece of text."""
    assert refused("x ${ a ? }/etc", template=True) == syntax("unexpected character '?'", 7, 8)
    assert refused("${ a b }/etc", template=True) == syntax("unexpected character 'b'", 5, 6)
    assert refused("${ a \x01 }", template=True) == syntax("unexpected character '\\x01'", 5, 6)
    assert refused("a b") == syntax("unexpected character 'b'", 2, 3, "use `==` to compare")


def test_an_unexpected_token_is_named_and_located() -> None:
    assert refused("${ a ${ b } }", template=True) == syntax("unexpected '${'", 5, 6)
    assert refused("${ f(a }", template=True) == syntax(
        "unexpected '}'", 7, 8, "close the call with ')'"
    )


def test_a_missing_end_is_located_after_the_text() -> None:
    assert refused("a +") == syntax(
        "unexpected end of expression", 3, 4, "an operator needs a value on both sides"
    )
    assert refused("${ a", template=True) == syntax(
        "unexpected end of expression", 4, 5, "close the expression with '}'"
    )
    assert refused("") == syntax("unexpected end of expression", 0, 1)


@pytest.mark.parametrize(("label", "examples"), WHEN_ERRORS)
def test_when_mistakes_get_their_hint(label: str, examples: list[str]) -> None:
    assert examples
    for text in examples:
        assert refused(text).hint == label, text


def test_a_when_written_with_one_equals_sign() -> None:
    assert refused("os = 'debian'") == syntax(
        "unexpected character '='", 3, 4, "use `==` to compare"
    )


def test_when_the_hint_matching_fails_the_error_still_comes_out() -> None:
    """lark's match_examples raises TypeError for some states (it formats a ParserState
    with %d): the error is given without a hint."""
    assert refused("${ -[a, b ", template=True) == syntax("unexpected end of expression", 10, 11)
    assert refused("${ [a, b ", template=True) == syntax(
        "unexpected end of expression", 9, 10, "close the list with ']'"
    )


def test_an_expression_may_be_as_long_as_the_bound() -> None:
    text = "1" + " " * (MAX_EXPRESSION - 1)
    assert parse_expression(text, at) == Literal(1, 0, 1)
    assert refused(text + " ") == syntax(
        f"expression longer than {MAX_EXPRESSION} characters", 0, 1
    )
    assert refused("${" + " " * MAX_EXPRESSION + "1}", template=True) == syntax(
        f"expression longer than {MAX_EXPRESSION} characters", 0, 1
    )


def test_plain_text_is_not_bounded_like_an_expression() -> None:
    text = "x" * (MAX_EXPRESSION + 1)
    assert parse_template(text, at) == Template((text,))


def test_nesting_too_deep_is_a_diagnostic() -> None:
    for text in ("[" * 3000 + "1" + "]" * 3000, "-" * 3000 + "1"):
        assert refused(text) == syntax("expression nested too deeply", 0, 1)
    assert parse_expression("(" * 3000 + "1" + ")" * 3000, at) == Literal(1, 3000, 3001)


@pytest.mark.parametrize(
    ("literal", "why"),
    [
        ("'a\x00b'", "source code string cannot contain null bytes"),
        (
            "'\\N{nope}'",
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-7: "
            "unknown Unicode character name",
        ),
        (
            "'\\x1'",
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: "
            "truncated \\xXX escape",
        ),
    ],
)
def test_a_bad_string_literal_says_why(literal: str, why: str) -> None:
    text = f"[1, {literal}]"
    assert refused(text) == syntax(f"bad string literal: {why}", 4, 4 + len(literal))


def test_a_bad_literal_at_the_start_is_located_from_the_start() -> None:
    assert refused("'\\x1'") == syntax(
        "bad string literal: (unicode error) 'unicodeescape' codec can't decode bytes "
        "in position 0-2: truncated \\xXX escape",
        0,
        5,
    )
    assert refused("1" * 4301) == syntax("bad number literal: 4301 digits (at most 4300)", 0, 4301)


def test_a_literal_error_without_a_message_attribute_is_told_by_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Older Pythons refused a NUL byte with a ValueError, which has no .msg (newer ones
    raise SyntaxError): its text is the detail."""

    def refuse(text: str) -> Any:
        raise ValueError("source code string cannot contain null bytes")

    monkeypatch.setattr(ast, "literal_eval", refuse)
    assert refused("'a'") == syntax(
        "bad string literal: source code string cannot contain null bytes", 0, 3
    )


def test_a_bad_map_key_says_why() -> None:
    assert refused("{'\\x1': 1}") == syntax(
        "bad string literal: (unicode error) 'unicodeescape' codec can't decode bytes "
        "in position 0-2: truncated \\xXX escape",
        1,
        6,
    )


def test_an_integer_literal_with_too_many_digits_is_a_diagnostic() -> None:
    """Python refuses to convert more than 4300 digits: that was a traceback."""
    ok = "9" * 4300
    assert parse_expression(ok, at) == Literal(int(ok), 0, 4300)
    assert refused(f"[{ok}1]") == syntax("bad number literal: 4301 digits (at most 4300)", 1, 4302)


# -- Jinja's braces ---------------------------------------------------------------------


JINJA = "'{{ … }}' is Jinja syntax, which spec files do not use"
HINT = "write ${ name } to insert a value"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("{{ x }}", [syntax(JINJA, 0, 7, HINT)]),
        ("a{{x}}b", [syntax(JINJA, 1, 6, HINT)]),
        ("{{ a }} {{ b }}", [syntax(JINJA, 0, 7, HINT)]),
        ("}} {{ a }}", [syntax(JINJA, 3, 10, HINT)]),
        ("{{ a }} }}", [syntax(JINJA, 0, 7, HINT)]),
        ("a {{ b", []),
        ("}} {{ a", []),
        ("{ a }", []),
        ("", []),
    ],
)
def test_jinja_braces(text: str, found: list[Diagnostic]) -> None:
    assert template_errors(text, at) == found
