"""Pass 2, conflicts: two declarations of one thing that disagree are an error.

What an op manages comes from the catalog, not from a list of kinds here:
``Declares.resource`` names the sort of thing (kinds sharing it manage the same
things: every ``files.*`` op manages a path) and ``Declares.identity`` names the
arguments that say which thing (a list argument: one thing per item, so two
package lists overlap item by item). Two ops on one thing are compatible when:

- both declare the whole thing, with the same kind and the same desired state
  (every argument besides the identity equal: two package lists that share
  ``curl`` and both want it present are fine);
- both declare a part (``Declares.part_of``, e.g. ``files.line``): different
  parts always compose; the same part must be declared the same way;
- one declares a part and the other is the whole kind that part belongs to,
  with the argument holding the part unset (``files.line`` on a path that
  ``files.file`` manages without ``content``);
- one manages what is below a path (``Declares.tree``: files.sync, files.attrs,
  git.repo) and the other makes that path a directory, or manages below it too.

Anything else is a ``conflict`` diagnostic at the later op, with a note at the
earlier one and a hint. So are two ops that give one path different values of one
attribute (``OpType.attributes``: mode, owner), even when each manages its own
thing (``server.limits`` writes its file 0644, a ``files.attrs`` over the
directory sets 0440): applied in turn, they would change it back and forth forever.
Handlers are left out: they are actions run on notification (reload a service an
op also manages), not declarations.

It runs after dedupe (identical declarations are merged, not reported) and
before ordering: no order makes two contradicting declarations right.
"""

from __future__ import annotations

import json
from typing import Any

from . import messages as m
from .catalog import OpType, PathAttrs
from .diagnostics import diag
from .ir import OpNode
from .optimize_things import Thing, is_secret, label
from .optimize_types import HostPass


def _state(op: OpNode, t: OpType) -> dict[str, Any]:
    return {k: v for k, v in op.args.items() if k not in t.declares.identity}


