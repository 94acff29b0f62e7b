"""Lowering an op once for every host whose variables it reads are equal.

A fleet spec declares most ops the same way for hundreds of hosts: an op whose
arguments read only ``app`` and ``port`` lowers to the same node on every host
where ``app`` and ``port`` have the same values. ``Reuse`` keys a lowered op
by its declaration and the values of the names its expressions read, so the
second host with those values gets the first host's nodes without evaluating,
validating or building anything.

Only what is provably the same is reused. A declaration is not reused when it
reads ``host`` or ``facts`` (different per host by design), calls a function a
``[python]`` module added (it may not be pure), or takes the host's whole scope
(``files.template`` vars). A lowering is not stored when it produced a
diagnostic or holds anything sensitive (secrets are tracked per evaluation), and
a name whose value cannot be frozen into a key (a secret, a namespace) makes
that host evaluate as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any

from .diagnostics import SpecError
from .expr import (
    Attr,
    BinOp,
    Call,
    Cond,
    Expr,
    Index,
    ListExpr,
    MapExpr,
    Name,
    Template,
    Unary,
)
from .references import Lowered
from .spec import OpDecl
from .values import Pending

# Names bound per host or per item, never part of a reuse key as such: ``item``
# and ``key`` follow from ``for_each``, whose own names are in the key.
PER_HOST = frozenset({"host", "facts"})
PER_ITEM = frozenset({"item", "key"})

Parse = Callable[[tuple[Any, ...], str, bool], Any]


class Unfrozen(Exception):
    """A value that cannot be part of a key (a secret, a namespace, an object)."""


def freeze(v: Any) -> Hashable:
    """A hashable key equal exactly when the values are (1, 1.0 and True differ)."""
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None:
        return (t.__name__, v)
    if t is list:
        return ("list", tuple(freeze(x) for x in v))
    if t is dict:
        return ("dict", tuple(sorted((k, freeze(x)) for k, x in v.items())))
    raise Unfrozen(t.__name__)


def names_in(e: Expr | Template) -> Iterator[str]:
    """Every name an expression or template reads (not attribute names or map keys)."""
    if isinstance(e, Template):
        for p in e.parts:
            if not isinstance(p, str):
                yield from names_in(p.expr)
    elif isinstance(e, Name):
        yield e.name
    elif isinstance(e, Attr):
        yield from names_in(e.obj)
    elif isinstance(e, Index):
        yield from names_in(e.obj)
        yield from names_in(e.key)
    elif isinstance(e, Call):
        yield from names_in(e.func)
        for a in e.args:
            yield from names_in(a)
    elif isinstance(e, ListExpr):
        for x in e.items:
            yield from names_in(x)
    elif isinstance(e, MapExpr):
        for _, x in e.pairs:
            yield from names_in(x)
    elif isinstance(e, Unary):
        yield from names_in(e.operand)
    elif isinstance(e, BinOp):
        yield from names_in(e.left)
        yield from names_in(e.right)
    elif isinstance(e, Cond):
        yield from names_in(e.test)
        yield from names_in(e.then)
        yield from names_in(e.orelse)


def _strings(path: tuple[Any, ...], v: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _strings((*path, i), x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _strings((*path, k), x)


class Reuse:
    """Lowered ops by (unit, declaration, values of the names they read)."""

    def __init__(self, pure: frozenset[str]) -> None:
        self.pure = pure  # function names known to be pure (the built-ins)
        self._names: dict[tuple[int, int], tuple[str, ...] | None] = {}
        self._done: dict[Hashable, list[Lowered]] = {}

    def names(
        self, unit: object, decl: OpDecl, parse: Parse, functions: Mapping[str, Any]
    ) -> tuple[str, ...] | None:
        """The variable names ``decl`` reads, or None when it must not be reused."""
        k = (id(unit), id(decl))
        if k not in self._names:
            self._names[k] = self._find(decl, parse, functions)
        return self._names[k]

    def _find(
        self, decl: OpDecl, parse: Parse, functions: Mapping[str, Any]
    ) -> tuple[str, ...] | None:
        found: set[str] = set()
        try:
            for path, text in _strings(decl.path, decl.args):
                found.update(names_in(parse(path, text, False)))
            if isinstance(decl.for_each, list | dict):  # a literal: templates inside it
                for path, text in _strings((*decl.path, "for_each"), decl.for_each):
                    found.update(names_in(parse(path, text, False)))
            for key, expr in (("when", decl.when), ("for_each", decl.for_each)):
                if isinstance(expr, str):
                    found.update(names_in(parse((*decl.path, key), expr, True)))
        except SpecError:
            return None  # reported when the op is lowered
        if found & PER_HOST:
            return None
        if decl.for_each is not None:
            found -= PER_ITEM
        calls = {n for n in found if n in functions}
        if calls - self.pure:
            return None
        return tuple(sorted(found))

    def key(
        self, unit: object, decl: OpDecl, names: tuple[str, ...], values: Mapping[str, Any]
    ) -> Hashable | None:
        """The key of this host's lowering, or None when a value cannot be frozen."""
        try:
            frozen = tuple(freeze(values[n]) if n in values else None for n in names)
        except (Unfrozen, SpecError, Pending):  # errors and facts: lowered as usual
            return None
        return (id(unit), id(decl), frozen)

    def get(self, key: Hashable) -> list[Lowered] | None:
        return self._done.get(key)

    def put(self, key: Hashable, lowered: list[Lowered]) -> None:
        if all(not n.sensitive and not n.secrets for n, _ in lowered):
            self._done[key] = lowered
