"""Templates and expressions: parse with the Lark grammar into frozen AST nodes.

``parse_template`` turns a spec string into a ``Template`` of text parts and
holes; ``parse_expression`` reads a bare expression (``when``, ``for_each``).
Only the transformer here sees a Lark tree; every node after it is a frozen
dataclass with ``start``/``end`` offsets into the parsed string, which a
``Locator`` maps back to file positions. Evaluation lives in ``evaluate``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, UnexpectedInput, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken, VisitError

from . import messages as m
from .diagnostics import Diagnostic, SpecError, diag
from .source import Span

MAX_EXPRESSION = 20_000  # characters; longer strings are refused before parsing


@dataclass(frozen=True)
class Name:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Literal:
    value: Any
    start: int
    end: int


@dataclass(frozen=True)
class Attr:
    obj: Expr
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Index:
    obj: Expr
    key: Expr
    start: int
    end: int


@dataclass(frozen=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True)
class ListExpr:
    items: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True)
class MapExpr:
    pairs: tuple[tuple[str, Expr], ...]
    start: int
    end: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Expr
    start: int
    end: int


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * / // % == != < <= > >= in "not in" and or
    left: Expr
    right: Expr
    start: int
    end: int


@dataclass(frozen=True)
class Cond:
    then: Expr
    test: Expr
    orelse: Expr
    start: int
    end: int


Expr = Name | Literal | Attr | Index | Call | ListExpr | MapExpr | Unary | BinOp | Cond


@dataclass(frozen=True)
class Hole:
    expr: Expr
    start: int
    end: int


Part = str | Hole


@dataclass(frozen=True)
class Template:
    parts: tuple[Part, ...]

    @property
    def is_plain(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)

    @property
    def single(self) -> Hole | None:
        """The hole, when the template is exactly one ``${ expr }``."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Hole):
            return self.parts[0]
        return None


Locator = Callable[[int, int], Span | None]
"""Maps a (start, end) offset range in a template string to a file span."""


@cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("template.lark").read_text("utf-8")
    return Lark(grammar, start=["template", "expression"], parser="lalr", propagate_positions=True)


class _BadLiteral(Exception):
    """A literal Python's rules refuse (a NUL byte, a bad escape, too many digits), located."""

    def __init__(self, tok: Token, why: str, what: str = "string") -> None:
        super().__init__(why)
        self.start, self.end, self.why, self.what = tok.start_pos or 0, _end(tok), why, what


def _unquote(tok: Token) -> str:
    """The value of a quoted string literal (Python's escapes)."""
    try:
        value: str = ast.literal_eval(str(tok))  # the grammar only lets quoted strings through
    except (ValueError, SyntaxError, MemoryError) as e:
        raise _BadLiteral(tok, getattr(e, "msg", None) or str(e)) from None
    return value


def _end(tok: Token) -> int:
    return (tok.start_pos or 0) + len(tok)


