"""Lowering: a ``Spec`` and an operation catalog in, one ``Program`` (the IR) out.

For every host, build the variable scope (spec vars < group vars < host vars,
each evaluated in declaration order so later values may use earlier ones),
pick the ops that target the host, evaluate every ``${…}`` in their arguments
and validate the result against the op's typed arguments. All diagnostics are
collected across hosts (each reported once) before raising. Ordering and
deduplication are the optimizer's job, not this stage's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from . import messages as m
from .catalog import Catalog, validate_args
from .diagnostics import Collector, SpecError, diag, suggest
from .expr import Locator, parse_template, render, template_errors
from .inventory import Host, Inventory, select
from .ir import HostProgram, OpNode, Program
from .source import Document, Path, Span, line_of
from .spec import OpDecl, Spec


def locator(doc: Document, path: Path, value: str) -> Locator:
    """Map offsets in the string at ``path`` to file spans, exactly when the source allows."""
    span = doc.span(path)
    whole: Locator = lambda start, end: span  # noqa: E731
    if span.line != span.end_line:
        return whole
    raw = line_of(doc.text, span.line)[span.col - 1 : span.end_col - 1]
    if raw == value:
        base = span.col
    elif len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'" and raw[1:-1] == value:
        base = span.col + 1
    else:
        return whole
    return lambda start, end: Span(span.file, span.line, base + start, span.line, base + end)


def evaluate_value(
    doc: Document, path: Path, value: Any, scope: dict[str, Any], c: Collector
) -> Any:
    """Render every template inside ``value`` (strings, lists, maps), collecting errors."""
    if isinstance(value, str):
        loc = locator(doc, path, value)
        c.extend(template_errors(value, loc))
        try:
            return render(parse_template(value, loc), scope, loc)
        except SpecError as e:
            c.extend(e.diagnostics)
            return None
    if isinstance(value, list):
        return [evaluate_value(doc, (*path, i), v, scope, c) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: evaluate_value(doc, (*path, k), v, scope, c) for k, v in value.items()}
    return value


def host_scope(
    doc: Document, spec_vars: dict[str, Any], inv: Inventory, host: Host, c: Collector
) -> dict[str, Any]:
    """The names visible to ``host``'s ops, lowest precedence first."""
    scope: dict[str, Any] = {}
    layers: list[tuple[Path, dict[str, Any]]] = [(("vars",), spec_vars)]
    layers += [(("groups", g.name, "vars"), g.vars) for g in inv.groups_of(host.name)]
    layers.append((("hosts", host.name, "vars"), host.vars))
    for prefix, values in layers:
        for k, v in values.items():
            scope[k] = evaluate_value(
                doc, (*prefix, k), v, {**scope, "host": _host_view(host, scope)}, c
            )
    scope["host"] = _host_view(host, scope)
    return scope


def _host_view(host: Host, scope: dict[str, Any]) -> dict[str, Any]:
    return {"name": host.name, "vars": {k: v for k, v in scope.items() if k != "host"}}


def _targets(spec: Spec, decl: OpDecl, c: Collector) -> list[str]:
    inv = spec.inventory
    if decl.hosts is None:
        return [h.name for h in inv.hosts]
    chosen, unknown = select(inv, decl.hosts)
    for name in unknown:
        i = decl.hosts.index(name)
        path: Path = ("ops", decl.id, "hosts")
        if path not in spec.doc.spans or isinstance(spec.doc.data["ops"][decl.id]["hosts"], list):
            path = (*path, i)
        c.add(diag(m.UNKNOWN_HOST, spec.doc.span(path), name=name, hint=suggest(name, inv.names())))
    return chosen


def _arg_span(span_of: Callable[[Path], Span], op_path: Path, name: str) -> Span:
    return span_of((*op_path, name))


def lower(spec: Spec, catalog: Catalog, limit: Iterable[str] | None = None) -> Program:
    """Compile ``spec`` into per-host op lists for the hosts in ``limit`` (default: all)."""
    doc, inv = spec.doc, spec.inventory
    c = Collector()
    ids = [d.id for d in spec.ops]
    for decl in spec.ops:
        if catalog.get(decl.kind) is None:
            c.add(
                diag(
                    m.UNKNOWN_OP,
                    doc.span(("ops", decl.id, "op")),
                    kind=decl.kind,
                    hint=suggest(decl.kind, catalog.kinds()) or "`specops ops` lists them",
                )
            )
        for i, ref in enumerate(decl.requires):
            if ref not in ids:
                c.add(
                    diag(
                        m.UNKNOWN_REF,
                        doc.span(("ops", decl.id, "requires", i)),
                        name=ref,
                        hint=suggest(ref, ids),
                    )
                )
    selected = [h.name for h in inv.hosts]
    if limit is not None:
        selected, unknown = select(inv, limit)
        for name in unknown:
            c.add(diag(m.UNKNOWN_HOST, None, name=name, hint=suggest(name, inv.names())))
    targets = {d.id: _targets(spec, d, c) for d in spec.ops}
    hosts: list[HostProgram] = []
    for host in inv.hosts:
        if host.name not in selected:
            continue
        scope = host_scope(doc, spec.vars, inv, host, c)
        nodes: list[OpNode] = []
        for decl in spec.ops:
            optype = catalog.get(decl.kind)
            if optype is None or host.name not in targets[decl.id]:
                continue
            path: Path = ("ops", decl.id)
            raw: dict[str, Any] = {}
            failed: set[str] = set()
            for k, v in decl.args.items():
                before = len(c.diagnostics)
                raw[k] = evaluate_value(doc, (*path, k), v, scope, c)
                if len(c.diagnostics) > before:
                    failed.add(k)
            args, problems = validate_args(
                optype,
                raw,
                key_span=partial(_arg_span, doc.key_span, path),
                value_span=partial(_arg_span, doc.span, path),
                op_span=decl.span,
                failed=failed,
            )
            c.extend(problems)
            if args is None:
                continue
            mine = {d for d, hs in targets.items() if host.name in hs}
            nodes.append(
                OpNode(
                    id=decl.id,
                    kind=decl.kind,
                    args=args,
                    requires=tuple(r for r in decl.requires if r in mine),
                    tags=decl.tags,
                    desc=decl.desc,
                    origin=(decl.span,),
                )
            )
        hosts.append(HostProgram(host.name, host.connection, tuple(nodes)))
    c.check()
    return Program(tuple(hosts))
