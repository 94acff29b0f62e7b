"""Pass 3, order: a stable topological sort over declared and inferred edges.

Edges (``after`` runs after ``before``), each with the reason ``--explain`` and
cycle errors print:

- ``requires`` (``before`` was turned into ``requires`` by lowering);
- a handler after every op that notifies it;
- inferred from the catalog, each the only order that works on a fresh host:
  an op on a path inside a directory that another op creates
  (``Declares.container``, or a home that ``Declares.makes_dir`` names) runs after
  it; an op whose argument names a user, a group, a virtualenv another op
  creates (``Declares.refers``) runs after that op; a ``tree`` op that is not a
  container (chown -R) runs after the ops on paths below it;
- inferred, soft: ops that declare the same thing (see ``optimize_conflicts``)
  keep their source order, so a ``requires`` elsewhere cannot swap them.
  A soft edge gives way when it contradicts the others (it is dropped, and
  ``--explain`` says so); every other edge is kept, and a cycle is an error.

Ties keep source order (a heap keyed by source index), so a spec with no
``requires`` runs exactly as written and an op moves only when an edge makes
it. A cycle is a diagnostic listing its edges with each op's location and why
each edge is there. Sorting an already sorted list changes nothing.

It runs after conflicts (a contradiction is reported as such, not as an order)
and before merging (which needs the final order and the edges).
"""

from __future__ import annotations

import heapq
import posixpath
from collections import Counter
from collections.abc import Iterable

from . import messages as m
from .diagnostics import Diagnostic, SpecError, diag
from .ir import OpNode
from .optimize_things import Thing, label
from .optimize_types import Edge, HostPass


def declared_edges(ops: Iterable[OpNode], index: dict[str, int]) -> list[Edge]:
    out = []
    for op in ops:
        for r in op.requires:
            if r in index and r != op.id:
                out.append(Edge(r, op.id, f"{op.id} requires {r}"))
        for h in op.notify:
            if h in index and h != op.id:
                out.append(Edge(op.id, h, f"{h} is a handler {op.id} notifies", "handler"))
    return out


def inferred_edges(ops: tuple[OpNode, ...], ctx: HostPass) -> list[Edge]:
    """Edges the catalog justifies: into directories, onto users, source order on one thing."""
    if ctx.catalog is None:
        return []
    out: list[Edge] = []
    dirs: dict[str, list[str]] = {}  # directory -> ids of the ops that make it
    covers: dict[str, list[str]] = {}  # directory -> ids of tree ops over all below it
    homes: list[tuple[str, str]] = []  # (directory, id) made besides an op's own thing
    made: dict[Thing, list[str]] = {}  # things ops create, for ``refers``
    last: dict[Thing, str] = {}
    paths: list[tuple[OpNode, str]] = []
    referring: list[tuple[OpNode, tuple[tuple[str, str], ...]]] = []
    guards: list[tuple[OpNode, list[str]]] = []  # ops whose guard reads paths
    for op in ops:
        t = ctx.optype(op.kind)
        if t is None or op.handler:
            continue
        d = t.declares
        if t.reads is not None:
            read = [_norm(p) for p in t.reads(op.args) if p.startswith("/")]
            if read:
                guards.append((op, read))
        if d.refers:
            referring.append((op, d.refers))
        present = op.args.get("present", True) is not False
        for thing in ctx.things(op):
            if thing in last:
                said = label(op, t, thing)
                out.append(Edge(last[thing], op.id, f"both declare {said}: source order", "same"))
            last[thing] = op.id
            if present and not d.part_of and (d.resource != "path" or d.container):
                made.setdefault(thing, []).append(op.id)
        if d.resource == "path" and d.identity:
            path = op.args.get(d.identity[0])
            if isinstance(path, str) and path.startswith("/"):
                if "/." in path or "//" in path or path.endswith("/"):
                    path = _norm(path)
                paths.append((op, path))
                if d.container and present:
                    dirs.setdefault(path, []).append(op.id)
                elif d.tree:
                    covers.setdefault(path, []).append(op.id)
        if d.makes_dir and present:
            home = _made_dir(op, d.makes_dir)
            if home:
                homes.append((home, op.id))
                paths.append((op, home))  # useradd -m needs the parent directory
    if dirs or covers or homes:
        for op, path in paths:
            out += _below(op, path, dirs, covers, homes)
    for op, refers in referring:
        out += _refers(op, refers, made)
    if guards:
        out += _guarded(ops, guards, paths, ctx)
    return out


def _norm(path: str) -> str:
    """``path`` normalized; POSIX keeps a leading "//", which Linux reads as "/"."""
    p = posixpath.normpath(path)
    return p[1:] if p.startswith("//") else p


def _guarded(
    ops: tuple[OpNode, ...],
    guards: list[tuple[OpNode, list[str]]],
    paths: list[tuple[OpNode, str]],
    ctx: HostPass,
) -> list[Edge]:
    """An op that changes what a guard reads keeps its written order with the guarded op.

    Changing a path is writing it or something below it; for an op over a tree or
    one that removes, an ancestor of it too (making the parent directory does not
    change whether the file is there).
    """
    at = {op.id: i for i, op in enumerate(ops)}
    out = []
    for g, read in guards:
        for op, path in paths:
            if op.id == g.id:
                continue
            t = ctx.optype(op.kind)
            broad = t is not None and (t.declares.tree or op.args.get("present", True) is False)
            if any(_touches(path, r, broad) for r in read):
                a, b = (op, g) if at[op.id] < at[g.id] else (g, op)
                out.append(Edge(a.id, b.id, f"{g.id}'s guard reads {path}: written order", "guard"))
    return out


