"""specops: agentless server automation. Declare state in TOML, YAML or Python; plan; apply.

Embedding::

    from specops import compile, plan, apply
    program = compile("site.toml")
    for host in plan(program): ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from specops.compiler.catalog import arg
from specops.compiler.diagnostics import SpecError
from specops.compiler.extensions import function
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file, target_inventory
from specops.compiler.ir import Program
from specops.compiler.pydeploy import HostInfo, current
from specops.compiler.values import Sensitive
from specops.runtime.catalog import CATALOG
from specops.runtime.command import raw, sh
from specops.runtime.executor import Runner
from specops.runtime.facts import Fact, FactRef, Facts
from specops.runtime.host_facts import HostFactSource
from specops.runtime.operation import Action, Change, Operation, PlanError
from specops.runtime.operation import register as operation
from specops.runtime.outcomes import HostPlan, HostResult
from specops.runtime.pool import Pool

try:
    __version__ = version("specops")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"


def compile(
    path: str,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    tags: Iterable[str] = (),
    skip_tags: Iterable[str] = (),
    facts: str | None = None,
) -> Program:
    """Compile a spec file or Python deploy into the optimized IR.

    ``facts`` is a JSON facts file for specs that read host facts (see
    ``specops compile --facts``); ``plan`` and ``apply`` read them from the hosts.
    """
    opts = Options(
        inventory,
        limit,
        dict(variables or {}),
        tags,
        skip_tags,
        JsonFacts(facts) if facts else None,
    )
    return compile_file(path, CATALOG, opts)


@contextmanager
def _runner(
    target: str | Program,
    inventory: str | None,
    limit: Iterable[str] | None,
    variables: Mapping[str, Any] | None,
    parallel: int | None,
    lock: bool = False,
) -> Iterator[Runner]:
    """A runner over ``target`` whose hosts' connections (facts included) are shared."""
    pool = Pool()
    try:
        program = target
        if not isinstance(program, Program):
            source = HostFactSource(pool, target_inventory(program, inventory))
            opts = Options(inventory, limit, dict(variables or {}), facts=source)
            program = compile_file(program, CATALOG, opts)
        with Runner(
            program,
            parallel=parallel,
            connector=lambda hp: pool.get(hp.name, hp.connection),
            lock=lock,
        ) as r:
            yield r
    finally:
        pool.close()


def plan(
    target: str | Program,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    parallel: int | None = None,
) -> list[HostPlan]:
    """What would change on each host (a dry run)."""
    with _runner(target, inventory, limit, variables, parallel) as r:
        return r.plan()


def apply(
    target: str | Program,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    parallel: int | None = None,
) -> list[HostResult]:
    """Plan and apply on every host; returns each host's results.

    Each host's apply lock is held from its fact read to the end (one apply at a time).
    """
    with _runner(target, inventory, limit, variables, parallel, lock=True) as r:
        r.plan()
        return r.apply()


def host() -> HostInfo:
    """In a Python deploy: the host being compiled (``host().name``, ``host().vars``)."""
    return current().host


def secret(value: Any) -> Sensitive:
    """Mark a value sensitive in a Python deploy: redacted in plans, logs and IR dumps."""
    return Sensitive(value)


__all__ = [
    "CATALOG", "Action", "Change", "Fact", "FactRef", "Facts", "HostPlan", "HostResult",
    "Operation", "PlanError", "Program", "SpecError", "__version__", "apply", "arg", "compile",
    "function", "host", "operation", "plan", "raw", "secret", "sh",
]  # fmt: skip
