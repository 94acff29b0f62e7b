"""Planning a host's ops against its facts: pure, no connection.

Each op is planned against the facts as earlier ops are predicted to leave them
(their ``effects``); an op whose facts an earlier changing op may alter beyond its
prediction (its ``reach``) waits on it, and the apply plans it again once that op
has run. A handler nothing changed has nothing to do. An op's failure to plan is
that op's alone. The executor reads ``needed_facts`` in one round trip, then plans.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from specops.compiler.ir import HostProgram, OpNode
from specops.runtime.core.command import SENSITIVE
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import OPERATIONS, Change, PlanError
from specops.runtime.core.reach import Reach
from specops.runtime.engine.notify import Pending, marker
from specops.runtime.engine.outcomes import OpPlan, scrub_op


def plan_ops(
    hp: HostProgram,
    facts: Facts,
    changed_before: frozenset[str] = frozenset(),
    whole: HostProgram | None = None,
) -> tuple[OpPlan, ...]:
    """Plan every op against the facts, each seeing the predicted effects of earlier ones.

    An op that reads a fact an earlier changing op may alter unpredictably (its
    ``reach``) is marked as waiting on it: its plan is provisional, and the apply
    plans it again once that op has run. In a later phase of an apply, ``hp`` holds
    the ops left, ``whole`` the host's whole program and ``changed_before`` the ops
    earlier phases changed (the handlers they notify are due).
    """
    notified_by: dict[str, list[str]] = {}
    for n in (whole or hp).ops:
        for h in n.notify:
            notified_by.setdefault(h, []).append(n.id)
    out: list[OpPlan] = []
    changed: set[str] = set(changed_before)
    unsettled: list[tuple[str, Reach]] = []  # changing ops whose effects are not all known
    pending = facts.get(Pending.ref(), frozenset())
    for node in hp.ops:
        notified = node.handler and any(i in changed for i in notified_by.get(node.id, ()))
        if node.handler and not notified and marker(node.id) not in pending:
            out.append(OpPlan(node, ()))  # a handler nothing changed has nothing to do
            continue
        op = OPERATIONS[node.kind]
        waits = None
        sensitive = SENSITIVE.set(bool(node.sensitive))
        try:
            a = op.args(node.args)
            refs = op.facts(a)
            waits = next(
                (by for by, r in reversed(unsettled) if any(r.covers(ref) for ref in refs)), None
            )
            changes = tuple(op.plan(a, facts))
            guess = next((facts.guessed[r] for r in refs if r in facts.guessed), None)
            if guess is not None or waits is not None:
                changes = tuple(
                    replace(ch, depends_on=ch.depends_on or waits or guess) for ch in changes
                )
            if changes:
                changed.add(node.id)
                facts.update(op.effects(a, facts), by=node.id)
                reach = op.reach(a)
                if reach:
                    unsettled.append((node.id, reach))
        except PlanError as e:
            out.append(OpPlan(node, (), scrub_op(node, str(e)), waits_on=waits))
            continue
        except Exception as e:  # an op's own code failed (a custom op): that op only
            why = f"{node.kind} could not be planned: {type(e).__name__}: {e}"
            out.append(OpPlan(node, (), scrub_op(node, why), waits_on=waits))
            continue
        finally:
            SENSITIVE.reset(sensitive)
        out.append(OpPlan(node, _redact(node, changes), waits_on=waits))
    return tuple(out)


def _redact(node: OpNode, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Changes as they may be shown: summaries scrubbed, diffs and commands hidden."""
    if not node.sensitive:
        return changes
    return tuple(
        replace(
            ch,
            summary=scrub_op(node, ch.summary),
            hidden=True,
            diff="(diff hidden: the content holds sensitive values)\n" if ch.diff else None,
        )
        for ch in changes
    )


def needed_facts(hp: HostProgram) -> list[FactRef[Any]]:
    refs: list[FactRef[Any]] = [Pending.ref()] if any(op.handler for op in hp.ops) else []
    for node in hp.ops:
        op = OPERATIONS[node.kind]
        with contextlib.suppress(Exception):  # a failing op fails alone, in plan_ops
            refs.extend(op.facts(op.args(node.args)))
    return refs