@v_args(meta=True)
class _ToAst(Transformer[Token, Any]):
    def __default__(self, data: Any, children: Any, meta: Any) -> Any:
        raise NotImplementedError(f"template grammar rule {data!r} has no transformer method")

    def template(self, meta: Any, parts: list[Part]) -> Template:
        merged: list[Part] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return Template(tuple(merged))

    def expression(self, meta: Any, c: list[Expr]) -> Expr:
        return c[0]

    def text(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def escape(self, meta: Any, c: list[Token]) -> str:
        return "${"

    def hole(self, meta: Any, c: list[Any]) -> Hole:
        return Hole(c[1], meta.start_pos, meta.end_pos)

    def name(self, meta: Any, c: list[Token]) -> Name:
        return Name(str(c[0]), meta.start_pos, meta.end_pos)

    def int_lit(self, meta: Any, c: list[Token]) -> Literal:
        try:
            value = int(c[0])
        except ValueError:  # more digits than Python converts to a number (sys.int_info)
            why = f"{len(c[0])} digits (at most {sys.get_int_max_str_digits()})"
            raise _BadLiteral(c[0], why, "number") from None
        return Literal(value, meta.start_pos, meta.end_pos)

    def float_lit(self, meta: Any, c: list[Token]) -> Literal:
        return Literal(float(c[0]), meta.start_pos, meta.end_pos)

    def string(self, meta: Any, c: list[Token]) -> Literal:
        return Literal(_unquote(c[0]), meta.start_pos, meta.end_pos)

    def true(self, meta: Any, c: list[Any]) -> Literal:
        return Literal(True, meta.start_pos, meta.end_pos)

    def false(self, meta: Any, c: list[Any]) -> Literal:
        return Literal(False, meta.start_pos, meta.end_pos)

    def null(self, meta: Any, c: list[Any]) -> Literal:
        return Literal(None, meta.start_pos, meta.end_pos)

    def list_lit(self, meta: Any, c: list[Expr | None]) -> ListExpr:
        return ListExpr(tuple(x for x in c if x is not None), meta.start_pos, meta.end_pos)

    def pair(self, meta: Any, c: list[Any]) -> tuple[str, Expr]:
        key, value = c
        text = str(key)
        return (_unquote(key) if key.type == "STRING" else text), value

    def map_lit(self, meta: Any, c: list[tuple[str, Expr] | None]) -> MapExpr:
        return MapExpr(tuple(p for p in c if p is not None), meta.start_pos, meta.end_pos)

    def attr(self, meta: Any, c: list[Any]) -> Attr:
        return Attr(c[0], str(c[1]), meta.start_pos, _end(c[1]))

    def index(self, meta: Any, c: list[Any]) -> Index:
        return Index(c[0], c[1], meta.start_pos, meta.end_pos)

    def call(self, meta: Any, c: list[Any]) -> Call:
        return Call(c[0], tuple(x for x in c[1:] if x is not None), meta.start_pos, meta.end_pos)

    def neg(self, meta: Any, c: list[Expr]) -> Unary:
        return Unary("-", c[0], meta.start_pos, meta.end_pos)

    def not_(self, meta: Any, c: list[Expr]) -> Unary:
        return Unary("not", c[0], meta.start_pos, meta.end_pos)

    def _bin(self, op: str, meta: Any, left: Expr, right: Expr) -> BinOp:
        return BinOp(op, left, right, meta.start_pos, meta.end_pos)

    def binop(self, meta: Any, c: list[Any]) -> BinOp:
        return self._bin(str(c[1]), meta, c[0], c[2])

    def compare(self, meta: Any, c: list[Any]) -> BinOp:
        return self._bin(str(c[1]), meta, c[0], c[2])

    def in_(self, meta: Any, c: list[Expr]) -> BinOp:
        return self._bin("in", meta, c[0], c[1])

    def not_in(self, meta: Any, c: list[Expr]) -> BinOp:
        return self._bin("not in", meta, c[0], c[1])

    def and_(self, meta: Any, c: list[Expr]) -> BinOp:
        return self._bin("and", meta, c[0], c[1])

    def or_(self, meta: Any, c: list[Expr]) -> BinOp:
        return self._bin("or", meta, c[0], c[1])

    def cond(self, meta: Any, c: list[Expr]) -> Cond:
        return Cond(c[0], c[1], c[2], meta.start_pos, meta.end_pos)


# Common mistakes, taught by example (as lark's match_examples does): each label
# is the hint given when a failing input resembles one of its examples.
EXPR_ERRORS: list[tuple[str, list[str]]] = [
    ("close the expression with '}'", ["${ a", "${a.b", "x ${ a", "${ f(a) "]),
    ("an expression needs something between '${' and '}'", ["${}", "${ }"]),
    ("after '.', write a key name", ["${a.}", "${a.1}"]),
    ("an operator needs a value on both sides", ["${ a + }", "${ a == }", "${ a and }"]),
    ("close the call with ')'", ["${ f(a }", "${ f(a, b }"]),
    ("close the list with ']'", ["${ [a, b }", "${ a[0 }"]),
    ("write conditions as `x if condition else y`", ["${ a if b }", "${ a if b else }"]),
    ("strings need quotes that match", ["${ 'a }", '${ "a }']),
]
WHEN_ERRORS: list[tuple[str, list[str]]] = [
    ("an operator needs a value on both sides", ["a +", "a ==", "a and"]),
    ("use `==` to compare", ["a = b"]),
    ("write conditions as `x if condition else y`", ["a if b"]),
]


def _syntax_error(text: str, e: UnexpectedInput, locate: Locator, start: str) -> SpecError:
    end = isinstance(e, UnexpectedEOF) or (
        isinstance(e, UnexpectedToken) and e.token.type == "$END"
    )
    pos = len(text) if end or e.pos_in_stream is None else e.pos_in_stream
    examples = EXPR_ERRORS if start == "template" else WHEN_ERRORS
    try:
        hint = e.match_examples(
            lambda s: _parser().parse(s, start=start), dict(examples), use_accepts=True
        )
    except Exception:  # matching is a best effort; the error itself must still come out
        hint = None
    # Where no token fits, lark reports the rest of the string as one TEXT token: name
    # the character it starts with, not the whole rest.
    if isinstance(e, UnexpectedCharacters) or (
        isinstance(e, UnexpectedToken) and e.token.type == "TEXT"
    ):
        detail = f"unexpected character {text[pos : pos + 1]!r}"
    elif isinstance(e, UnexpectedToken) and e.token.type != "$END":
        detail = f"unexpected {str(e.token)!r}"
    else:
        detail = "unexpected end of expression"
    return SpecError([diag(m.EXPR_SYNTAX, locate(pos, pos + 1), detail=detail, hint=hint)])


def _parse(text: str, locate: Locator, start: str) -> Any:
    if len(text) > MAX_EXPRESSION:
        raise SpecError(
            [
                diag(
                    m.EXPR_SYNTAX,
                    locate(0, 1),
                    detail=f"expression longer than {MAX_EXPRESSION} characters",
                )
            ]
        )
    try:
        tree: Tree[Token] = _parser().parse(text, start=start)
        return _ToAst().transform(tree)
    except UnexpectedInput as e:
        raise _syntax_error(text, e, locate, start) from None
    except (RecursionError, VisitError) as e:
        cause = e.orig_exc if isinstance(e, VisitError) else e
        if isinstance(cause, _BadLiteral):
            detail = f"bad {cause.what} literal: {cause.why}"
            raise SpecError(
                [diag(m.EXPR_SYNTAX, locate(cause.start, cause.end), detail=detail)]
            ) from None
        if not isinstance(cause, RecursionError):
            raise
        raise SpecError(
            [diag(m.EXPR_SYNTAX, locate(0, 1), detail="expression nested too deeply")]
        ) from None


def parse_template(text: str, locate: Locator) -> Template:
    """Parse a spec string; syntax errors become a positioned ``SpecError``."""
    if "${" not in text:  # fast path: most strings hold no holes
        return Template((text,) if text else ())
    result: Template = _parse(text, locate, "template")
    return result


def parse_expression(text: str, locate: Locator) -> Expr:
    """Parse a bare expression (``when``, ``for_each``)."""
    result: Expr = _parse(text, locate, "expression")
    return result


def template_errors(text: str, locate: Locator) -> list[Diagnostic]:
    """Mistakes worth catching in any string: Jinja-style ``{{ … }}`` holes."""
    i = text.find("{{")
    if i >= 0 and "}}" in text[i:]:
        j = text.index("}}", i) + 2
        return [
            diag(
                m.EXPR_SYNTAX,
                locate(i, j),
                detail="'{{ … }}' is Jinja syntax, which spec files do not use",
                hint="write ${ name } to insert a value",
            )
        ]
    return []
