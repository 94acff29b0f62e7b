"""``validate``: a file that fails its check is never put in place (real local shell)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.runtime.connectors import LocalConnector
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from tests.unit.test_executor import node, program

CHECK = "! grep -q 'no' %s"  # a new file saying no fails


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("files.file", {"content": "valid=no\n"}),
        ("files.line", {"line": "valid=no"}),
        ("files.block", {"name": "b", "content": "valid=no"}),
        ("files.keyvalue", {"key": "valid", "value": "no"}),
        ("files.ini", {"section": "", "key": "valid", "value": "no"}),
        ("files.replace", {"regex": "^valid=.*$", "replace": "valid=no"}),
    ],
)
def test_a_file_failing_validation_is_never_put_in_place(
    tmp_path: Path, kind: str, args: dict[str, str]
) -> None:
    f = tmp_path / "conf"
    f.write_text("valid=yes\n")
    conn = LocalConnector()
    prog = program(node("op", kind, path=str(f), validate=CHECK, **args))
    with Runner(prog, connector=lambda hp: conn) as r:
        (plan,) = r.plan()
        assert plan.ops[0].changes, "the test needs a change to validate"
        (result,) = r.apply()
    (op,) = result.ops
    assert op.status is Status.FAILED and op.error == "exit code 1"
    assert f.read_text() == "valid=yes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf"], "a temp file was left"


def test_a_file_passing_validation_replaces_the_old_one(tmp_path: Path) -> None:
    f = tmp_path / "conf"
    conn = LocalConnector()
    prog = program(node("op", "files.file", path=str(f), content="valid=yes\n", validate=CHECK))
    with Runner(prog, connector=lambda hp: conn) as r:
        r.plan()
        (result,) = r.apply()
    assert result.ops[0].status is Status.CHANGED and f.read_text() == "valid=yes\n"


def test_the_checker_output_is_the_ops_output(tmp_path: Path) -> None:
    f = tmp_path / "conf"
    conn = LocalConnector()
    check = 'echo "checked $(basename %s): line 1: syntax error" >&2; false'
    prog = program(node("op", "files.file", path=str(f), content="x\n", validate=check))
    with Runner(prog, connector=lambda hp: conn) as r:
        r.plan()
        (result,) = r.apply()
    assert "line 1: syntax error" in result.ops[0].output and not f.exists()
