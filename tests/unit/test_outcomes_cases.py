"""Plans and results per op and host (runtime/engine/outcomes.py): the headline action of an op,
what counts as refused, changed or failed, scrubbing an op's secrets, the plan's totals."""

from __future__ import annotations

import pytest

from specops.compiler.ir import OpNode
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import (
    HostPlan,
    HostResult,
    OpPlan,
    OpResult,
    Status,
    scrub_op,
    summarize,
)

NODE = OpNode("a", "server.shell", {})


def ch(action: Action) -> Change:
    return Change(action, action.name, ())


@pytest.mark.parametrize(
    ("actions", "headline"),
    [
        ((), None),
        ((Action.UPDATE,), Action.UPDATE),
        ((Action.UPDATE, Action.RUN), Action.RUN),
        ((Action.RUN, Action.UPDATE, Action.DELETE), Action.DELETE),
        ((Action.DELETE, Action.CREATE), Action.CREATE),
        ((Action.UPDATE, Action.RUN, Action.DELETE, Action.CREATE), Action.CREATE),
    ],
)
def test_the_headline_action_is_the_strongest_change(
    actions: tuple[Action, ...], headline: Action | None
) -> None:
    assert OpPlan(NODE, tuple(map(ch, actions))).action is headline


def test_only_an_error_that_waits_on_nothing_is_a_refusal() -> None:
    assert OpPlan(NODE, (), error="not a directory").refused is True
    assert OpPlan(NODE, (), error="missing", waits_on="seed").refused is False
    assert OpPlan(NODE, (), waits_on="seed").refused is False
    assert OpPlan(NODE, ()).refused is False


def test_a_host_plan_lists_the_ops_with_changes() -> None:
    a = OpPlan(NODE, (ch(Action.RUN),))
    b = OpPlan(NODE, ())
    c = OpPlan(NODE, (ch(Action.UPDATE),), error="x")
    assert HostPlan("h", "t", (a, b, c)).changed == [a, c]
    assert HostPlan("h", "t").changed == []


def test_a_host_result_counts_statuses_and_fails_on_an_error_or_a_failed_op() -> None:
    ops = (
        OpResult("a", "k", Status.CHANGED),
        OpResult("b", "k", Status.OK),
        OpResult("c", "k", Status.CHANGED),
    )
    r = HostResult("h", "t", ops)
    counts = [r.count(s) for s in Status]
    assert counts == [1, 2, 0, 0]  # ok, changed, failed, not run
    assert r.failed is False
    assert HostResult("h", "t", error="unreachable").failed is True
    assert HostResult("h", "t", (*ops, OpResult("d", "k", Status.FAILED))).failed is True
    assert HostResult("h", "t", (OpResult("d", "k", Status.NOT_RUN),)).failed is False
    assert [s.value for s in Status] == ["ok", "changed", "failed", "not run"]


def test_scrubbing_blanks_every_secret_value_longest_first() -> None:
    node = OpNode(
        "a",
        "server.shell",
        {"token": "ab", "nested": {"pw": "x1"}, "plain": "abcd"},
        sensitive=("token", "nested.pw"),
        secrets=("abcd",),
    )
    text = "abcd then ab and x1, plain abcd"
    assert scrub_op(node, text) == (
        "(sensitive) then (sensitive) and (sensitive), plain (sensitive)"
    )


def test_a_longer_secret_is_blanked_before_a_shorter_one_inside_it() -> None:
    node = OpNode("a", "server.shell", {"k": "b"}, sensitive=("k",), secrets=("abc",))
    assert scrub_op(node, "abc b") == "(sensitive) (sensitive)"


def test_an_op_with_nothing_sensitive_is_not_scrubbed() -> None:
    node = OpNode("a", "server.shell", {"token": "ab"}, secrets=("ab",))
    assert scrub_op(node, "ab") == "ab"


def test_the_plans_totals_count_each_op_once_by_its_headline() -> None:
    plans = [
        HostPlan(
            "h",
            "t",
            (
                OpPlan(NODE, (ch(Action.CREATE), ch(Action.UPDATE))),
                OpPlan(NODE, (ch(Action.UPDATE),)),
                OpPlan(NODE, ()),
            ),
        ),
        HostPlan("g", "t", (OpPlan(NODE, (ch(Action.RUN),)), OpPlan(NODE, (ch(Action.CREATE),)))),
        HostPlan("down", "t", error="unreachable"),
    ]
    assert summarize(plans) == {
        Action.CREATE: 2,
        Action.UPDATE: 1,
        Action.DELETE: 0,
        Action.RUN: 1,
    }
    assert summarize([]) == dict.fromkeys(Action, 0)
