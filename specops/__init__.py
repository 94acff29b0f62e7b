"""specops: agentless server automation. Declare state in TOML, YAML or Python; plan; apply.

Embedding::

    from specops import compile, plan, apply
    program = compile("site.toml")
    for host in plan(program): ...
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version

from specops.compiler.diagnostics import SpecError
from specops.compiler.frontend import compile_file
from specops.compiler.ir import Program
from specops.compiler.pydeploy import HostInfo, current
from specops.runtime.catalog import CATALOG
from specops.runtime.executor import HostPlan, HostResult, Runner

try:
    __version__ = version("specops")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"


def compile(
    path: str, *, inventory: str | None = None, limit: Iterable[str] | None = None
) -> Program:
    """Compile a spec file or Python deploy into the optimized IR."""
    return compile_file(path, CATALOG, inventory=inventory, limit=limit)


def _program(target: str | Program, inventory: str | None, limit: Iterable[str] | None) -> Program:
    return (
        target if isinstance(target, Program) else compile(target, inventory=inventory, limit=limit)
    )


def plan(
    target: str | Program,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    parallel: int | None = None,
) -> list[HostPlan]:
    """What would change on each host (a dry run)."""
    with Runner(_program(target, inventory, limit), parallel=parallel) as r:
        return r.plan()


def apply(
    target: str | Program,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    parallel: int | None = None,
) -> list[HostResult]:
    """Plan and apply on every host; returns each host's results."""
    with Runner(_program(target, inventory, limit), parallel=parallel) as r:
        r.plan()
        return r.apply()


def host() -> HostInfo:
    """In a Python deploy: the host being compiled (``host().name``, ``host().vars``)."""
    return current().host


__all__ = [
    "CATALOG",
    "HostPlan",
    "HostResult",
    "Program",
    "SpecError",
    "__version__",
    "apply",
    "compile",
    "host",
    "plan",
]
