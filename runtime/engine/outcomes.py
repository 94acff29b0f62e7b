"""What planning and applying a host produce: plans per op and host, results per op
and host, and the one way to show an op's text without its secrets.

Shared by the executor, the script that applies a plan (``script``), the
renderers and saved plan files.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from specops.compiler.ir import OpNode
from specops.compiler.redact import scrub, secret_values
from specops.runtime.core.operation import Action, Change


@dataclass(frozen=True)
class OpPlan:
    node: OpNode
    changes: tuple[Change, ...]
    error: str | None = None
    # An earlier op that may change what this one reads, in ways no plan predicts: this
    # plan is provisional, and the op is planned again once that one has run.
    waits_on: str | None = None

    @property
    def refused(self) -> bool:
        """The op cannot be planned (a provisional error of a waiting op does not count)."""
        return self.error is not None and self.waits_on is None

    @property
    def action(self) -> Action | None:
        """The op's headline action: the strongest of its changes."""
        acts = {c.action for c in self.changes}
        for a in (Action.CREATE, Action.DELETE, Action.RUN, Action.UPDATE):
            if a in acts:
                return a
        return None


@dataclass(frozen=True)
class HostPlan:
    host: str
    target: str
    ops: tuple[OpPlan, ...] = ()
    error: str | None = None
    hint: str | None = None
    unreachable: bool = False
    # The fingerprint of every fact the plan read (``str(ref)`` → sha256), so a
    # saved plan can refuse to apply once the host has changed.
    facts: Mapping[str, str] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)  # phase → time
    sent: int = 0  # bytes of scripts sent (the fact read)
    received: int = 0  # bytes of output received

    @property
    def changed(self) -> list[OpPlan]:
        return [o for o in self.ops if o.changes]


class Status(enum.Enum):
    OK = "ok"
    CHANGED = "changed"
    FAILED = "failed"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class OpResult:
    id: str
    kind: str
    status: Status
    changes: tuple[Change, ...] = ()
    output: str = ""
    error: str | None = None


@dataclass(frozen=True)
class HostResult:
    host: str
    target: str
    ops: tuple[OpResult, ...] = ()
    error: str | None = None
    hint: str | None = None
    unreachable: bool = False
    round_trips: int = 0
    seconds: Mapping[str, float] = field(default_factory=dict)  # phase → time
    sent: int = 0  # bytes of scripts sent
    received: int = 0  # bytes of output received
    skipped: bool = False  # never attempted (an earlier batch failed too much)
    image: str | None = None  # an image build: the id of the image committed
    phases: int = 0  # scripts the apply ran (one more fact read for each after the first)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.ops if o.status is status)

    @property
    def failed(self) -> bool:
        return self.error is not None or any(o.status is Status.FAILED for o in self.ops)


def scrub_op(node: OpNode, text: str) -> str:
    """``text`` (output, an error) with the op's secret values blanked out."""
    if not node.sensitive:
        return text
    secrets = sorted(
        {*secret_values(node.args, node.sensitive), *node.secrets}, key=len, reverse=True
    )
    return scrub(text, secrets)


def summarize(plans: Iterable[HostPlan]) -> dict[Action, int]:
    counts = dict.fromkeys(Action, 0)
    for p in plans:
        for op in p.ops:
            if op.action is not None:
                counts[op.action] += 1
    return counts
