"""Exit codes of every specops command, and how a plan's or an apply's outcome maps to one.

The one place they are defined: the CLI, ad-hoc runs and embedders read them here.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from specops.runtime.engine.outcomes import HostPlan, HostResult


class Exit(IntEnum):
    OK = 0
    ERROR = 1  # a user error, a host that could not be planned, an op that could not be
    CHANGES = 2  # plan --detailed-exitcode: there are changes to apply
    FAILED = 3  # an op failed on a host that was reached
    UNREACHABLE = 4  # some host could not be reached, and nothing reached failed


def plan_exit(plans: Sequence[HostPlan], detailed: bool = False) -> Exit:
    """A plan's exit: ERROR if any host or op could not be planned, else CHANGES (when
    ``detailed`` and something would change) or OK."""
    if any(p.error or any(o.refused for o in p.ops) for p in plans):
        return Exit.ERROR
    return Exit.CHANGES if detailed and any(p.changed for p in plans) else Exit.OK


def apply_exit(results: Sequence[HostResult]) -> Exit:
    """An apply's exit: a failure on a reached host outranks an unreachable host."""
    if any(r.failed and not r.unreachable for r in results):
        return Exit.FAILED
    if any(r.unreachable for r in results):
        return Exit.UNREACHABLE
    return Exit.OK
