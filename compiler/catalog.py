"""The operation catalog protocol: op kinds and their typed arguments.

The compiler owns this protocol; the runtime implements it (its operation
classes register here) and the CLI hands the runtime's catalog to the
compiler. That keeps ``compiler`` free of any host code and testable with a
toy catalog.

An op's arguments are a frozen dataclass. ``validate_args`` checks raw spec
values against it (unknown names, missing names, wrong types, custom checks)
and returns the canonical argument dict: every field present, defaults filled
in, in field order.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import types
import typing
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from . import messages as m
from .diagnostics import Diagnostic, diag, suggest
from .source import Span
from .values import kind

Check = Callable[[Any], str | None]
"""A custom argument check: returns an error detail, or None when the value is fine."""

_MISSING: Any = dataclasses.MISSING


def arg(
    default: Any = _MISSING,
    *,
    doc: str = "",
    check: Check | None = None,
    type_hint: str | None = None,
    default_factory: Callable[[], Any] | None = None,
    local_path: bool = False,
    secret: bool = False,
    scope: bool = False,
) -> Any:
    """Declare an op argument: its default, user doc, optional check and type-error hint.

    ``local_path``: a path on the controller; a relative one is taken relative to
    the spec file (or deploy) that declares the op, not to the working directory.
    """
    meta = {
        "doc": doc,
        "check": check,
        "type_hint": type_hint,
        "local_path": local_path,
        "secret": secret,  # always sensitive, wherever its value came from
        # A map the compiler fills with the host's variables (the non-sensitive ones)
        # and ``host``; entries the spec gives override them.
        "scope": scope,
    }
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class PathAttrs:
    """Attributes (``mode``, ``user``, ``group``) an op gives a path it writes."""

    path: str
    values: Mapping[str, str]  # only the attributes the op sets
    below: bool = False  # also every path below it (chown -R / chmod -R)
    is_dir: bool | None = None  # for a ``below`` entry: only directories (or only files)


@dataclass(frozen=True)
class Declares:
    """What an op kind tells the optimizer about the things it manages, declared once on
    the op class (``declares = Declares(identity=("path",), resource="path")``) and read
    by dedupe, conflicts, ordering and merging. Every field is optional: an op that
    declares nothing is its own sort of thing and is only ordered as written.
    """

    # Argument names that identify what the op manages (a path, a package); two ops
    # with the same identity manage one thing: equal ones are merged, others conflict.
    identity: tuple[str, ...] = ()
    # The sort of thing the op manages, shared by the kinds that manage the same
    # things (every files.* op manages a "path"); empty: the kind is its own sort.
    # The identity arguments name the thing (a list argument: one thing per item).
    resource: str = ""
    # A partial op declares one part of a thing (files.line: one line of a file):
    # (kind, argument) names the op that declares the whole and the argument
    # holding that part. Its thing is named by its first identity argument, the
    # rest names the part. It composes with other parts, and with `kind` when the
    # argument is unset; any other declaration of the thing conflicts with it.
    part_of: tuple[str, str] | None = None
    # The op makes its thing (a path) a directory: ops of the same resource on a
    # path below it run after it.
    container: bool = False
    # A list argument: adjacent ops of this kind whose other arguments are all
    # equal run as one node with the lists joined (one package transaction).
    merge: str | None = None
    # The op manages what is below its path (a copied tree, a checkout, chown -R)
    # rather than the path itself: it shares the path with a ``container`` op
    # (files.directory) that declares it. Unless it is a container itself, it
    # runs after the ops on paths below it (chown -R after the files exist).
    tree: bool = False
    # (argument, resource): the argument names a thing another op may create
    # (files.file ``user`` names a "user"); the op runs after that op.
    refers: tuple[tuple[str, str], ...] = ()
    # (argument, default): a directory the op creates, other than its thing (the
    # home of server.user): the argument's value, else the default formatted
    # with the arguments. Ops on paths below it run after it.
    makes_dir: tuple[str, str] | None = None


DECLARES = tuple(f.name for f in dataclasses.fields(Declares))


@dataclass(frozen=True)
class Signature:
    """A name and its typed arguments: an op kind's, or a fact's parameters. Both are
    checked by ``validate_args`` (and read from a command line by ``adhoc.read_args``)."""

    kind: str
    args: type  # a frozen dataclass of ``arg()`` fields
    doc: str = ""

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def scope_args(self) -> tuple[str, ...]:
        return _scope_args(self.args)

    def secret_args(self) -> tuple[str, ...]:
        """Arguments that are sensitive whatever their source (a password)."""
        return _secret_args(self.args)

    def fields(self) -> list[dataclasses.Field[Any]]:
        return list(_fields(self.args))

    def hints(self) -> dict[str, Any]:
        return _type_hints(self.args)


@dataclass(frozen=True)
class OpType(Signature):
    """One operation kind as the compiler sees it."""

    # False for ops that user modules ([python] modules) registered.
    builtin: bool = True
    declares: Declares = Declares()
    # The files the op writes and the mode and owner it gives them, from its
    # arguments: two ops giving one path different values of one attribute would
    # change it back and forth on every run, so that is a conflict.
    attributes: Callable[[Mapping[str, Any]], list[PathAttrs]] | None = None
    # The paths the op's guard reads to decide whether it runs (``creates``, a path
    # an ``unless`` command names): the optimizer never moves an op that changes
    # one of them across it, so the guard sees what the written order gives it.
    reads: Callable[[Mapping[str, Any]], list[str]] | None = None


# Argument classes are fixed once registered; lowering asks these per op and host.
@functools.cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


@functools.cache
def _by_name(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in _fields(cls)}


@functools.cache
def _scope_args(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in _fields(cls) if f.metadata.get("scope"))


@functools.cache
def _secret_args(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in _fields(cls) if f.metadata.get("secret"))


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """Resolved annotations of an argument class, computed once (read-only)."""
    return typing.get_type_hints(cls)


class Catalog:
    """A registry of op kinds; the runtime fills one, tests may build toy ones."""

    def __init__(self) -> None:
        self._ops: dict[str, OpType] = {}

    def register(self, op: OpType, replace: bool = False) -> None:
        """Add ``op``; a different op under a taken kind is an error unless ``replace``."""
        if op.kind in self._ops and self._ops[op.kind] != op and not replace:
            raise ValueError(f"operation {op.kind!r} registered twice")
        self._ops[op.kind] = op

    def get(self, kind: str) -> OpType | None:
        return self._ops.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._ops)

    def builtins(self) -> list[OpType]:
        """The ops specops ships (the schema and the reference docs list these)."""
        return [op for op in self if op.builtin]

    def __iter__(self) -> Iterator[OpType]:
        return iter(self._ops[k] for k in self.kinds())

    def __contains__(self, kind: object) -> bool:
        return kind in self._ops


# -- type checking of argument values -------------------------------------------------


def type_name(t: Any) -> str:
    """A user-facing name of a type annotation ("a string", "a list of strings")."""
    origin = get_origin(t)
    if t is str:
        return "a string"
    if t is bool:
        return "a boolean"
    if t is int:
        return "an integer"
    if t is float:
        return "a number"
    if t is type(None):
        return "null"
    if origin is list:
        (inner,) = get_args(t) or (Any,)
        return f"a list of {_plural(inner)}"
    if origin is dict:
        _, inner = get_args(t) or (str, Any)
        return f"a map of {_plural(inner)}"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(t))
    if origin in (Union, types.UnionType):
        names = [type_name(a) for a in get_args(t) if a is not type(None)]
        return " or ".join(names)
    if t is Any:
        return "any value"
    return getattr(t, "__name__", str(t))


def _plural(t: Any) -> str:
    """``type_name(t)`` in the plural: its first noun ("lists of strings"), each of a union's."""
    if get_origin(t) in (Union, types.UnionType):
        return " or ".join(_plural(a) for a in get_args(t) if a is not type(None))
    name = type_name(t)
    for article in ("a ", "an "):
        if name.startswith(article):
            noun, space, rest = name[len(article) :].partition(" ")
            return f"{noun}s{space}{rest}"
    return name


