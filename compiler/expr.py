"""Templates and expressions: parse ``${ … }`` with the Lark grammar, evaluate safely.

Parsing turns a string into a ``Template`` of text parts and expression
nodes (frozen dataclasses with offsets into the string). Only the transformer
here sees a Lark tree. Evaluation walks those nodes against a scope of plain
values; nothing is ever passed to Python's ``eval``. A string that is exactly
one ``${ expr }`` keeps the value's type; anything else renders to a string.

Offsets are relative to the template string; ``Locator`` maps them back to
file positions so errors point at the exact name in the spec file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from . import messages as m
from .diagnostics import Diagnostic, SpecError, diag, suggest
from .source import Span


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


Expr = Name | Literal | Attr | Index


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
    return Lark(grammar, start="template", parser="lalr", propagate_positions=True)


def _tok_end(tok: Token) -> int:
    return (tok.start_pos or 0) + len(tok)


class _ToAst(Transformer[Token, Any]):
    def __default__(self, data: Any, children: Any, meta: Any) -> Any:
        raise NotImplementedError(f"template grammar rule {data!r} has no transformer method")

    def template(self, parts: list[Part]) -> Template:
        merged: list[Part] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return Template(tuple(merged))

    def text(self, c: list[Token]) -> str:
        return str(c[0])

    def escape(self, c: list[Token]) -> str:
        return "${"

    def hole(self, c: list[Any]) -> Hole:
        open_tok, expr = c
        return Hole(expr, open_tok.start_pos or 0, expr.end + 1)

    def name(self, c: list[Token]) -> Name:
        return Name(str(c[0]), c[0].start_pos or 0, _tok_end(c[0]))

    def int(self, c: list[Token]) -> Literal:
        return Literal(int(c[0]), c[0].start_pos or 0, _tok_end(c[0]))

    def string(self, c: list[Token]) -> Literal:
        return Literal(ast.literal_eval(str(c[0])), c[0].start_pos or 0, _tok_end(c[0]))

    def attr(self, c: list[Any]) -> Attr:
        obj, name = c
        return Attr(obj, str(name), obj.start, _tok_end(name))

    def index(self, c: list[Any]) -> Index:
        obj, key = c
        return Index(obj, key, obj.start, key.end + 1)


# Common mistakes, taught by example (as lark's match_examples does): each label
# is the hint given when a failing input resembles one of its examples.
EXPR_ERRORS: list[tuple[str, list[str]]] = [
    ("close the expression with '}'", ["${ a", "${a.b", "x ${ a"]),
    ("an expression needs something between '${' and '}'", ["${}", "${ }"]),
    ("after '.', write a key name", ["${a.}", "${a.1}"]),
]


def parse_template(text: str, locate: Locator) -> Template:
    """Parse a template string; syntax errors become a positioned ``SpecError``."""
    if "${" not in text:  # fast path: most strings hold no holes
        return Template((text,) if text else ())
    try:
        tree: Tree[Token] = _parser().parse(text)
        result: Template = _ToAst().transform(tree)
        return result
    except UnexpectedInput as e:
        pos = e.pos_in_stream if e.pos_in_stream is not None else len(text)
        if isinstance(e, UnexpectedEOF) or (
            isinstance(e, UnexpectedToken) and e.token.type == "$END"
        ):
            pos = len(text)
        hint = e.match_examples(_parser().parse, dict(EXPR_ERRORS), use_accepts=True)
        if isinstance(e, UnexpectedCharacters):
            detail = f"unexpected character {text[pos : pos + 1]!r}"
        elif isinstance(e, UnexpectedToken) and e.token.type != "$END":
            detail = f"unexpected {str(e.token)!r}"
        else:
            detail = "unexpected end of expression"
        span = locate(pos, pos + 1)
        raise SpecError([diag(m.EXPR_SYNTAX, span, detail=detail, hint=hint)]) from None


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


# -- evaluation -----------------------------------------------------------------------


def _describe(e: Expr) -> str:
    if isinstance(e, Name):
        return e.name
    if isinstance(e, Attr):
        return f"{_describe(e.obj)}.{e.name}"
    if isinstance(e, Index):
        return f"{_describe(e.obj)}[…]"
    return repr(e.value)


def evaluate(e: Expr, scope: Mapping[str, Any], locate: Locator) -> Any:
    if isinstance(e, Literal):
        return e.value
    if isinstance(e, Name):
        if e.name in scope:
            return scope[e.name]
        raise SpecError(
            [
                diag(
                    m.UNDEFINED_NAME,
                    locate(e.start, e.end),
                    name=e.name,
                    hint=suggest(e.name, scope) or _names_hint(scope),
                )
            ]
        )
    if isinstance(e, Attr):
        obj = evaluate(e.obj, scope, locate)
        if isinstance(obj, Mapping) and e.name in obj:
            return obj[e.name]
        keys = list(obj) if isinstance(obj, Mapping) else []
        raise SpecError(
            [
                diag(
                    m.UNDEFINED_ATTR,
                    locate(e.end - len(e.name), e.end),
                    owner=_describe(e.obj),
                    name=e.name,
                    hint=suggest(e.name, keys),
                )
            ]
        )
    obj = evaluate(e.obj, scope, locate)
    key = evaluate(e.key, scope, locate)
    try:
        return obj[key]
    except (KeyError, IndexError, TypeError):
        keys = [str(k) for k in obj] if isinstance(obj, Mapping) else []
        raise SpecError(
            [
                diag(
                    m.UNDEFINED_ATTR,
                    locate(e.key.start, e.key.end),
                    owner=_describe(e.obj),
                    name=str(key),
                    hint=suggest(str(key), keys),
                )
            ]
        ) from None


def _names_hint(scope: Mapping[str, Any]) -> str | None:
    names = sorted(k for k in scope if not k.startswith("_"))
    return f"defined names: {', '.join(names)}" if names else "define it under [vars]"


def to_text(v: Any) -> str:
    """How a value reads inside a larger string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def render(t: Template, scope: Mapping[str, Any], locate: Locator) -> Any:
    """Evaluate a template: a lone hole keeps its value's type, else a string."""
    hole = t.single
    if hole is not None:
        return evaluate(hole.expr, scope, locate)
    out: list[str] = []
    for p in t.parts:
        out.append(p if isinstance(p, str) else to_text(evaluate(p.expr, scope, locate)))
    return "".join(out)
