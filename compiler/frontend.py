"""The compiler's entry point: a spec file or Python deploy in, an optimized ``Program`` out.

    load -> read_spec -> assemble (includes) -> load_modules ─┐
                                                             lower (rounds of facts) -> optimize
    run_deploy (a Python deploy given directly) ────────────┘

An inventory file (``-i``) replaces the inventory of the spec or deploy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import messages as m
from .assemble import Context, PyUnit, assemble
from .catalog import Catalog
from .diagnostics import Collector, SpecError, diag, hide_source, suggest
from .extensions import FUNCTIONS, load_modules
from .facts import FactCache, FactSource
from .functions import builtins
from .inventory import DEFAULT_INVENTORY, Group, Host, Inventory, read_inventory, select
from .ir import OpNode, Program
from .load import load
from .lower import lower_all
from .lower_state import INVENTORY_VARS, Lowering
from .optimize import optimize
from .pydeploy import run_deploy
from .references import filter_tags
from .scope import Layer, Origin
from .source import Span
from .spec import SpecFile, read_spec
from .values import Pending, reveal
from .variables import Evaluator


@dataclass(frozen=True)
class Options:
    """Everything besides the file that changes what a compile produces."""

    inventory: str | None = None
    limit: Iterable[str] | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    tags: Iterable[str] = ()
    skip_tags: Iterable[str] = ()
    facts: FactSource | None = None
    optimized: bool = True


def load_inventory(path: str) -> Inventory:
    """Read the hosts and groups of a spec or inventory file (``-i``). Its ``[vars]``
    are vars of every host it names, below group and host vars, as a group
    (``@inventory``) around them all."""
    doc = load(path)
    c = Collector()
    inv = read_inventory(doc, c)
    c.check()
    extra = doc.data.get("vars")
    if isinstance(extra, dict) and extra and inv.hosts:
        everyone = Group(
            INVENTORY_VARS, tuple(h.name for h in inv.hosts), extra, doc.span(("vars",))
        )
        # doc: also when the file names no hosts (@local), so its vars are evaluated
        inv = replace(inv, groups=(everyone, *inv.groups), doc=doc)
    return inv


def _secrets(top: SpecFile, c: Collector) -> tuple[Layer, ...]:
    layers = []
    for path, named in top.secrets:
        hide_source(path)  # its lines would show the secrets under a syntax error
        try:
            doc = load(path)
        except SpecError as e:
            # a file that cannot be read is reported where the spec names it, as includes are
            c.extend(replace(d, span=d.span or named) for d in e.diagnostics)
            continue
        layers.append(Layer(f"secrets {Path(path).name}", doc.data, doc, (), sensitive=True))
    return tuple(layers)


def prepare(path: str, catalog: Catalog, opts: Options) -> Lowering:
    """Everything up to lowering: the spec, its includes, modules, inventory and secrets."""
    top = read_spec(load(path))
    c = Collector()
    units = assemble(top, c)
    load_modules(top.modules, c)
    secrets = _secrets(top, c)
    c.check()
    inv = load_inventory(opts.inventory) if opts.inventory else (top.inventory or DEFAULT_INVENTORY)

    facts = FactCache(opts.facts)

    def run_python(unit: PyUnit, hosts: list[Host]) -> dict[str, list[OpNode]]:
        sub = Inventory(tuple(hosts), inv.groups)
        program = run_deploy(unit.file, sub, catalog, None, dict(opts.variables), facts)
        return {h.name: list(h.ops) for h in program.hosts}

    seen: set[str] = set()
    builtin = builtins(Path(path).resolve().parent, on_secret=seen.add)
    functions = {**builtin, **FUNCTIONS}
    return Lowering(
        units,
        top,
        inv,
        catalog,
        functions,
        facts,
        dict(opts.variables),
        secrets,
        run_python,
        seen,
        frozenset(builtin) - frozenset(FUNCTIONS),
    )


def target_inventory(path: str, inventory: str | None = None) -> Inventory:
    """The hosts compiling ``path`` will target, known before compiling (to read their facts)."""
    if inventory:
        return load_inventory(inventory)
    if Path(path).suffix == ".py":
        return DEFAULT_INVENTORY
    return read_spec(load(path)).inventory or DEFAULT_INVENTORY


def compile_file(path: str, catalog: Catalog, opts: Options | None = None) -> Program:
    """Compile ``path`` (``.toml``, ``.yaml``, ``.yml`` or ``.py``) into IR."""
    opts = opts or Options()
    lim = list(opts.limit) if opts.limit is not None else None
    if Path(path).suffix == ".py":
        inv = load_inventory(opts.inventory) if opts.inventory else DEFAULT_INVENTORY
        program = run_deploy(path, inv, catalog, lim, dict(opts.variables), FactCache(opts.facts))
        if opts.tags or opts.skip_tags:  # as lowering filters a spec's ops
            tags, skip = set(opts.tags), set(opts.skip_tags)
            program = Program(
                tuple(
                    replace(h, ops=tuple(filter_tags(list(h.ops), tags, skip)))
                    for h in program.hosts
                )
            )
    else:
        program = lower_all(prepare(path, catalog, opts), lim, opts.tags, opts.skip_tags)
    return optimize(program, catalog) if opts.optimized else program


def _deploy_vars(host: str, opts: Options) -> list[tuple[str, Any, Origin]]:
    """What ``host().vars`` holds for a Python deploy: group vars (outer groups first),
    host vars, then ``--var``, as ``run_deploy`` layers them."""
    inv = load_inventory(opts.inventory) if opts.inventory else DEFAULT_INVENTORY
    names, unknown = select(inv, [host])
    if unknown or len(names) != 1:
        raise SpecError([diag(m.UNKNOWN_HOST, None, name=host, hint=suggest(host, inv.names()))])

    def at(*path: str) -> Span | None:
        return inv.doc.key_span(path) if inv.doc is not None and path in inv.doc.key_spans else None

    found: dict[str, tuple[Any, Origin]] = {}
    for g in inv.groups_of(names[0]):
        for k, v in g.vars.items():
            found[k] = (v, Origin(f"group {g.name} vars", at("groups", g.name, "vars", k)))
    for k, v in inv.host(names[0]).vars.items():
        found[k] = (v, Origin(f"host {names[0]} vars", at("hosts", names[0], "vars", k)))
    for k, v in opts.variables.items():
        found[k] = (v, Origin("--var", None))
    return [(k, "(sensitive)" if reveal(v)[1] else reveal(v)[0], o) for k, (v, o) in found.items()]


def explain_vars(
    path: str, catalog: Catalog, host: str, opts: Options
) -> list[tuple[str, Any, Origin]]:
    """Each variable ``host`` sees at the top level of the spec, its value and its origin."""
    if Path(path).suffix == ".py":
        return _deploy_vars(host, opts)
    low = prepare(path, catalog, opts)
    names, unknown = select(low.inventory, [host])
    if unknown or len(names) != 1:
        raise SpecError(
            [diag(m.UNKNOWN_HOST, None, name=host, hint=suggest(host, low.inventory.names()))]
        )
    target = low.inventory.host(names[0])
    scope = None
    for _ in range(5):  # rounds, as lowering does, while variables read facts
        c = Collector()
        try:
            scope = low.scope(Evaluator(low.functions, c, low.leaves), target, Context())
            break
        except Pending:
            c.check()
            if not low.facts.fetch():
                break
    if scope is None:
        unread = target.name in low.facts.dead  # no next round would read it either
        detail = (
            f"host {target.name} could not be read" if unread else "variables kept asking for facts"
        )
        raise SpecError([diag(m.FACTS_UNAVAILABLE, None, detail=detail)])
    c.check()
    out = []
    for name, origin in scope.origins.items():
        value, secret = reveal(scope.values[name])
        out.append((name, "(sensitive)" if secret else value, origin))
    return out
