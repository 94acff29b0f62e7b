"""The state of one compile, shared by every step of lowering, and a host's variable scope.

``Lowering`` holds the assembled units, the inventory, the catalog, the functions,
the fact cache and the options, plus what a compile learns on the way (the secret
texts handed out, the nodes lowered once for hosts alike). ``scope`` builds a host's
variables from their layers, lowest first (``scope`` documents the stack).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .assemble import Context, PyUnit, Unit
from .catalog import Catalog
from .facts import FactCache
from .inventory import Host, Inventory
from .ir import OpNode
from .reuse import Reuse
from .scope import Layer
from .spec import SpecFile
from .values import Function
from .variables import Evaluator, LazyScope, Scope

INVENTORY_VARS = "@inventory"  # the group an inventory file's [vars] become (frontend)


@dataclass
class Lowering:
    """Shared state of one compile: the units, the inventory and the options."""

    units: list[Unit | PyUnit]
    top: SpecFile
    inventory: Inventory
    catalog: Catalog
    functions: Mapping[str, Function]
    facts: FactCache
    cli_vars: Mapping[str, Any] = field(default_factory=dict)
    secrets: tuple[Layer, ...] = ()
    run_python: Callable[[PyUnit, list[Host]], dict[str, list[OpNode]]] | None = None
    leaves: set[str] = field(default_factory=set)  # shared with env(): every secret handed out
    pure: frozenset[str] = frozenset()  # functions known to be pure (the built-ins)
    reuse: Reuse = field(init=False)

    def __post_init__(self) -> None:
        self.reuse = Reuse(self.pure)

    def layers(self, host: Host, ctx: Context) -> list[Layer]:
        top = self.top
        out: list[Layer] = []
        if ctx.defaults:
            out.append(ctx.defaults)
        out.append(Layer("spec vars", top.vars, top.doc, ("vars",)))
        out += ctx.params
        out += self.secrets
        inv_doc = self.inventory.doc
        for g in self.inventory.groups_of(host.name):
            where = ("vars",) if g.name == INVENTORY_VARS else ("groups", g.name, "vars")
            out.append(Layer(f"group {g.name}", g.vars, inv_doc, where))
        out.append(Layer(f"host {host.name}", host.vars, inv_doc, ("hosts", host.name, "vars")))
        out.append(Layer("--var", self.cli_vars))
        return out

    def scope(self, ev: Evaluator, host: Host, ctx: Context) -> Scope:
        base = {"facts": self.facts.namespace(host.name), "host": {"name": host.name}}
        lazy = LazyScope(ev, self.layers(host, ctx), base)
        lazy.resolve_all()
        values = {k: lazy.done[k] for k in lazy.winner if k in lazy.done}
        values["facts"] = base["facts"]
        values["host"] = {
            "name": host.name,
            "vars": {k: v for k, v in values.items() if k != "facts"},
        }
        return Scope(values, lazy.origins())
