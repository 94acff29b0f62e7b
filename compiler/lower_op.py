"""One op declaration lowered for one host: its ``OpNode``s (one per ``for_each`` item).

The steps, in order: the op's ``hosts`` (is this host one?), ``for_each`` (a list or
map, each item a node with ``item`` and ``key`` in scope), ``when`` (a boolean, no
truthiness), every ``${…}`` in the arguments rendered and validated against the op's
typed arguments, references resolved to full ids, and the sensitive argument paths
and secret texts listed. Diagnostics of arguments holding secrets are redacted.

A declaration whose nodes depend only on variables that are equal on another host
is lowered once and reused (``reuse``); ``lower`` calls ``lower_op`` for every op of
every unit and host.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from . import messages as m
from .assemble import Unit
from .catalog import validate_args
from .diagnostics import Collector, diag, suggest
from .expr import parse_template
from .inventory import Host, Inventory, select
from .ir import OpNode
from .lower_state import Lowering
from .references import Lowered, resolve
from .source import Document, Path, Span
from .spec import OpDecl
from .values import Pending, kind, reveal, sensitive_paths, texts, wrap
from .variables import Evaluator, Scope


def lower_op(
    low: Lowering,
    ev: Evaluator,
    host: Host,
    unit: Unit,
    decl: OpDecl,
    scope: Scope,
    ids: Mapping[str, Any],
) -> list[Lowered]:
    """``_lower_decl``, or the nodes it gave a host whose variables it reads are equal."""
    # No "hosts" means every host: skip building the set of all names per op and host.
    if decl.hosts is not None and host.name not in hosts_of(
        low.inventory, decl.hosts, decl.doc, (*decl.path, "hosts"), ev.c
    ):
        return []
    optype = low.catalog.get(decl.kind)
    if optype is None or optype.scope_args():
        return _lower_decl(low, ev, host, unit, decl, scope, ids)

    def parse(path: Path, text: str, expression: bool) -> Any:
        return ev.tree(decl.doc, path, text, expression)

    names = low.reuse.names(unit, decl, parse, low.functions)
    key = low.reuse.key(unit, decl, names, scope.values) if names is not None else None
    if key is not None and decl.become is None:  # the host's default goes into the node
        key = (key, low.inventory.become_of(host.name))
    if key is None:
        return _lower_decl(low, ev, host, unit, decl, scope, ids)
    done = low.reuse.get(key)
    if done is None:
        done = _lower_decl(low, ev, host, unit, decl, scope, ids)
        if not ev.c.diagnostics:
            low.reuse.put(key, done)
    return done


def _lower_decl(
    low: Lowering,
    ev: Evaluator,
    host: Host,
    unit: Unit,
    decl: OpDecl,
    scope: Scope,
    ids: Mapping[str, Any],
) -> list[Lowered]:
    c, doc, ctx = ev.c, decl.doc, unit.context
    optype = low.catalog.get(decl.kind)
    if optype is None:
        return []
    items: list[tuple[str | None, dict[str, Any]]] = [(None, {})]
    if decl.for_each is not None:
        path = (*decl.path, "for_each")
        each = decl.for_each
        if isinstance(each, str):
            ok, coll = ev.guarded(partial(ev.expression, doc, path, each, scope.values))
        else:  # a literal list or map: the templates inside it are rendered
            ok, coll = ev.guarded(partial(ev.value, doc, path, each, scope.values))
        if not ok:
            return []
        plain, hidden = reveal(coll)
        if isinstance(plain, dict | list):
            pairs = list(plain.items() if isinstance(plain, dict) else enumerate(plain))
            items = [
                (str(i) if hidden else _item_key(v, i), {"item": wrap(v, hidden), "key": i})
                for i, v in pairs
            ]
        else:
            c.add(
                diag(
                    m.FOR_EACH_TYPE,
                    doc.span(path),
                    got=kind(plain),
                    hint='for_each = ["a", "b"], "[\'a\', \'b\']" or the name of a list or map',
                )
            )
            return []
    out = []
    seen: set[str] = set()
    for item_key, extra in items:
        # No copy without for_each: copying a lazy scope evaluates every variable.
        values: Mapping[str, Any] = {**scope.values, **extra} if extra else scope.values
        # A pending fact does not stop the evaluation of the rest of the op: every
        # fact it needs is recorded in this round, then the op waits for the next.
        pending: Pending | None = None
        if decl.when is not None:
            path = (*decl.path, "when")
            try:
                ok, test = ev.guarded(partial(ev.expression, doc, path, decl.when, values))
            except Pending as e:
                pending, ok, test = e, True, True
            if not ok or not when_bool(test, doc, path, c):
                continue
        raw: dict[str, Any] = {}
        failed: set[str] = set()
        for k, v in decl.args.items():
            try:
                ok, raw[k] = ev.guarded(partial(ev.value, doc, (*decl.path, k), v, values))
            except Pending as e:
                pending, ok = pending or e, False
            if not ok:
                failed.add(k)
        if pending is not None:
            raise pending
        for name in optype.scope_args():
            given = raw.get(name)
            if given is None or isinstance(given, dict):  # anything else: a wrong type, reported
                raw[name] = {**host_variables(values), **(given or {})}
        secret = {k: sensitive_paths(v, k) for k, v in raw.items()}
        plain_args = {k: reveal(v)[0] for k, v in raw.items()}
        args, problems = validate_args(
            optype,
            plain_args,
            key_span=partial(_arg_span, doc.key_span, decl.path),
            value_span=partial(_arg_span, doc.span, decl.path),
            op_span=decl.span,
            failed=failed,
            base_dir=_base_dir(doc.file),
            secret={k for k, ps in secret.items() if ps},
        )
        problems = [_lone_hole_hint(d, decl) for d in problems]
        c.extend(_redact(problems, [plain_args[k] for k, ps in secret.items() if ps]))
        if args is None:
            continue
        base = ctx.full_id(decl.id)
        op_id = f"{base}[{item_key}]" if item_key is not None else base
        if op_id in seen:
            op_id = f"{base}[{len(seen)}]"
        seen.add(op_id)
        known = set(ev.secrets)
        for name in optype.secret_args():
            if args.get(name) not in (None, "") and not secret.get(name):
                secret[name] = [name]
                known.add(str(args[name]))
        refs = {
            w: tuple(r for r in (resolve(ctx, x, ids) for x in getattr(decl, w)) if r)
            for w in ("requires", "before", "notify")
        }
        edge_spans = {
            (r if w == "requires" else f"before:{r}"): _entry_span(doc, (*decl.path, w), i)
            for w in ("requires", "before")
            for i, x in enumerate(getattr(decl, w))
            if (r := resolve(ctx, x, ids))
        }
        node = OpNode(
            id=op_id,
            kind=decl.kind,
            args=args,
            requires=refs["requires"],
            notify=refs["notify"],
            handler=decl.handler,
            tags=tuple(dict.fromkeys(decl.tags + ctx.tags)),
            sensitive=tuple(p for ps in secret.values() for p in ps),
            desc=decl.desc,
            become=decl.become if decl.become is not None else low.inventory.become_of(host.name),
            origin=(decl.span,),
            secrets=_secrets_in(known, raw, secret),
            edge_spans=edge_spans,
        )
        out.append((node, refs["before"]))
    return out


def hosts_of(
    inv: Inventory, names: tuple[str, ...] | None, doc: Document, path: Path, c: Collector
) -> set[str]:
    """The hosts an op's or include's ``hosts`` names; unknown names are reported."""
    if names is None:
        return {h.name for h in inv.hosts}
    chosen, unknown = select(inv, names)
    for name in unknown:
        spot = (*path, names.index(name)) if (*path, names.index(name)) in doc.spans else path
        c.add(
            diag(
                m.UNKNOWN_HOST,
                doc.span(spot),
                name=name,
                hint=suggest(name.lstrip("!"), inv.names()),
            )
        )
    return set(chosen)


def when_bool(value: Any, doc: Document, path: Path, c: Collector) -> bool:
    """A ``when`` value as a boolean; anything else is reported (and means false)."""
    plain, _ = reveal(value)
    if isinstance(plain, bool):
        return plain
    c.add(
        diag(
            m.WHEN_NOT_BOOL,
            doc.span(path),
            got=kind(plain),
            hint='compare explicitly, e.g. when = "port > 0" or "name != \'\'"',
        )
    )
    return False


def _item_key(item: Any, key: Any) -> str:
    if isinstance(key, str):
        return key
    plain, secret = reveal(item)
    if isinstance(plain, str) and not secret and plain and "]" not in plain:
        return plain
    return str(key)


def _entry_span(doc: Document, path: Path, i: int) -> Span:
    """The span of entry ``i`` of a list at ``path`` (of the whole value if it is one name)."""
    return doc.span((*path, i)) if (*path, i) in doc.spans else doc.span(path)


def _base_dir(file: str) -> str:
    """Where a spec's relative local paths start. Not cached: a relative name means
    another directory once the working directory changes (two compiles in one process)."""
    return os.path.dirname(os.path.abspath(file))


def _secrets_in(
    known: set[str], raw: Mapping[str, Any], paths: Mapping[str, list[str]]
) -> tuple[str, ...]:
    """The known secret values that occur in the sensitive arguments."""
    shown = [t for k, ps in paths.items() if ps for t in texts(raw[k])]
    return tuple(sorted({s for s in known if any(s in t for t in shown)}, key=len, reverse=True))


def host_variables(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a scope argument (a template's ``vars``) receives: every non-sensitive
    variable, and ``host`` (its name). Secrets reach a template only when passed."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k in ("facts", "host", "item", "key"):
            continue
        plain, secret = reveal(v)
        if not secret:
            out[k] = plain
    host = values.get("host")
    if isinstance(host, dict):
        out["host"] = {"name": host.get("name")}
    return out


def _lone_hole_hint(d: Any, decl: OpDecl) -> Any:
    """A lone ``${…}`` keeps its value's type: say so when that type is the problem."""
    if d.code != "wrong-type":
        return d
    for name, raw in decl.args.items():
        if d.span == decl.doc.span((*decl.path, name)) and isinstance(raw, str):
            t = parse_template(raw, lambda s, e: None)
            if t.single is not None:
                hint = "a value that is exactly ${…} keeps its type: write ${ str(…) } for text"
                return replace(d, hint=hint)
    return d


def _arg_span(span_of: Callable[[Path], Span], op_path: Path, name: str) -> Span:
    return span_of((*op_path, name))


def _redact(ds: list[Any], secrets: list[Any]) -> list[Any]:
    # A number is a secret too (a PIN): its digits are scrubbed as text.
    texts = [str(s) for s in secrets if isinstance(s, str | int | float) and str(s)]
    out = []
    for d in ds:
        msg = d.message
        for s in texts:
            msg = msg.replace(repr(s), "(sensitive)").replace(s, "(sensitive)")
        out.append(replace(d, message=msg))
    return out
