"""The optimizer: rewrite each host's op list without changing what it does.

Passes, in this order:

1. ``dedupe`` — identical ops (same kind, same canonical args) on one host
   become one node whose origins, ``requires`` and tags are merged. It runs
   first so that later passes never see the same work twice.
2. ``order`` — a stable topological sort over ``requires`` and notify edges
   (a handler after each op that notifies it); ties keep source order, so a
   spec with no ``requires`` runs exactly as written. A cycle is a
   diagnostic naming each op in it and where it was declared.

The optimizer issue grows this list (conflicts, inferred edges, merging).
"""

from __future__ import annotations

import heapq
import itertools
import json
from dataclasses import replace

from . import messages as m
from .diagnostics import Diagnostic, SpecError, diag
from .ir import HostProgram, OpNode, Program


def _key(op: OpNode) -> str:
    return json.dumps([op.kind, op.args, op.handler, op.become], sort_keys=True, default=str)


def dedupe(ops: tuple[OpNode, ...]) -> tuple[OpNode, ...]:
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
            origin=kept.origin + tuple(s for s in op.origin if s not in kept.origin),
            requires=kept.requires + tuple(r for r in op.requires if r not in kept.requires),
            notify=kept.notify + tuple(n for n in op.notify if n not in kept.notify),
            tags=kept.tags + tuple(t for t in op.tags if t not in kept.tags),
        )
    if not renamed:
        return tuple(out)
    # References to a merged op now point at the node that absorbed it.
    result = []
    for op in out:
        reqs = tuple(
            dict.fromkeys(renamed.get(r, r) for r in op.requires if renamed.get(r, r) != op.id)
        )
        result.append(replace(op, requires=reqs))
    return tuple(result)


def order(ops: tuple[OpNode, ...]) -> tuple[OpNode, ...]:
    index = {op.id: i for i, op in enumerate(ops)}
    deps = {op.id: {r for r in op.requires if r in index} for op in ops}
    for op in ops:  # a handler runs after everything that notifies it
        for h in op.notify:
            if h in deps and h != op.id:
                deps[h].add(op.id)
    users: dict[str, list[str]] = {op.id: [] for op in ops}
    for op_id, ds in deps.items():
        for d in ds:
            users[d].append(op_id)
    waiting = {k: len(v) for k, v in deps.items()}
    ready = [index[k] for k, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[OpNode] = []
    while ready:
        op = ops[heapq.heappop(ready)]
        out.append(op)
        for u in users[op.id]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, index[u])
    if len(out) < len(ops):
        raise SpecError([_cycle_error(ops, {k for k, n in waiting.items() if n})])
    return tuple(out)


def _cycle_error(ops: tuple[OpNode, ...], stuck: set[str]) -> Diagnostic:
    by_id = {op.id: op for op in ops}
    # Walk requires edges inside the stuck set until a node repeats: that is a cycle.
    path: list[str] = []
    node = min(stuck, key=lambda k: list(by_id).index(k))
    while node not in path:
        path.append(node)
        node = next(r for r in by_id[node].requires if r in stuck)
    cycle = [*path[path.index(node) :], node]
    first = by_id[cycle[0]]
    notes = [
        (f"{a} requires {b}", by_id[a].origin[0])
        for a, b in itertools.pairwise(cycle)
        if by_id[a].origin
    ]
    return diag(
        m.CYCLE,
        first.origin[0] if first.origin else None,
        what="ops",
        cycle=" -> ".join(cycle),
        notes=notes,
        hint="remove one of these requires",
    )


PASSES = (dedupe, order)


def optimize(program: Program) -> Program:
    hosts = []
    for h in program.hosts:
        ops = h.ops
        for p in PASSES:
            ops = p(ops)
        hosts.append(HostProgram(h.name, h.connection, ops))
    return Program(tuple(hosts))
