"""The executor against FakeConnector and a real local shell: scripts, markers, outcomes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from specops.compiler.ir import LOCAL, HostProgram, OpNode, Program
from specops.runtime.connectors import FakeConnector, LocalConnector, Result
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from specops.runtime.engine.script import apply_script, read_results


def node(i: str, kind: str, **args: object) -> OpNode:
    from specops.compiler.catalog import validate_args
    from specops.runtime.catalog import CATALOG

    op = CATALOG.get(kind)
    assert op is not None
    canonical, problems = validate_args(op, args, lambda _: None, lambda _: None, None)
    assert canonical is not None, problems
    return OpNode(i, kind, canonical)


def program(*ops: OpNode) -> Program:
    return Program((HostProgram("h", LOCAL, ops),))


def test_plan_then_apply_runs_two_commands_on_one_connection(tmp_path: Path) -> None:
    d = tmp_path / "d"
    prog = program(
        node("dir", "files.directory", path=str(d), mode="0700"),
        node("file", "files.file", path=str(d / "f"), content="x\n"),
        node("line", "files.line", path=str(d / "f"), line="y"),
    )
    conn = LocalConnector()
    with Runner(prog, connector=lambda hp: conn) as r:
        (plan,) = r.plan()
        # The line op plans against the file the earlier op will write, not the missing one.
        assert [o.changes[0].summary for o in plan.ops][2] == f"add line 'y' in {d}/f"
        (result,) = r.apply()
    assert [o.status for o in result.ops] == [Status.CHANGED] * 3
    assert (d / "f").read_text() == "x\ny\n"
    assert conn.round_trips == 2


def test_failure_is_pinned_to_its_op_and_later_ops_do_not_run(tmp_path: Path) -> None:
    prog = program(
        node("one", "server.shell", command=f"touch {tmp_path}/one"),
        node("two", "server.shell", command="echo broken >&2; exit 3"),
        node("three", "server.shell", command=f"touch {tmp_path}/three"),
    )
    with Runner(prog, connector=lambda hp: LocalConnector()) as r:
        r.plan()
        (result,) = r.apply()
    got = [(o.id, o.status, o.error) for o in result.ops]
    assert got == [
        ("one", Status.CHANGED, None),
        ("two", Status.FAILED, "exit code 3"),
        ("three", Status.NOT_RUN, "two failed"),
    ]
    assert result.ops[1].output.strip() == "broken"
    assert (tmp_path / "one").exists() and not (tmp_path / "three").exists()


def test_lost_connection_mid_script_fails_the_running_op() -> None:
    prog = program(
        node("a", "server.shell", command="true"),
        node("b", "server.shell", command="true"),
    )

    def handler(command: str, stdin: str | None) -> Result:
        if stdin and "@@specops" in stdin and "op:0" in stdin:
            # Answer the first op, then die in the middle of the second.
            nonce = re.search(r"@@specops:([0-9a-f]+):op:0", stdin)
            assert nonce
            n = nonce.group(1)
            return Result(
                command,
                255,
                f"@@specops:{n}:op:0\n\n@@specops:{n}:rc:0 0\n@@specops:{n}:op:1\n",
                "Connection reset",
            )
        return Result(command, 0, "", "")

    fake = FakeConnector(handler)
    with Runner(prog, connector=lambda hp: fake) as r:
        r.plan()
        (result,) = r.apply()
    assert [o.status for o in result.ops] == [Status.CHANGED, Status.FAILED]
    assert result.ops[1].error and "stopped answering" in result.ops[1].error
    assert "Connection reset" in result.ops[1].error


def test_script_and_reader_agree_on_markers() -> None:
    from specops.runtime.core.command import sh
    from specops.runtime.core.operation import Action, Change
    from specops.runtime.engine.outcomes import HostPlan, OpPlan

    plan = HostPlan(
        "h",
        "@local",
        (
            OpPlan(OpNode("a", "server.shell", {}), (Change(Action.RUN, "a", (sh("echo", "A"),)),)),
            OpPlan(OpNode("b", "server.shell", {}), ()),
            OpPlan(OpNode("c", "server.shell", {}), (Change(Action.RUN, "c", (sh("echo", "C"),)),)),
        ),
    )
    script = apply_script(plan, "n0nce")
    out = subprocess.run(["sh", "-s"], input=script, capture_output=True, text=True).stdout
    results = read_results(plan, out, "n0nce", "")
    assert [(r.id, r.status, r.output) for r in results] == [
        ("a", Status.CHANGED, "A\n"),
        ("b", Status.OK, ""),
        ("c", Status.CHANGED, "C\n"),
    ]


def test_a_change_resting_on_a_guess_is_marked_uncertain(tmp_path: Path) -> None:
    flag = tmp_path / "flag"
    prog = program(
        node("make", "server.shell", command=f"touch {flag}", creates=str(flag), changes=[]),
        node("fix", "files.file", path=str(flag), mode="0600"),
        node("other", "files.directory", path=str(tmp_path / "d")),
    )
    with Runner(prog, connector=lambda hp: LocalConnector()) as r:
        (plan,) = r.plan()
        (result,) = r.apply()
    make, fix, other = plan.ops
    assert make.changes[0].depends_on is None and other.changes[0].depends_on is None
    assert [c.depends_on for c in fix.changes] == ["make"]
    assert fix.waits_on == "make" and other.waits_on is None  # creates= is in its reach
    assert [o.status for o in result.ops] == [Status.CHANGED] * 3
    assert oct(flag.stat().st_mode & 0o777) == "0o600"


def test_the_running_op_is_reported_as_the_script_streams(tmp_path: Path) -> None:
    from specops.runtime.engine.outcomes import HostPlan, OpPlan
    from specops.runtime.engine.script import OpWatcher

    prog = program(
        *(node(f"op{i}", "server.shell", command=f"touch {tmp_path}/{i}") for i in range(3))
    )
    seen: list[tuple[str, str]] = []
    with Runner(
        prog, connector=lambda hp: LocalConnector(), on_op=lambda h, o: seen.append((h, o))
    ) as r:
        r.plan()
        r.apply()
    assert seen == [("h", "op0"), ("h", "op1"), ("h", "op2")]
    # A marker split across two chunks is still found, once.
    plan = HostPlan("h", "@local", (OpPlan(OpNode("a", "server.shell", {}), ()),))
    got: list[str] = []
    w = OpWatcher(plan, "n0", lambda h, o: got.append(o))
    for chunk in (b"noise @@spec", b"ops:n0:op:", b"0\nmore output\n"):
        w.feed("stdout", chunk)
    assert got == ["a"]


def test_the_summary_never_says_nothing_to_do_when_an_op_could_not_be_planned() -> None:
    from specops.runtime.core.operation import Action, Change
    from specops.runtime.engine.outcomes import HostPlan, OpPlan
    from specops.runtime.engine.render import summary_line

    ok = OpPlan(node("a", "files.directory", path="/a"), ())
    bad = OpPlan(node("b", "files.directory", path="/b"), (), error="not a directory")
    change = OpPlan(node("c", "files.directory", path="/c"), (Change(Action.CREATE, "c", ()),))
    assert summary_line([HostPlan("h", "t", (ok,))]) == "No changes. The hosts match the spec."
    assert summary_line([HostPlan("h", "t", (ok, bad)), HostPlan("g", "t", error="down")]) == (
        "No changes planned, but 1 op could not be planned, 1 host could not be read (see above)."
    )
    assert summary_line([HostPlan("h", "t", (change, bad))]) == (
        "Plan: 1 to add, 0 to change, 0 to remove. And 1 op could not be planned (see above)."
    )
