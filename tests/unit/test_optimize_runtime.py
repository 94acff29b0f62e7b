"""What the runtime sees of optimized programs: one fact read per host, an outcome per merged op."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from specops.compiler.catalog import validate_args
from specops.compiler.ir import LOCAL, HostProgram, OpNode, Program
from specops.compiler.optimize import optimize
from specops.runtime.catalog import CATALOG
from specops.runtime.connectors import LocalConnector
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import HostPlan, OpPlan, Status
from specops.runtime.engine.planner import needed_facts
from specops.runtime.engine.script import read_results


def node(i: str, kind: str, **args: object) -> OpNode:
    op = CATALOG.get(kind)
    assert op is not None
    canonical, problems = validate_args(op, args, lambda _: None, lambda _: None, None)
    assert canonical is not None, problems
    return OpNode(i, kind, canonical)


def test_a_merged_node_reports_an_outcome_for_each_original_op() -> None:
    merged = node("a+b", "server.shell", command="true")
    merged = replace(merged, parts=("a", "b"))
    plan = HostPlan("h", "@local", (OpPlan(merged, (Change(Action.RUN, "run", ()),)),))
    stdout = "@@specops:n:op:0\nhi\n@@specops:n:rc:0 0\n"
    got = [(r.id, r.status, r.output) for r in read_results(plan, stdout, "n", "")]
    assert got == [("a", Status.CHANGED, "hi"), ("b", Status.CHANGED, "hi")]


def test_deduped_ops_keep_one_fact_read_and_one_apply_script(tmp_path: Path) -> None:
    d = tmp_path / "d"
    ops = (
        node("dir", "files.directory", path=str(d)),
        node("f1", "files.file", path=str(d / "f"), mode="0640"),  # no content: line composes
        node("dir_again", "files.directory", path=str(d)),  # deduped into dir
        node("line", "files.line", path=str(d / "f"), line="y"),
        node("g", "files.file", path=str(d / "g")),
    )
    program = optimize(Program((HostProgram("h", LOCAL, ops),)), CATALOG)
    hp = program.hosts[0]
    assert [o.id for o in hp.ops] == ["dir", "f1", "line", "g"]
    conn = LocalConnector()
    with Runner(program, connector=lambda _: conn) as r:
        r.plan()
        assert conn.round_trips == 1, "every fact of every op in one batched read"
        (result,) = r.apply()
    assert conn.round_trips == 2
    assert [o.status for o in result.ops] == [Status.CHANGED] * 4
    assert (d / "f").read_text() == "y\n"


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a Debian host")
def test_merged_packages_read_facts_once_and_plan_each_package() -> None:
    apt = CATALOG.get("apt.packages")
    assert apt is not None and apt.declares.merge == "packages"
    ops = tuple(node(f"pkgs[{p}]", "apt.packages", packages=[p]) for p in ("bash", "coreutils"))
    program = optimize(Program((HostProgram("h", LOCAL, ops),)), CATALOG)
    (hp,) = program.hosts
    (merged,) = hp.ops
    assert merged.parts == ("pkgs[bash]", "pkgs[coreutils]")
    assert merged.args["packages"] == ["bash", "coreutils"]
    assert len(set(needed_facts(hp))) <= len(set(needed_facts(HostProgram("h", LOCAL, ops))))
    conn = LocalConnector()
    with Runner(program, connector=lambda _: conn) as r:
        (plan,) = r.plan()
        assert conn.round_trips == 1
        (result,) = r.apply()  # both installed already: nothing to run
    assert plan.changed == []
    assert [(o.id, o.status) for o in result.ops] == [
        ("pkgs[bash]", Status.OK),
        ("pkgs[coreutils]", Status.OK),
    ]