def _differ(p: OpNode, tp: OpType, q: OpNode, tq: OpType) -> str:
    a, b = _state(q, tq), _state(p, tp)
    names = [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    shown = []
    for k in names:
        if is_secret(p, k) or is_secret(q, k):
            shown.append(k)
        else:
            shown.append(f"{k} ({_short(a.get(k))} vs {_short(b.get(k))})")
    return (
        f"they differ in {', '.join(shown)}: declare it once, or make both declarations "
        "identical (identical ops are merged)"
    )


def _short(v: Any) -> str:
    s = json.dumps(v, default=str, ensure_ascii=False)
    return s if len(s) <= 40 else s[:37] + "..."


def clash(p: OpNode, tp: OpType, q: OpNode, tq: OpType) -> str | None:
    """Why ``p`` and ``q`` (declaring one thing) cannot both hold, as a hint; None if they can."""
    dp, dq = tp.declares, tq.declares
    if dp.part_of and dq.part_of:
        same_part = p.kind == q.kind and all(p.args.get(n) == q.args.get(n) for n in dp.identity)
        if same_part and _state(p, tp) != _state(q, tq):
            return _differ(p, tp, q, tq)
        return None
    if dp.part_of or dq.part_of:
        (part, tpart), (whole, _) = ((p, tp), (q, tq)) if dp.part_of else ((q, tq), (p, tp))
        assert tpart.declares.part_of is not None
        kind, name = tpart.declares.part_of
        if whole.kind == kind and whole.args.get(name) is None:
            return None
        if whole.kind == kind:
            return (
                f"{part.id} edits part of the {name} that {whole.id} declares whole: "
                f"put the change into {whole.id}'s {name}, or leave {name} unset"
            )
        return f"{part.kind} edits a {kind}, which {whole.kind} contradicts: keep one of them"
    if p.kind != q.kind and (dp.tree or dq.tree):
        if (dp.tree and dq.tree) or (dq if dp.tree else dp).container:
            return None
        return f"{q.kind} and {p.kind} disagree on what the path is: keep one of them"
    if p.kind != q.kind:
        return f"one thing cannot be both a {q.kind} and a {p.kind}: keep one of them"
    if _state(p, tp) != _state(q, tq):
        return _differ(p, tp, q, tq)
    return None


def conflicts(ops: tuple[OpNode, ...], ctx: HostPass) -> tuple[OpNode, ...]:
    if ctx.catalog is None:
        return ops
    seen: dict[Thing, list[OpNode]] = {}
    reported: set[tuple[str, str]] = set()
    for p in ops:
        tp = ctx.optype(p.kind)
        if tp is None:
            continue
        for thing in ctx.things(p):
            earlier = seen.setdefault(thing, [])
            for q in earlier:
                if (q.id, p.id) in reported:
                    continue
                tq = ctx.optype(q.kind)
                assert tq is not None
                hint = clash(p, tp, q, tq)
                if hint is None:
                    continue
                reported.add((q.id, p.id))
                ctx.diagnostics.append(
                    diag(
                        m.CONFLICT,
                        p.origin[0] if p.origin else None,
                        a=f"{q.id} ({q.kind})",
                        b=f"{p.id} ({p.kind})",
                        thing=label(p, tp, thing),
                        notes=[(f"{q.id} declares it here", q.origin[0])] if q.origin else [],
                        hint=hint,
                    )
                )
            earlier.append(p)
    _attribute_conflicts(ops, ctx, reported)
    shared = sum(1 for v in seen.values() if len(v) > 1)
    if not ctx.diagnostics:
        ctx.note(
            "conflicts", f"{len(seen)} things declared, {shared} by more than one op, no conflict"
        )
    return ops


def _attribute_conflicts(
    ops: tuple[OpNode, ...], ctx: HostPass, reported: set[tuple[str, str]]
) -> None:
    """Two ops giving one path different modes or owners (a tree op: also paths below)."""
    at = {op.id: i for i, op in enumerate(ops)}
    by_path: dict[str, list[tuple[OpNode, PathAttrs]]] = {}
    trees: list[tuple[OpNode, PathAttrs]] = []
    for op in ops:
        t = ctx.optype(op.kind)
        if t is None or t.attributes is None or op.handler:
            continue
        for entry in t.attributes(op.args):
            (trees if entry.below else by_path.setdefault(entry.path, [])).append((op, entry))
    pairs = [
        (a, b)
        for entries in by_path.values()
        for i, a in enumerate(entries)
        for b in entries[i + 1 :]
    ]
    for tree in trees:
        for path, entries in by_path.items():
            if path == tree[1].path or path.startswith(tree[1].path.rstrip("/") + "/"):
                pairs += [(tree, e) if at[tree[0].id] < at[e[0].id] else (e, tree) for e in entries]
    for (q, qa), (p, pa) in pairs:
        if p.id == q.id or (q.id, p.id) in reported or (p.id, q.id) in reported:
            continue
        if qa.is_dir is not None and pa.is_dir is not None and qa.is_dir != pa.is_dir:
            continue
        differ = [k for k in qa.values if k in pa.values and qa.values[k] != pa.values[k]]
        if not differ:
            continue
        reported.add((q.id, p.id))
        earlier, later = q, p  # every pair above is in source order
        shown = ", ".join(f"{k} ({qa.values[k]} vs {pa.values[k]})" for k in differ)
        ctx.diagnostics.append(
            diag(
                m.CONFLICT,
                later.origin[0] if later.origin else None,
                a=f"{earlier.id} ({earlier.kind})",
                b=f"{later.id} ({later.kind})",
                thing=f"the {' and '.join(differ)} of {(qa if pa.below else pa).path}",
                notes=[(f"{earlier.id} declares it here", earlier.origin[0])]
                if earlier.origin
                else [],
                hint=f"they differ in {shown}: applied in turn they would change it back and "
                "forth on every run; give both the same value, or set it in one of them",
            )
        )
