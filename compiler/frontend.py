"""The compiler's entry point: a spec file or Python deploy in, an optimized ``Program`` out.

    load (TOML/YAML) -> read_spec -> lower ─┐
    run_deploy (Python) ────────────────────┴-> optimize -> Program

An inventory file (``-i``) replaces the inventory of the spec or deploy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .catalog import Catalog
from .diagnostics import Collector
from .inventory import DEFAULT_INVENTORY, Inventory, read_inventory
from .ir import Program
from .load import load
from .lower import lower
from .optimize import optimize
from .pydeploy import run_deploy
from .spec import read_spec


def load_inventory(path: str) -> Inventory:
    """Read only the hosts and groups of a spec or inventory file."""
    doc = load(path)
    c = Collector()
    inv = read_inventory(doc, c)
    c.check()
    return inv


def compile_file(
    path: str,
    catalog: Catalog,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    optimized: bool = True,
) -> Program:
    """Compile ``path`` (``.toml``, ``.yaml``, ``.yml`` or ``.py``) into IR."""
    inv = load_inventory(inventory) if inventory else None
    lim = list(limit) if limit is not None else None
    if Path(path).suffix == ".py":
        program = run_deploy(path, inv or DEFAULT_INVENTORY, catalog, lim)
    else:
        spec = read_spec(load(path))
        if inv is not None:
            spec = replace(spec, inventory=inv)
        program = lower(spec, catalog, lim)
    return optimize(program) if optimized else program
