"""References between ops: ``requires``, ``before``, ``notify``, and tag selection.

Ids are resolved include-relative first (``web/conf`` for ``conf`` inside the
``web`` include), then as full ids; a reference to a looped op means all of its
items; ``before`` becomes ``requires`` on the other op; ``--tags`` keeps the
handlers that kept ops notify.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from . import messages as m
from .assemble import Context, PyUnit, Unit
from .catalog import Catalog
from .diagnostics import Collector, diag, suggest
from .ir import OpNode
from .source import Span
from .spec import OpDecl

Lowered = tuple[OpNode, tuple[str, ...]]  # a node and the ids it must run before


def all_ids(units: list[Unit | PyUnit]) -> dict[str, tuple[Unit, OpDecl]]:
    out: dict[str, tuple[Unit, OpDecl]] = {}
    for unit in units:
        if isinstance(unit, Unit):
            for decl in (*unit.spec.ops, *unit.spec.handlers):
                out[unit.context.full_id(decl.id)] = (unit, decl)
    return out


def resolve(ctx: Context, ref: str, ids: Mapping[str, Any]) -> str | None:
    local = ctx.full_id(ref)
    if local in ids:
        return local
    return ref if ref in ids else None


def check_refs(
    unit: Unit, ids: Mapping[str, tuple[Unit, OpDecl]], catalog: Catalog, c: Collector
) -> None:
    ctx = unit.context
    for decl in (*unit.spec.ops, *unit.spec.handlers):
        if catalog.get(decl.kind) is None:
            c.add(
                diag(
                    m.UNKNOWN_OP,
                    decl.doc.span((*decl.path, "op")),
                    kind=decl.kind,
                    hint=suggest(decl.kind, catalog.kinds()) or "`specops ops` lists them",
                )
            )
        for word in ("requires", "before", "notify"):
            for i, ref in enumerate(getattr(decl, word)):
                target = resolve(ctx, ref, ids)
                path = (
                    (*decl.path, word, i)
                    if (*decl.path, word, i) in decl.doc.spans
                    else (*decl.path, word)
                )
                if target is None:
                    pool = [k for k, (_, d) in ids.items() if d.handler == (word == "notify")]
                    short = [k.rsplit("/", 1)[-1] for k in pool]
                    # a short id equal to ref is another include's op: its full id is meant
                    near = [k for k in pool + short if k != ref]
                    c.add(
                        diag(m.UNKNOWN_REF, decl.doc.span(path), name=ref, hint=suggest(ref, near))
                    )
                elif word == "notify" and not ids[target][1].handler:
                    c.add(
                        diag(
                            m.BAD_VALUE,
                            decl.doc.span(path),
                            what=f'notify "{ref}"',
                            detail="names an op, not a handler",
                            hint=f"declare it under [handlers.{ref}], or use requires/before",
                        )
                    )


def expand_refs(lowered: list[Lowered]) -> list[OpNode]:
    """A reference to a looped op means all of its items; ``before`` becomes ``requires``."""
    nodes = [n for n, _ in lowered]
    by_base: dict[str, list[str]] = {}
    for n in nodes:
        by_base.setdefault(n.id.split("[", 1)[0] if n.id.endswith("]") else n.id, []).append(n.id)

    def expand(refs: Iterable[str]) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(x for r in refs for x in by_base.get(r, [r] if r in ids else []))
        )

    ids = {n.id for n in nodes}
    befores: dict[str, list[str]] = {}
    before_spans: dict[tuple[str, str], Span] = {}  # (later, earlier) -> the before entry
    for n, before in lowered:
        for b in before:
            for x in expand((b,)):
                befores.setdefault(x, []).append(n.id)
                if f"before:{b}" in n.edge_spans:
                    before_spans[(x, n.id)] = n.edge_spans[f"before:{b}"]
    out = []
    for n in nodes:
        requires = expand((*n.requires, *befores.get(n.id, []))) if n.requires or befores else ()
        notify = expand(n.notify) if n.notify else ()
        same = requires == n.requires and notify == n.notify
        if same:
            out.append(n)
            continue
        spans = dict(n.edge_spans)
        for r in n.requires:
            for x in by_base.get(r, ()):
                if r in n.edge_spans:
                    spans.setdefault(x, n.edge_spans[r])
        for r in befores.get(n.id, ()):
            if (n.id, r) in before_spans:
                spans.setdefault(r, before_spans[(n.id, r)])
        out.append(replace(n, requires=requires, notify=notify, edge_spans=spans))
    return out


def filter_tags(nodes: list[OpNode], tags: set[str], skip: set[str]) -> list[OpNode]:
    if not tags and not skip:
        return nodes
    kept = [
        n
        for n in nodes
        if not n.handler and (not tags or set(n.tags) & tags) and not set(n.tags) & skip
    ]
    notified = {h for n in kept for h in n.notify}
    kept_ids = {n.id for n in kept} | notified
    return [n for n in nodes if n.id in kept_ids]
