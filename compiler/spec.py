"""Spec shape: check a loaded ``Document`` and read it into a ``Spec``.

Checks the top-level sections and the shape of each op (``op`` present, the
reserved keys with the right types) and splits reserved keys from arguments.
It does not evaluate ``${…}`` or look up op kinds; ``lower`` does both, because
both depend on the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import messages as m
from .diagnostics import Collector, diag, suggest
from .inventory import Inventory, read_inventory
from .source import Document, Span

SECTIONS = ("hosts", "groups", "vars", "ops")

# Keys of an op that are not arguments. The ones not yet implemented are
# reserved now so that no operation can ever take an argument by that name.
RESERVED = (
    "op",
    "hosts",
    "requires",
    "tags",
    "desc",
    "when",
    "for_each",
    "before",
    "notify",
    "become",
)
IMPLEMENTED = {"op", "hosts", "requires", "tags", "desc"}


@dataclass(frozen=True)
class OpDecl:
    """One op as written in a spec: its id, kind, raw arguments and reserved keys."""

    id: str
    kind: str
    args: dict[str, Any]
    hosts: tuple[str, ...] | None
    requires: tuple[str, ...]
    tags: tuple[str, ...]
    desc: str | None
    span: Span  # the op's key, e.g. "[ops.app_dir]"


@dataclass(frozen=True)
class Spec:
    doc: Document
    inventory: Inventory
    vars: dict[str, Any]
    ops: tuple[OpDecl, ...]


def _str_list(
    c: Collector, doc: Document, path: tuple[str | int, ...], v: Any, what: str
) -> tuple[str, ...] | None:
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    c.add(
        diag(
            m.WRONG_SHAPE,
            doc.span(path),
            what=what,
            expected="a string or a list of strings",
            got=type(v).__name__,
        )
    )
    return None


def read_spec(doc: Document) -> Spec:
    """Read ``doc`` into a ``Spec``, collecting every shape error before raising."""
    c = Collector()
    for key in doc.data:
        if key not in SECTIONS:
            c.add(
                diag(
                    m.UNKNOWN_SECTION,
                    doc.key_span((key,)),
                    key=key,
                    hint=suggest(key, SECTIONS) or f"sections are: {', '.join(SECTIONS)}",
                )
            )
    inventory = read_inventory(doc, c)
    variables = doc.data.get("vars", {})
    if not isinstance(variables, dict):
        c.add(
            diag(
                m.WRONG_SHAPE,
                doc.span(("vars",)),
                what="[vars]",
                expected="a table",
                got=type(variables).__name__,
            )
        )
        variables = {}
    raw_ops = doc.data.get("ops", {})
    ops: list[OpDecl] = []
    if not isinstance(raw_ops, dict):
        c.add(
            diag(
                m.WRONG_SHAPE,
                doc.span(("ops",)),
                what="[ops]",
                expected="a table of named ops",
                got=type(raw_ops).__name__,
                hint='name each op: [ops.app_dir] op = "files.directory" …',
            )
        )
        raw_ops = {}
    for op_id, body in raw_ops.items():
        decl = _read_op(c, doc, op_id, body)
        if decl:
            ops.append(decl)
    c.check()
    return Spec(doc, inventory, variables, tuple(ops))


def _read_op(c: Collector, doc: Document, op_id: str, body: Any) -> OpDecl | None:
    path: tuple[str, ...] = ("ops", op_id)
    span = doc.key_span(path)
    if not isinstance(body, dict):
        c.add(
            diag(
                m.WRONG_SHAPE,
                doc.span(path),
                what=f"op {op_id}",
                expected="a table",
                got=type(body).__name__,
                hint='an op is a table: [ops.NAME] op = "files.file"',
            )
        )
        return None
    kind = body.get("op")
    if not isinstance(kind, str):
        c.add(
            diag(
                m.MISSING_KEY,
                span,
                where=f"op {op_id}",
                key="op",
                hint='say which operation to run, e.g. op = "files.directory"',
            )
        )
        return None
    for key in RESERVED:
        if key in body and key not in IMPLEMENTED:
            c.add(
                diag(
                    m.BAD_VALUE,
                    doc.key_span((*path, key)),
                    what=f'"{key}"',
                    detail="is reserved for the spec language and not supported yet",
                )
            )
    hosts = None
    if "hosts" in body:
        hosts = _str_list(c, doc, (*path, "hosts"), body["hosts"], f'"hosts" of op {op_id}')
    requires = _str_list(
        c, doc, (*path, "requires"), body.get("requires", []), f'"requires" of op {op_id}'
    )
    tags = _str_list(c, doc, (*path, "tags"), body.get("tags", []), f'"tags" of op {op_id}')
    desc = body.get("desc")
    if desc is not None and not isinstance(desc, str):
        c.add(
            diag(
                m.WRONG_SHAPE,
                doc.span((*path, "desc")),
                what=f'"desc" of op {op_id}',
                expected="a string",
                got=type(desc).__name__,
            )
        )
        desc = None
    args = {k: v for k, v in body.items() if k not in RESERVED}
    return OpDecl(op_id, kind, args, hosts, requires or (), tags or (), desc, span)
