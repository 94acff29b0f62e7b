"""Phased applies: an op that reads what an earlier op may change unpredictably is
planned again after that op ran (runtime/core/reach.py, Runner._apply_one), on a real
local shell."""

from __future__ import annotations

from pathlib import Path

from specops.compiler.ir import OpNode
from specops.runtime.connectors import LocalConnector
from specops.runtime.core.reach import ANYTHING, NOTHING, PACKAGES, Reach, below, of_paths
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from specops.runtime.facts.files import FileContent, FileInfo
from specops.runtime.facts.server import Users
from tests.unit.test_executor import node, program


def run(*ops: OpNode) -> tuple[Runner, LocalConnector]:
    conn = LocalConnector()
    return Runner(program(*ops), connector=lambda hp: conn), conn


def test_an_edit_after_a_command_edits_what_the_command_wrote(tmp_path: Path) -> None:
    f = tmp_path / "profile"
    r, conn = run(
        node("seed", "server.shell", command=f"echo 'keep me' > {f}", creates=str(f)),
        node("block", "files.block", path=str(f), name="env", content="export A=1"),
    )
    with r:
        (plan,) = r.plan()
        assert plan.ops[1].waits_on == "seed"
        assert all(ch.depends_on == "seed" for ch in plan.ops[1].changes)
        (result,) = r.apply()
    assert [(o.id, o.status) for o in result.ops] == [
        ("seed", Status.CHANGED),
        ("block", Status.CHANGED),
    ]
    assert f.read_text().splitlines() == [
        "keep me",
        "# BEGIN SPECOPS MANAGED BLOCK: env",
        "export A=1",
        "# END SPECOPS MANAGED BLOCK: env",
    ]
    assert result.phases == 2
    assert conn.round_trips == 4  # facts, script, facts again, script


def test_nothing_waits_when_the_command_declares_what_it_changes(tmp_path: Path) -> None:
    f, other = tmp_path / "conf", tmp_path / "other"
    r, conn = run(
        node("seed", "server.shell", command=f"touch {other}", changes=[str(other)]),
        node("line", "files.line", path=str(f), line="x=1"),
    )
    with r:
        (plan,) = r.plan()
        assert plan.ops[1].waits_on is None
        (result,) = r.apply()
    assert result.phases == 1 and conn.round_trips == 2
    assert f.read_text() == "x=1\n"


def test_a_provisional_refusal_is_planned_again_and_applies(tmp_path: Path) -> None:
    """files.replace of a file that does not exist yet cannot be planned, but a command
    before it may make it: the plan is provisional, not an error, and the apply works."""
    f = tmp_path / "app.conf"
    r, _ = run(
        node(
            "install", "server.shell", command=f"printf 'port=80\\n' > {f}", unless=f"test -e {f}"
        ),
        node("port", "files.replace", path=str(f), regex="^port=.*$", replace="port=8080"),
    )
    with r:
        (plan,) = r.plan()
        op = plan.ops[1]
        assert op.error and "does not exist" in op.error
        assert op.waits_on == "install" and not op.refused
        (result,) = r.apply()
    assert [o.status for o in result.ops] == [Status.CHANGED, Status.CHANGED]
    assert f.read_text() == "port=8080\n"


def test_ops_of_a_later_phase_do_not_run_after_a_failure(tmp_path: Path) -> None:
    f = tmp_path / "f"
    r, conn = run(
        node("boom", "server.shell", command="exit 4"),
        node("line", "files.line", path=str(f), line="x"),
    )
    with r:
        r.plan()
        (result,) = r.apply()
    assert [(o.id, o.status, o.error) for o in result.ops] == [
        ("boom", Status.FAILED, "exit code 4"),
        ("line", Status.NOT_RUN, "boom failed"),
    ]
    assert not f.exists() and result.phases == 1 and conn.round_trips == 2


def test_a_handler_notified_in_an_earlier_phase_runs_in_a_later_one(tmp_path: Path) -> None:
    f, done = tmp_path / "f", tmp_path / "restarted"
    conf = node("conf", "files.file", path=str(f), content="a\n")
    conf = OpNode(conf.id, conf.kind, conf.args, notify=("restart",))
    handler = node("restart", "server.shell", command=f"touch {done}")
    handler = OpNode(handler.id, handler.kind, handler.args, handler=True)
    r, _ = run(
        conf,
        node("cmd", "server.shell", command="true"),
        node("line", "files.line", path=str(f), line="b"),
        handler,
    )
    with r:
        (plan,) = r.plan()
        assert plan.ops[2].waits_on == "cmd"
        (result,) = r.apply()
    assert {o.id: o.status for o in result.ops} == {
        "conf": Status.CHANGED,
        "cmd": Status.CHANGED,
        "line": Status.CHANGED,
        "restart": Status.CHANGED,
    }
    assert done.exists() and f.read_text() == "a\nb\n"


def test_reach_covers_paths_below_and_not_outside() -> None:
    info = FileInfo.ref(path="/etc/nginx/sites-enabled/default")
    assert PACKAGES.covers(info) and ANYTHING.covers(info)
    assert not PACKAGES.covers(FileInfo.ref(path="/home/deploy/.profile"))
    assert of_paths("/etc/nginx").covers(FileContent.ref(path="/etc/nginx/nginx.conf"))
    assert not of_paths("/etc/nginx").covers(FileInfo.ref(path="/etc/nginxx"))
    assert not of_paths("/srv/app").covers(Users.ref())
    assert Reach(facts=("server",)).covers(Users.ref())
    assert Reach(facts=("server.Users",)).covers(Users.ref())
    assert not NOTHING and not NOTHING.covers(info)
    assert below("/a/b/../c", ("/a/c",)) and not below("/ab", ("/a",))
