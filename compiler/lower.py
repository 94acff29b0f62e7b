"""Lowering: assembled spec files and a catalog in, one ``Program`` (the IR) out.

For every host: build the variable scope (``scope`` documents the stack), then
for every op that targets the host — included files first, then the spec's own
ops, then handlers — expand ``for_each``, evaluate ``when`` (a boolean, no
truthiness), render every ``${…}`` in the arguments and validate them against
the op's typed arguments. References (``requires``, ``before``, ``notify``) are
resolved to full ids. Values from secret sources leave the IR's values plain
but are listed in ``OpNode.sensitive``.

All diagnostics are collected across hosts (each reported once) before raising.
Ordering and deduplication are the optimizer's job.

The parts: ``lower_state`` (the compile's shared state, a host's scope) and
``lower_op`` (one op declaration for one host). This module runs the rounds (a
round that reads facts asks for them, and the next has them), goes over hosts and
units, and decides which includes apply to a host; an included deploy's ops are
taken as its recorder gave them, under the include's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from . import messages as m
from .assemble import Context, PyUnit, Unit
from .diagnostics import Collector, SpecError, diag, suggest
from .inventory import Host, select
from .ir import HostProgram, OpNode, Program
from .lower_op import hosts_of, lower_op, when_bool
from .lower_state import Lowering
from .references import Lowered, all_ids, check_refs, expand_refs, filter_tags
from .values import Pending
from .variables import Evaluator


def lower_all(
    low: Lowering,
    limit: Iterable[str] | None,
    tags: Iterable[str] = (),
    skip_tags: Iterable[str] = (),
) -> Program:
    """Compile every unit for every selected host, fetching facts in rounds."""
    for _ in range(5):
        c = Collector()
        program = _round(low, c, limit, set(tags), set(skip_tags))
        c.check()
        if not low.facts.fetch():
            return program
    raise SpecError([diag(m.FACTS_UNAVAILABLE, None, detail="facts kept asking for more facts")])


def _round(
    low: Lowering, c: Collector, limit: Iterable[str] | None, tags: set[str], skip: set[str]
) -> Program:
    inv = low.inventory
    selected = [h.name for h in inv.hosts]
    if limit is not None:
        selected, unknown = select(inv, list(limit))
        for name in unknown:
            c.add(
                diag(m.UNKNOWN_HOST, None, name=name, hint=suggest(name.lstrip("!"), inv.names()))
            )
    ids = all_ids(low.units)
    ev = Evaluator(low.functions, c, low.leaves)
    hosts = [h for h in inv.hosts if h.name in selected]
    py_ops: dict[tuple[int, str], list[OpNode]] = {}
    for n, unit in enumerate(low.units):
        if isinstance(unit, PyUnit) and low.run_python is not None:
            for name, recorded in low.run_python(unit, hosts).items():
                py_ops[(n, name)] = recorded
        elif isinstance(unit, Unit):
            check_refs(unit, ids, low.catalog, c)
    out = []
    for host in hosts:
        nodes: list[Lowered] = []
        for n, unit in enumerate(low.units):
            if not _include_allows(low, ev, host, unit.context, c):
                continue
            if isinstance(unit, PyUnit):
                nodes += _python_nodes(unit, py_ops.get((n, host.name), []), ids, nodes, c)
                continue
            try:
                scope = low.scope(ev, host, unit.context)
            except Pending:  # a variable reads a fact: the next round has it
                continue
            for decl in (*unit.spec.ops, *unit.spec.handlers):
                try:
                    nodes += lower_op(low, ev, host, unit, decl, scope, ids)
                except Pending:
                    continue
        lowered = expand_refs(nodes)
        out.append(HostProgram(host.name, host.connection, tuple(filter_tags(lowered, tags, skip))))
    return Program(tuple(out))


def _python_nodes(
    unit: PyUnit,
    ops: list[OpNode],
    ids: Mapping[str, Any],
    earlier: list[Lowered],
    c: Collector,
) -> list[Lowered]:
    """An included deploy's ops, as an included spec's are: ids prefixed with the
    include's name (its references to its own ops too), the include's tags added, and an
    id that another op of the host already has is a duplicate."""
    ctx = unit.context
    taken = set(ids) | {n.id for n, _ in earlier}
    out: list[Lowered] = []
    for o in ops:
        full = ctx.full_id(o.id)
        if full in taken:
            c.add(
                diag(
                    m.DUPLICATE_ID,
                    o.origin[0] if o.origin else None,
                    id=full,
                    hint="give the include a name, or the op another _id",
                )
            )
            continue
        taken.add(full)
        node = replace(
            o,
            id=full,
            # every reference is to the deploy's own ops: run_deploy refuses any other
            requires=tuple(map(ctx.full_id, o.requires)),
            notify=tuple(map(ctx.full_id, o.notify)),
            tags=tuple(dict.fromkeys(o.tags + ctx.tags)),
        )
        out.append((node, ()))
    return out


def _include_allows(low: Lowering, ev: Evaluator, host: Host, ctx: Context, c: Collector) -> bool:
    for inc in ctx.includes:
        if inc.hosts is not None and host.name not in hosts_of(
            low.inventory, inc.hosts, inc.doc, (*inc.path, "hosts"), c
        ):
            return False
        if inc.when is not None:
            try:
                scope = low.scope(ev, host, Context(params=ctx.params))
                ok, value = ev.guarded(
                    partial(ev.expression, inc.doc, (*inc.path, "when"), inc.when, scope.values)
                )
            except Pending:
                return False
            if ok and not when_bool(value, inc.doc, (*inc.path, "when"), c):
                return False
    return True
