"""Types the optimizer passes share: the per-host context, edges, the explain log."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from .catalog import Catalog, OpType
from .diagnostics import Diagnostic
from .ir import OpNode
from .optimize_things import Thing, things


@dataclass(frozen=True)
class Step:
    """One thing a pass did on one host, for ``--explain``."""

    host: str
    pass_name: str
    text: str


Log = list[Step]


@dataclass(frozen=True)
class Edge:
    """``after`` runs after ``before``, and why.

    ``kind``: "requires" (declared), "handler" (after a notifier), "inside" (a
    path below a directory an op creates), "same" (source order of two ops on
    one thing: soft, dropped when it contradicts the others).
    """

    before: str
    after: str
    reason: str
    kind: str = "requires"  # or handler, inside, refers, same (soft), guard (soft)

    @property
    def hard(self) -> bool:
        # Source order (of two ops on one thing, or around a guard) gives way to the rest.
        return self.kind not in ("same", "guard")


@dataclass
class HostPass:
    """What a pass sees of one host: the catalog, where to log, what earlier passes found."""

    host: str
    catalog: Catalog | None
    log: Log | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)  # set by ``order``, read by ``merge``

    _things: dict[str, list[Thing]] = field(default_factory=dict)

    def optype(self, kind: str) -> OpType | None:
        return self.catalog.get(kind) if self.catalog is not None else None

    def things(self, op: OpNode) -> list[Thing]:
        """What ``op`` manages (``optimize_conflicts.things``), computed once per op."""
        found = self._things.get(op.id)
        if found is None:
            # an item listed twice (packages = ["curl", "curl"]) is still one thing
            found = self._things[op.id] = list(dict.fromkeys(things(op, self.optype(op.kind))))
        return found

    def note(self, pass_name: str, text: str) -> None:
        if self.log is not None:
            self.log.append(Step(self.host, pass_name, text))


Pass = Callable[[tuple[OpNode, ...], HostPass], tuple[OpNode, ...]]


def rename_refs(ops: tuple[OpNode, ...], renamed: dict[str, str]) -> tuple[OpNode, ...]:
    """Point ``requires`` and ``notify`` at the node that absorbed a removed op."""
    if not renamed:
        return ops
    out = []
    for op in ops:
        refs = (*op.requires, *op.notify)
        if not any(r in renamed for r in refs) and op.id not in op.requires:
            out.append(op)  # the common case: nothing to rewrite
            continue
        reqs = tuple(
            dict.fromkeys(renamed.get(r, r) for r in op.requires if renamed.get(r, r) != op.id)
        )
        notify = tuple(dict.fromkeys(renamed.get(n, n) for n in op.notify))
        out.append(
            replace(op, requires=reqs, notify=notify)
            if (reqs, notify) != (op.requires, op.notify)
            else op
        )
    return tuple(out)


T = TypeVar("T", bound=Hashable)


def union(*groups: tuple[T, ...]) -> tuple[T, ...]:
    """The items of every group, each once, in first-seen order."""
    return tuple(dict.fromkeys(x for g in groups for x in g))
