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


def _cheap(op: OpNode) -> tuple[object, ...]:
    """Equal for identical ops, and rarely equal otherwise: ops with the same cheap
    key are compared by ``_key`` (the JSON dump costs more than the whole rest)."""
    strings = sorted(
        (k, v if type(v) is str else tuple(v))
        for k, v in op.args.items()
        if type(v) is str or (type(v) is list and all(type(x) is str for x in v))
    )
    return (op.kind, op.handler, op.become, len(op.args), *strings)


def _first_identity(op: OpNode, ctx: HostPass | None) -> tuple[object, ...] | None:
    """A cheaper cheap key: the kind and the value of its first identity argument."""
    t = ctx.optype(op.kind) if ctx is not None else None
    if t is None or not t.declares.identity:
        return None
    v = op.args.get(t.declares.identity[0])
    if type(v) is list:
        v = tuple(v) if all(type(x) is str for x in v) else None
    if v is None or not isinstance(v, str | int | tuple):
        return None
    return (op.kind, op.handler, op.become, v)


def dedupe(ops: tuple[OpNode, ...], ctx: HostPass | None = None) -> tuple[OpNode, ...]:
    buckets: dict[tuple[object, ...], list[int]] = {}
    keys: dict[int, str] = {}  # index in ``out`` -> _key, computed on a cheap collision
    out: list[OpNode] = []
    renamed: dict[str, str] = {}
    for op in ops:
        bucket = buckets.setdefault(_first_identity(op, ctx) or _cheap(op), [])
        i = None
        if bucket:
            k = _key(op)
            for j in bucket:
                if j not in keys:
                    keys[j] = _key(out[j])
                if keys[j] == k:
                    i = j
                    break
        if i is None:
            bucket.append(len(out))
            out.append(op)
            continue
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
