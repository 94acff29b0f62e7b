"""Golden `specops compile --explain` outputs for the examples (SPECOPS_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specops.cli import main
from tests.fixtures import UPDATE, rewrite

ROOT = Path(__file__).parents[2]
CASES = {
    "quickstart": ["examples/quickstart/site.toml"],
    "multirole": ["examples/multirole/site.toml", "-i", "examples/multirole/inventory.toml"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_explain_is_golden_and_leaves_the_ir_alone(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["compile", *CASES[name], "--emit", "ir"]) == 0
    plain = capsys.readouterr().out
    assert main(["compile", *CASES[name], "--emit", "ir", "--explain"]) == 0
    got = capsys.readouterr()
    assert got.out == plain, "--explain must not change the IR on stdout"
    json.loads(got.out)
    golden = ROOT / "tests" / "golden" / f"{name}.explain.txt"
    if UPDATE:
        rewrite(golden, got.err)
    assert got.err == golden.read_text(), f"GOT:\n{got.err}\nWANT:\n{golden.read_text()}"
