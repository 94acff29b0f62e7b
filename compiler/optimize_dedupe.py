"""Pass 1, dedupe: identical ops on one host become one node.

Two ops are identical when they have the same kind, the same canonical
arguments, and the same ``handler`` and ``become`` flags — the same work,
typically declared by two roles, two includes, or a spec and a Python deploy.
The first keeps its place and id; it absorbs the other's origins (so errors
and ``--explain`` can name both places), ``requires``, ``notify``, tags and
sensitive paths. Every reference to the absorbed op (``requires`` and
``notify`` of other ops) is rewritten to the node that absorbed it.

It runs first so that no later pass sees the same work twice: the conflict
check would otherwise report two identical declarations as a conflict.
"""

from __future__ import annotations

import json
from dataclasses import replace

from .ir import OpNode
from .optimize_types import HostPass, rename_refs, union


def _key(op: OpNode) -> str:
    return json.dumps(
        [op.kind, op.handler, op.become, op.args], sort_keys=True, default=str, ensure_ascii=False
    )


def dedupe(ops: tuple[OpNode, ...], ctx: HostPass | None = None) -> tuple[OpNode, ...]:
    first: dict[str, int] = {}
    out: list[OpNode] = []
    renamed: dict[str, str] = {}
    for op in ops:
        k = _key(op)
        if k not in first:
            first[k] = len(out)
            out.append(op)
            continue
        i = first[k]
        kept = out[i]
        renamed[op.id] = kept.id
        out[i] = replace(
            kept,
            origin=union(kept.origin, op.origin),
            requires=union(kept.requires, op.requires),
            notify=union(kept.notify, op.notify),
            tags=union(kept.tags, op.tags),
            sensitive=union(kept.sensitive, op.sensitive),
            secrets=union(kept.secrets, op.secrets),
            parts=union(kept.parts, op.parts),
        )
        if ctx is not None:
            ctx.note("dedupe", f"deduped {op.id} into {kept.id} (identical {op.kind}){_where(op)}")
    if ctx is not None and not renamed:
        ctx.note("dedupe", f"{len(ops)} ops, none identical")
    return rename_refs(tuple(out), renamed)


def _where(op: OpNode) -> str:
    return f", declared at {op.origin[0]}" if op.origin else ""