def _touches(path: str, read: str, broad: bool) -> bool:
    if path == read or path.startswith(read.rstrip("/") + "/"):  # read "/": every path
        return True
    return broad and read.startswith(path.rstrip("/") + "/")


def _made_dir(op: OpNode, spec: tuple[str, str]) -> str | None:
    arg, default = spec
    value = op.args.get(arg)
    if value is None:
        try:
            value = default.format(**op.args)
        except (KeyError, IndexError, ValueError):
            return None
    return _norm(value) if isinstance(value, str) and value.startswith("/") else None


def _below(
    op: OpNode,
    path: str,
    dirs: dict[str, list[str]],
    covers: dict[str, list[str]],
    homes: list[tuple[str, str]],
) -> list[Edge]:
    out = []
    inside = False
    end = path.rfind("/")
    while end > 0 or (end == 0 and path != "/"):
        d = path[:end] or "/"
        if inside and not covers:
            break  # found the nearest directory, and nothing covers a tree
        makers = () if inside else [m for m in dirs.get(d, ()) if m != op.id]
        if makers:  # the nearest directory an op makes (every op making it)
            inside = True
            out += [
                Edge(m, op.id, f"{op.id} is inside {d}, which {m} creates", "inside")
                for m in makers
            ]
        for c in covers.get(d, ()):  # every tree op over it (chown -R) runs after it
            if c != op.id:
                out.append(Edge(op.id, c, f"{c} covers all of {d}, {op.id} included", "inside"))
        end = path.rfind("/", 0, end)  # -1 once d was "/"
    for home, owner in homes:
        if owner != op.id and (path == home or path.startswith(home.rstrip("/") + "/")):
            out.append(Edge(owner, op.id, f"{op.id} is in {home}, which {owner} creates", "inside"))
    return out


def _refers(
    op: OpNode, refers: tuple[tuple[str, str], ...], made: dict[Thing, list[str]]
) -> list[Edge]:
    out = []
    for arg, resource in refers:
        value = op.args.get(arg)
        for v in value if isinstance(value, list) else [value]:
            if not isinstance(v, str):
                continue
            if resource == "path":
                v = _norm(v)
            for owner in made.get((resource, (v,)), ()):
                if owner != op.id:
                    out.append(
                        Edge(
                            owner,
                            op.id,
                            f"{op.id}'s {arg} is {resource} {v}, which {owner} creates",
                            "refers",
                        )
                    )
    return out


def order(ops: tuple[OpNode, ...], ctx: HostPass | None = None) -> tuple[OpNode, ...]:
    alone = ctx is None
    ctx = ctx or HostPass("", None)
    index = {op.id: i for i, op in enumerate(ops)}
    edges = declared_edges(ops, index) + inferred_edges(ops, ctx)
    while True:
        out, stuck = _sort(ops, index, edges)
        if not stuck:
            break
        cycle = _cycle(index, edges, stuck)
        soft = [e for e in cycle if not e.hard]
        if not soft:
            if alone:  # called on its own (tests, tools): no optimize() to collect it
                raise SpecError([_cycle_error(ops, index, cycle)])
            ctx.diagnostics.append(_cycle_error(ops, index, cycle))
            return ops
        for e in soft:
            ctx.note("order", f"kept {e.after} before {e.before} (other edges say so): {e.reason}")
        edges = [e for e in edges if all(e is not s for s in soft)]
    ctx.edges = edges
    if ctx.log is None:
        return out  # what follows only explains
    moved = [e for e in edges if index[e.after] < index[e.before]]
    counts = Counter(e.kind for e in edges)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    ctx.note(
        "order",
        f"{len(edges)} edges{f' ({kinds})' if kinds else ''}; "
        + ("source order kept" if not moved else f"{len(moved)} moved"),
    )
    for e in moved:
        ctx.note("order", f"moved {e.after} after {e.before}: {e.reason}")
    return out


def _sort(
    ops: tuple[OpNode, ...], index: dict[str, int], edges: list[Edge]
) -> tuple[tuple[OpNode, ...], set[str]]:
    users: dict[str, list[str]] = {op.id: [] for op in ops}
    waiting = dict.fromkeys(index, 0)
    for e in edges:
        users[e.before].append(e.after)
        waiting[e.after] += 1
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
    return tuple(out), {k for k, n in waiting.items() if n}


def _cycle(index: dict[str, int], edges: list[Edge], stuck: set[str]) -> list[Edge]:
    """The edges of one cycle among the ``stuck`` ops, starting at the earliest declared."""
    into: dict[str, list[Edge]] = {}
    for e in edges:
        if e.after in stuck and e.before in stuck:
            into.setdefault(e.after, []).append(e)
    path: list[Edge] = []
    seen: dict[str, int] = {}
    node = min(stuck, key=index.__getitem__)
    while node not in seen:
        seen[node] = len(path)
        e = into[node][0]  # a stuck op waits on at least one other stuck op
        path.append(e)
        node = e.before
    return path[seen[node] :]


def _cycle_error(ops: tuple[OpNode, ...], index: dict[str, int], cycle: list[Edge]) -> Diagnostic:
    first = ops[index[cycle[0].after]]
    names = [e.after for e in cycle] + [cycle[0].after]
    notes = []
    for e in cycle:
        after = ops[index[e.after]]
        # at the requires (or before) entry that makes the edge, else at the op
        span = after.edge_spans.get(e.before) or (after.origin[0] if after.origin else None)
        if span is not None:
            notes.append((e.reason, span))
    inferred = any(e.kind != "requires" for e in cycle)
    return diag(
        m.CYCLE,
        first.origin[0] if first.origin else None,
        what="ops",
        cycle=" -> ".join(names),
        notes=notes,
        hint="remove one of these requires (or before) entries"
        + ("; the other edges follow from what the ops manage" if inferred else ""),
    )
