"""Pass 4, merge: adjacent ops of a mergeable kind run as one node.

A kind opts in through the catalog: ``Declares.merge`` names a list argument
(``apt.packages`` merges ``packages``). A run of ops of that kind that are
adjacent in the final order becomes one node when every other argument,
``become`` and ``notify`` are equal, none is a handler or holds sensitive
values, and no edge joins two of them (an op that ``requires`` another must
stay a transaction of its own). The node's list is the lists joined (each item
once, in order); it gets the ids joined with ``+`` and keeps the original ids
in ``OpNode.parts``, so the runtime reports an outcome for each original op
and the plan still names every package. References to a merged op are
rewritten to the node.

Only *adjacent* ops merge: the order a spec is written in is a promise
("a spec with no requires runs as written"), and moving a package install
across another op could break an undeclared dependency (a repository file,
a config written before the package's first start). A ``for_each`` over
packages produces exactly such a run.

It runs last: adjacency and the edges are only known once ``order`` is done.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from .catalog import OpType
from .ir import OpNode
from .optimize_types import HostPass, rename_refs, union


def _mergeable(op: OpNode, t: OpType | None) -> str | None:
    if t is None or t.declares.merge is None or op.handler or op.sensitive:
        return None
    return t.declares.merge if isinstance(op.args.get(t.declares.merge), list) else None


def _rest(op: OpNode, name: str) -> dict[str, Any]:
    return {k: v for k, v in op.args.items() if k != name}


def merge(ops: tuple[OpNode, ...], ctx: HostPass) -> tuple[OpNode, ...]:
    if ctx.catalog is None:
        return ops
    # Source order between two ops on one package ("same" edges) survives the join.
    linked = {(e.before, e.after) for e in ctx.edges if e.kind != "same"}
    linked |= {(r, op.id) for op in ops for r in op.requires}
    linked |= {(op.id, h) for op in ops for h in op.notify}
    out: list[OpNode] = []
    renamed: dict[str, str] = {}
    group: list[OpNode] = []
    name = ""

    def flush() -> None:
        if len(group) > 1:
            node = _join(group, name)
            out.append(node)
            renamed.update((g.id, node.id) for g in group)
            items = ", ".join(map(_item, node.args[name]))
            ctx.note("merge", f"merged {', '.join(g.id for g in group)}: one {node.kind} ({items})")
        else:
            out.extend(group)

    for op in ops:
        arg = _mergeable(op, ctx.optype(op.kind))
        if group and arg == name and _fits(group, op, name, linked):
            group.append(op)
            continue
        flush()
        group, name = ([op], arg) if arg else ([], "")
        if not arg:
            out.append(op)
    flush()
    if not renamed:
        ctx.note("merge", "nothing to merge")
    return rename_refs(tuple(out), renamed)


def _fits(group: list[OpNode], op: OpNode, name: str, linked: set[tuple[str, str]]) -> bool:
    g0 = group[0]
    return (
        op.kind == g0.kind
        and op.become == g0.become
        and set(op.notify) == set(g0.notify)
        and _rest(op, name) == _rest(g0, name)
        and not any((g.id, op.id) in linked or (op.id, g.id) in linked for g in group)
    )


def _item(x: Any) -> str:
    return x if isinstance(x, str) else json.dumps(x, sort_keys=True, default=str)


def _join(group: list[OpNode], name: str) -> OpNode:
    g0 = group[0]
    items: dict[str, Any] = {}
    for g in group:
        for x in g.args[name]:
            items.setdefault(_item(x), x)
    ids = {g.id for g in group}
    descs = {g.desc for g in group}
    return replace(
        g0,
        id="+".join(g.id for g in group),
        args={**g0.args, name: list(items.values())},
        requires=tuple(r for r in union(*(g.requires for g in group)) if r not in ids),
        tags=union(*(g.tags for g in group)),
        origin=union(*(g.origin for g in group)),
        desc=g0.desc if len(descs) == 1 else None,
        parts=union(*(g.parts or (g.id,) for g in group)),
    )
