"""Tests whose expected values are written by hand, for the places a mutation
spot-check found unguarded: dedupe, exit codes, the rendered plan, redaction of
multi-line secrets, cycles reached from upstream ops, three-digit modes, effects."""

from __future__ import annotations

import pytest
from rich.console import Console

from specops.compiler.diagnostics import SpecError
from specops.compiler.ir import OpNode
from specops.compiler.optimize_dedupe import dedupe
from specops.compiler.optimize_order import order
from specops.exitcodes import Exit, apply_exit, plan_exit
from specops.runtime.catalog import OPERATIONS
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, HostResult, OpPlan, OpResult, Status, scrub_op
from specops.runtime.engine.render import print_plan
from specops.runtime.facts.files import FileInfo, FileStat

# -- dedupe -------------------------------------------------------------------------------


def op(i: str, **kw: object) -> OpNode:
    base: dict[str, object] = {"kind": "files.directory", "args": {"path": "/srv"}}
    base.update(kw)
    return OpNode(i, **base)  # type: ignore[arg-type]


def test_dedupe_keeps_every_notify_of_the_absorbed_duplicate() -> None:
    out = dedupe((op("a", notify=("h1",)), op("b", notify=("h2",))))
    assert [(o.id, o.notify) for o in out] == [("a", ("h1", "h2"))]


@pytest.mark.parametrize(
    "other", [{"become": True}, {"become": "app"}, {"handler": True}, {"args": {"path": "/x"}}]
)
def test_dedupe_never_merges_ops_that_differ_in_how_they_run(other: dict[str, object]) -> None:
    out = dedupe((op("a"), op("b", **other)))
    assert [o.id for o in out] == ["a", "b"]


def test_dedupe_points_references_at_the_op_that_absorbed() -> None:
    out = dedupe(
        (op("a"), op("b"), op("c", kind="files.file", args={"path": "/f"}, requires=("b",)))
    )
    assert [(o.id, o.requires) for o in out] == [("a", ()), ("c", ("a",))]


# -- exit codes ---------------------------------------------------------------------------


def hp(error: str | None = None, refused: bool = False, changed: bool = False) -> HostPlan:
    n = op("x")
    ops: tuple[OpPlan, ...] = ()
    if refused:
        ops = (OpPlan(n, (), "cannot"),)
    elif changed:
        ops = (OpPlan(n, (Change(Action.CREATE, "create", ()),)),)
    return HostPlan("h", "@local", ops, error=error)


@pytest.mark.parametrize(
    ("plans", "detailed", "code"),
    [
        ([hp()], False, Exit.OK),
        ([hp()], True, Exit.OK),
        ([hp(changed=True)], False, Exit.OK),
        ([hp(changed=True)], True, Exit.CHANGES),
        ([hp(refused=True)], True, Exit.ERROR),
        ([hp(changed=True), hp(refused=True)], True, Exit.ERROR),
        ([hp(error="unreachable")], False, Exit.ERROR),
    ],
)
def test_plan_exit_codes(plans: list[HostPlan], detailed: bool, code: int) -> None:
    assert plan_exit(plans, detailed) == code


def hr(
    status: Status | None = None, error: str | None = None, unreachable: bool = False
) -> HostResult:
    ops = (OpResult("x", "files.directory", status),) if status else ()
    return HostResult("h", "@local", ops, error=error, unreachable=unreachable)


@pytest.mark.parametrize(
    ("results", "code"),
    [
        ([hr(Status.CHANGED)], Exit.OK),
        ([hr(Status.OK)], Exit.OK),
        ([hr(Status.FAILED)], Exit.FAILED),
        ([hr(error="refused", unreachable=False)], Exit.FAILED),
        ([hr(error="down", unreachable=True)], Exit.UNREACHABLE),
        # a failure outranks an unreachable host, whatever the order
        ([hr(error="down", unreachable=True), hr(Status.FAILED)], Exit.FAILED),
        ([hr(Status.FAILED), hr(error="down", unreachable=True)], Exit.FAILED),
    ],
)
def test_apply_exit_codes(results: list[HostResult], code: int) -> None:
    assert apply_exit(results) == code


# -- the rendered plan --------------------------------------------------------------------


def test_a_rendered_plan_shows_both_sides_of_a_diff_and_the_summary() -> None:
    diff = "--- /etc/app.conf\n+++ /etc/app.conf\n@@ -1 +1 @@\n-port = 80\n+port = 8080\n"
    plans = [
        HostPlan(
            "web1",
            "root@10.0.0.1",
            (
                OpPlan(op("conf"), (Change(Action.UPDATE, "update /etc/app.conf", (), diff),)),
                OpPlan(op("old"), (Change(Action.DELETE, "remove /old", ()),)),
                OpPlan(
                    op("run", kind="server.shell"),
                    (Change(Action.RUN, "run x", (), None, depends_on="conf"),),
                ),
            ),
        )
    ]
    console = Console(record=True, width=120, color_system=None)
    print_plan(console, plans)
    text = console.export_text()
    assert text.splitlines() == [
        "web1 (root@10.0.0.1)",
        "  ~ conf  update /etc/app.conf",
        "      --- /etc/app.conf",
        "      +++ /etc/app.conf",
        "      @@ -1 +1 @@",
        "      -port = 80",
        "      +port = 8080",
        "  - old   remove /old",
        " ?! run   run x  (depends on conf; known after apply)",
        "",
        "Plan: 0 to add, 1 to change, 1 to remove, 1 to run. 1 marked ? rests on earlier steps.",
    ]


# -- redaction ----------------------------------------------------------------------------


def test_a_multi_line_secret_is_scrubbed_whole_and_line_by_line() -> None:
    key = "-----BEGIN KEY-----\nAAAAsecretline1\nBBBBsecretline2\n-----END KEY-----"
    n = OpNode("k", "files.file", {"path": "/k", "content": key}, sensitive=("content",))
    for shown in (
        f"wrote {key}",  # whole
        "error near BBBBsecretline2 at byte 40",  # one line of it, in an error
        "diff:\n+AAAAsecretline1\n+BBBBsecretline2\n",  # lines of it, in a diff
    ):
        out = scrub_op(n, shown)
        assert "secretline" not in out, out
        assert "(sensitive)" in out


# -- cycles -------------------------------------------------------------------------------


def test_a_cycle_names_only_the_ops_in_it_not_the_ones_upstream() -> None:
    ops = (
        op("x", args={"path": "/x"}, requires=("a",)),
        op("a", args={"path": "/a"}, requires=("b",)),
        op("b", args={"path": "/b"}, requires=("a",)),
    )
    with pytest.raises(SpecError) as e:
        order(ops)
    (d,) = e.value.diagnostics
    assert d.message.endswith("in a cycle: a -> b -> a"), d.message


# -- three-digit modes and effects ---------------------------------------------------------


def test_a_three_digit_mode_is_the_four_digit_one() -> None:
    directory = OPERATIONS["files.directory"]
    a = directory.args({"path": "/srv", "mode": "755", "user": None, "group": None})
    facts = Facts({FileInfo.ref(path="/srv"): FileStat("directory", "0755", "root", "root", 4096)})
    assert directory.plan(a, facts) == []


def test_the_effects_of_a_directory_carry_its_mode_and_owner() -> None:
    directory = OPERATIONS["files.directory"]
    a = directory.args({"path": "/srv", "mode": "0750", "user": "app", "group": None})
    facts = Facts({FileInfo.ref(path="/srv"): None})
    (st,) = directory.effects(a, facts).values()
    assert (st.type, st.mode, st.user) == ("directory", "0750", "app")
