"""The tests keep their own rules: every CLI run checks its exit code, exactly, and
hypothesis keeps its health checks on."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _sources() -> list[tuple[Path, ast.Module]]:
    out = [(p, ast.parse(p.read_text(), str(p))) for p in sorted(TESTS.rglob("*.py"))]
    assert len(out) > 50, "the walk found the test files"
    return out


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TESTS.parent)}:{getattr(node, 'lineno', '?')}"


def _runs_specops(call: ast.Call) -> bool:
    """``subprocess.run([..., "-m", "specops", ...])``: the CLI run to completion."""
    f = call.func
    if not (isinstance(f, ast.Attribute) and f.attr == "run" and call.args):
        return False
    argv = call.args[0]
    if not isinstance(argv, ast.List):
        return False
    words = [e.value for e in argv.elts if isinstance(e, ast.Constant)]
    return any(a == "-m" and b == "specops" for a, b in itertools.pairwise(words))


def test_every_cli_run_goes_through_the_helper_that_checks_its_exit_code() -> None:
    """tests/cli.py's ``specops(*args, code=...)`` fails on any other exit code; a bare
    subprocess.run of the CLI could forget to look."""
    found = [
        _where(path, node)
        for path, tree in _sources()
        if path.name != "cli.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _runs_specops(node)
    ]
    assert found == []


def test_the_rule_sees_a_bare_run() -> None:
    (call,) = [
        n
        for n in ast.walk(ast.parse('subprocess.run([sys.executable, "-m", "specops", "plan"])'))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert _runs_specops(call)
    (other,) = [
        n
        for n in ast.walk(ast.parse('subprocess.run(["git", "-m", "x"])'))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert not _runs_specops(other)


def test_no_loose_exit_code_asserts() -> None:
    """``returncode in (1, 3)`` accepts a bug that changes one outcome into another."""
    found = [
        _where(path, node)
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "returncode"
        and any(isinstance(op, ast.In | ast.NotIn | ast.Gt | ast.Lt) for op in node.ops)
    ]
    assert found == []


def test_hypothesis_health_checks_stay_on() -> None:
    found = [
        _where(path, kw)
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "suppress_health_check"
    ]
    assert found == []
