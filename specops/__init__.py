"""specops: agentless server automation. Declare state in TOML, YAML or Python; plan; apply.

Embedding::

    from specops import compile, plan, apply
    program = compile("site.toml")
    for host in plan(program): ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar, cast

from specops.compiler.catalog import Declares, arg
from specops.compiler.diagnostics import SpecError
from specops.compiler.errors import SpecopsError
from specops.compiler.extensions import function
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file, target_inventory
from specops.compiler.ir import Program
from specops.compiler.pyrecorder import HostInfo, current
from specops.compiler.values import Sensitive
from specops.runtime.catalog import CATALOG
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import Fact, FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError
from specops.runtime.core.operation import register as operation
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.fact_source import HostFactSource
from specops.runtime.engine.outcomes import HostPlan, HostResult
from specops.runtime.engine.pool import Pool
from specops.runtime.spec_facts import SPEC_FACTS

try:
    __version__ = version("specops")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

T = TypeVar("T")


def _names(what: str, value: Iterable[str] | None) -> tuple[str, ...] | None:
    """A list of names from the caller; a lone string is a mistake, never its letters."""
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"{what} takes a list of strings, not a string: {what}=[{value!r}]")
    names = tuple(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} takes a list of strings")
    return names


def _options(
    inventory: str | None,
    limit: Iterable[str] | None,
    variables: Mapping[str, Any] | None,
    tags: Iterable[str] | None,
    skip_tags: Iterable[str] | None,
    facts: Any = None,
    optimized: bool = True,
) -> Options:
    if variables is not None and not isinstance(variables, Mapping):
        raise TypeError("variables takes a mapping of names to values")
    return Options(
        inventory,
        _names("limit", limit),
        dict(variables or {}),
        _names("tags", tags) or (),
        _names("skip_tags", skip_tags) or (),
        facts,
        optimized,
    )


def compile(
    path: str,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    skip_tags: Iterable[str] | None = None,
    facts: str | None = None,
    optimize: bool = True,
) -> Program:
    """Compile a spec file or Python deploy into the IR (optimized unless ``optimize=False``).

    ``facts`` is a JSON facts file for specs that read host facts (see
    ``specops compile --facts``); ``plan`` and ``apply`` read them from the hosts.
    """
    opts = _options(
        inventory, limit, variables, tags, skip_tags, JsonFacts(facts) if facts else None, optimize
    )
    return compile_file(path, CATALOG, opts)


class Plan(list[HostPlan]):
    """What ``plan`` found: the plan of every host, and what it was made from.

    ``apply(plan)`` applies exactly this plan: it reads each host's facts again and
    refuses a host whose facts changed since (as ``specops apply FILE.plan`` does).
    """

    def __init__(self, plans: Iterable[HostPlan], program: Program) -> None:
        super().__init__(plans)
        self.program = program

    @property
    def facts(self) -> dict[str, dict[str, str]]:
        """The fingerprint of every fact each host's plan read."""
        return {p.host: dict(p.facts) for p in self}


@contextmanager
def _runner(
    target: str | Program | Plan,
    opts: Options,
    parallel: int | None,
    timeout: float | None,
    accept_new_host_keys: bool,
    lock: bool = False,
    lock_wait: float = 0.0,
) -> Iterator[Runner]:
    """A runner over ``target`` whose hosts' connections (facts included) are shared."""
    if parallel is not None and parallel < 1:
        raise ValueError("parallel must be 1 or more")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be more than 0")
    pool = Pool(accept_new_host_keys, timeout)
    try:
        expect = target.facts if isinstance(target, Plan) else None
        program = target.program if isinstance(target, Plan) else target
        if not isinstance(program, Program):
            source = HostFactSource(pool, target_inventory(program, opts.inventory), SPEC_FACTS)
            program = compile_file(program, CATALOG, replace(opts, facts=source))
        with Runner(
            program,
            parallel=parallel,
            accept_new_host_keys=accept_new_host_keys,
            connector=lambda hp: pool.get(hp.name, hp.connection),
            expect=expect,
            timeout=timeout,
            lock=lock,
            lock_wait=lock_wait,
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
    tags: Iterable[str] | None = None,
    skip_tags: Iterable[str] | None = None,
    parallel: int | None = None,
    timeout: float | None = None,
    accept_new_host_keys: bool = False,
) -> Plan:
    """What would change on each host (a dry run); ``apply(plan)`` applies exactly it."""
    opts = _options(inventory, limit, variables, tags, skip_tags)
    with _runner(target, opts, parallel, timeout, accept_new_host_keys) as r:
        plans = r.plan()
        return Plan(plans, r.program)


def apply(
    target: str | Program | Plan,
    *,
    inventory: str | None = None,
    limit: Iterable[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    skip_tags: Iterable[str] | None = None,
    parallel: int | None = None,
    timeout: float | None = None,
    accept_new_host_keys: bool = False,
    lock: bool = True,
    lock_wait: float = 0.0,
) -> list[HostResult]:
    """Plan and apply on every host; returns each host's results.

    Given a ``Plan`` (from ``plan``), apply exactly it: a host whose facts changed since
    is refused, with the reason as its error. Each host's apply lock is held from its
    fact read to the end (``lock=False`` skips it; ``lock_wait`` waits for another).
    """
    if lock_wait < 0:
        raise ValueError("lock_wait must be 0 or more")
    opts = _options(inventory, limit, variables, tags, skip_tags)
    with _runner(target, opts, parallel, timeout, accept_new_host_keys, lock, lock_wait) as r:
        plans = r.plan()
        if isinstance(target, Plan):
            stale = [p for p in plans if p.error and p.facts]
            if stale:  # as a saved plan: nothing is applied where the host changed
                return [r.skip(p.host, p.error or "") for p in stale] + [
                    r.skip(p.host, "not applied: another host's plan is stale")
                    for p in plans
                    if p not in stale
                ]
        return r.apply()


def host() -> HostInfo:
    """In a Python deploy: the host being compiled (``host().name``, ``host().vars``)."""
    return current().host


def secret(value: T) -> T:
    """Mark a value sensitive in a Python deploy: redacted in plans, logs and IR dumps.

    Typed as the value itself, so an op's typed arguments (specops/ops.pyi) take it; at
    run time it is the value wrapped, which only the compiler unwraps."""
    return cast(T, Sensitive(value))


__all__ = [
    "CATALOG", "Action", "Change", "Declares", "Fact", "FactRef", "Facts", "HostPlan", "HostResult",
    "Operation", "Plan", "PlanError", "Program", "SpecError", "SpecopsError", "__version__",
    "apply", "arg", "compile", "function", "host", "operation", "plan", "raw", "secret", "sh",
]  # fmt: skip
