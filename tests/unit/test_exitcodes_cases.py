"""Exit codes as numbers a script sees, and how plans and applies map to them."""

from __future__ import annotations

import pytest

from specops.compiler.ir import OpNode
from specops.exitcodes import Exit, apply_exit, plan_exit
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, HostResult, OpPlan, OpResult, Status

NODE = OpNode("x", "files.directory", {"path": "/srv"})
CHANGE = Change(Action.CREATE, "create /srv", ())


def test_the_codes_are_the_documented_numbers() -> None:
    assert [(e.name, int(e)) for e in Exit] == [
        ("OK", 0),
        ("ERROR", 1),
        ("CHANGES", 2),
        ("FAILED", 3),
        ("UNREACHABLE", 4),
    ]


def plan(*ops: OpPlan, error: str | None = None) -> HostPlan:
    return HostPlan("h", "@local", ops, error=error)


@pytest.mark.parametrize(
    ("plans", "detailed", "code"),
    [
        ([], True, 0),
        ([plan()], True, 0),
        ([plan(OpPlan(NODE, ()))], True, 0),
        ([plan(OpPlan(NODE, (CHANGE,)))], True, 2),
        ([plan(OpPlan(NODE, (CHANGE,)))], False, 0),
        # one host with changes is enough, wherever it is
        ([plan(), plan(OpPlan(NODE, (CHANGE,)))], True, 2),
        ([plan(OpPlan(NODE, (CHANGE,))), plan()], True, 2),
        # a refused op anywhere makes it an error, even next to changes
        ([plan(OpPlan(NODE, (CHANGE,)), OpPlan(NODE, (), "cannot"))], True, 1),
        ([plan(OpPlan(NODE, ())), plan(OpPlan(NODE, (), "cannot"))], False, 1),
        ([plan(error="unreachable"), plan(OpPlan(NODE, (CHANGE,)))], True, 1),
        ([plan(OpPlan(NODE, (CHANGE,))), plan(error="no sudo")], False, 1),
        # a provisional error of an op waiting on an earlier one is not a refusal
        ([plan(OpPlan(NODE, (), "unknown yet", waits_on="a"))], False, 0),
        ([plan(OpPlan(NODE, (CHANGE,), "unknown yet", waits_on="a"))], True, 2),
    ],
)
def test_plan_exit(plans: list[HostPlan], detailed: bool, code: int) -> None:
    assert plan_exit(plans, detailed) == code


def test_plan_exit_is_not_detailed_by_default() -> None:
    assert plan_exit([plan(OpPlan(NODE, (CHANGE,)))]) == 0


def result(*statuses: Status, error: str | None = None, unreachable: bool = False) -> HostResult:
    ops = tuple(OpResult(f"op{i}", "files.directory", s) for i, s in enumerate(statuses))
    return HostResult("h", "@local", ops, error=error, unreachable=unreachable)


@pytest.mark.parametrize(
    ("results", "code"),
    [
        ([], 0),
        ([result(Status.OK, Status.CHANGED, Status.NOT_RUN)], 0),
        ([result(Status.OK), result(Status.CHANGED, Status.FAILED)], 3),
        ([result(error="sudo refused")], 3),
        ([result(error="down", unreachable=True)], 4),
        ([result(Status.OK), result(error="down", unreachable=True)], 4),
        ([result(error="down", unreachable=True), result(Status.OK)], 4),
        ([result(error="down", unreachable=True), result(Status.FAILED)], 3),
        ([result(Status.FAILED), result(error="down", unreachable=True)], 3),
    ],
)
def test_apply_exit(results: list[HostResult], code: int) -> None:
    assert apply_exit(results) == code
