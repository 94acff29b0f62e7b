"""The optimizer: rewrite each host's op list without changing what it does.

Input: a ``Program`` as lowering (or a Python deploy) produced it, one op list
per host in source order. Output: the same program with each host's list
rewritten by these passes, in this order:

1. ``dedupe`` (``optimize_dedupe``) — identical ops (same kind, same
   canonical args) become one node whose origins, ``requires``, ``notify`` and
   tags are merged. First, so that no later pass sees the same work twice and
   two identical declarations are never reported as a conflict.
2. ``conflicts`` (``optimize_conflicts``) — two ops that manage the same thing
   (the catalog's ``resource`` and ``identity``) with different desired state
   are an error naming both places. After dedupe (identical is not a
   conflict), before ordering (no order makes a conflict right).
3. ``order`` (``optimize_order``) — a stable topological sort over
   ``requires``/``before``, handlers after their notifiers, and edges inferred
   from the catalog (a path inside a directory another op creates; ops on one
   thing keep their source order). Ties keep source order, so a spec without
   ``requires`` runs exactly as written. A cycle is an error listing its edges.
4. ``merge`` (``optimize_merge``) — adjacent ops of a kind the catalog marks
   mergeable (a package list) with no edge between them become one node. Last,
   because "adjacent" and "no edge" are only known once the order is final.

Fact batching needs no pass: the runtime reads the union of the facts a host's
ops need in one round trip, and the passes only ever remove or join ops.

The optimizer is idempotent (optimizing twice changes nothing) and, given a
``Log``, records what each pass did for ``specops compile --explain``.
"""

from __future__ import annotations

from .catalog import Catalog
from .diagnostics import Collector
from .ir import HostProgram, Program
from .optimize_conflicts import conflicts
from .optimize_dedupe import dedupe
from .optimize_merge import merge
from .optimize_order import order
from .optimize_types import HostPass, Log, Pass, Step

__all__ = [
    "PASSES", "HostPass", "Log", "Step", "conflicts", "dedupe", "explain", "merge", "optimize",
    "order",
]  # fmt: skip

PASSES: tuple[tuple[str, Pass], ...] = (
    ("dedupe", dedupe),
    ("conflicts", conflicts),
    ("order", order),
    ("merge", merge),
)


def optimize(program: Program, catalog: Catalog | None = None, log: Log | None = None) -> Program:
    """Run every pass on every host; conflicts of all hosts are reported together.

    Without a catalog the passes that need one (conflicts, inferred edges,
    merging) find nothing to do.
    """
    c = Collector()
    hosts = []
    for h in program.hosts:
        ctx = HostPass(h.name, catalog, log)
        ops = h.ops
        for _, p in PASSES:
            ops = p(ops, ctx)
            if ctx.diagnostics:
                break  # later passes assume the earlier ones succeeded
        c.extend(ctx.diagnostics)
        hosts.append(HostProgram(h.name, h.connection, ops))
    c.check()
    return Program(tuple(hosts))


def explain(log: Log) -> str:
    """The log as text, grouped by host (the CLI prints this for ``--explain``)."""
    if not log:
        return "optimizer: nothing to do\n"
    out: list[str] = []
    host = None
    for s in log:
        if s.host != host:
            host = s.host
            out.append(f"{host}:")
        out.append(f"  {s.pass_name}: {s.text}")
    return "\n".join(out) + "\n"