def value_type_name(v: Any) -> str:
    """Like ``evaluate.kind``, and numbers show their value (a mode of 644 says so)."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{kind(v)} ({v})"
    return kind(v)


def conforms(v: Any, t: Any) -> bool:
    """Whether value ``v`` fits annotation ``t`` (no coercion: 644 is not "644")."""
    origin = get_origin(t)
    if t is Any:
        return True
    if t is type(None):
        return v is None
    if t is bool:
        return isinstance(v, bool)
    if t is int:
        return isinstance(v, int) and not isinstance(v, bool)
    if t is float:
        return isinstance(v, int | float) and not isinstance(v, bool)
    if t is str:
        return isinstance(v, str)
    if origin is list:
        (inner,) = get_args(t) or (Any,)
        return isinstance(v, list) and all(conforms(x, inner) for x in v)
    if origin is dict:
        _, inner = get_args(t) or (str, Any)
        return isinstance(v, dict) and all(
            isinstance(k, str) and conforms(x, inner) for k, x in v.items()
        )
    if origin is Literal:
        return any(v == a and type(v) is type(a) for a in get_args(t))
    if origin in (Union, types.UnionType):
        return any(conforms(v, a) for a in get_args(t))
    return isinstance(v, t) if isinstance(t, type) else False


def validate_args(
    op: Signature,
    raw: Mapping[str, Any],
    key_span: Callable[[str], Span | None],
    value_span: Callable[[str], Span | None],
    op_span: Span | None,
    failed: Collection[str] = (),
    base_dir: str | None = None,
    secret: Collection[str] = (),
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Check ``raw`` against ``op``'s argument class; return canonical args or diagnostics.

    ``failed`` names arguments whose value could not be computed (already
    reported): they are neither type-checked nor reported missing. The values of
    ``secret`` arguments never appear in a diagnostic.
    """
    out: list[Diagnostic] = []
    fields = _by_name(op.args)
    hints = op.hints()
    for name in raw:
        if name not in fields:
            out.append(
                diag(
                    m.UNKNOWN_ARG,
                    key_span(name),
                    kind=op.kind,
                    name=name,
                    hint=suggest(name, fields) or f"{op.kind} takes: {', '.join(fields)}",
                )
            )
    canonical: dict[str, Any] = {}
    for name, f in fields.items():
        if name in failed:
            continue
        if name not in raw:
            if f.default is _MISSING and f.default_factory is _MISSING:
                out.append(diag(m.MISSING_ARG, op_span, kind=op.kind, name=name))
                continue
            factory: Callable[[], Any] = f.default_factory  # type: ignore[assignment]
            canonical[name] = f.default if f.default is not _MISSING else factory()
            continue
        v = raw[name]
        t = hints[name]
        if not conforms(v, t):
            out.append(
                diag(
                    m.WRONG_TYPE,
                    value_span(name),
                    what=f'"{name}" of {op.kind}',
                    expected=type_name(t),
                    got=kind(v) if name in secret else value_type_name(v),
                    hint=f.metadata.get("type_hint") or _quote_hint(t, v),
                )
            )
            continue
        check: Check | None = f.metadata.get("check")
        problem = check(v) if check and v is not None else None
        if problem and name in secret:
            problem = problem.replace(repr(v), "(sensitive)").replace(str(v), "(sensitive)")
        if problem:
            out.append(diag(m.BAD_VALUE, value_span(name), what=f'"{name}"', detail=problem))
            continue
        if f.metadata.get("local_path") and base_dir is not None and isinstance(v, str) and v:
            v = os.path.normpath(os.path.join(base_dir, v))
        canonical[name] = v
    return (None if out or failed else canonical), out


def _quote_hint(t: Any, v: Any) -> str | None:
    """Numbers and booleans where text is expected: the classic unquoted-version trap."""
    if conforms("x", t) and isinstance(v, int | float | bool):
        return "quote it: unquoted, 1.10 reads as the number 1.1 and yes/true as a boolean"
    return None


def check_octal_mode(v: Any) -> str | None:
    """A file mode is a string of 3 or 4 octal digits, like "0644"."""
    if isinstance(v, str) and 3 <= len(v) <= 4 and all(c in "01234567" for c in v):
        return None
    return f'{v!r} is not an octal file mode like "0644"'


MODE_HINT = (
    'quote file modes, "0644" rather than 0644 or 644: an unquoted number loses its octal meaning'
)
