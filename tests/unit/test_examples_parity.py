"""Every example written in several forms compiles to the same IR from each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.frontend import Options, compile_file
from specops.compiler.ir import to_json
from specops.runtime.catalog import CATALOG
from tests.fixtures import UPDATE, rewrite

EXAMPLES = Path(__file__).parents[2] / "examples"
GOLDEN = Path(__file__).parents[1] / "golden"


@pytest.mark.parametrize(
    "example", sorted(p for p in EXAMPLES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_every_form_compiles_to_the_same_ir(example: Path) -> None:
    forms = [
        p
        for p in (example / "site.toml", example / "site.yaml", example / "deploy.py")
        if p.exists()
    ]
    assert len(forms) >= 2, f"{example.name} should come in TOML and YAML at least"
    inventory = example / "inventory.toml"
    opts = Options(inventory=str(inventory) if inventory.exists() else None)
    irs = {f.name: to_json(compile_file(str(f), CATALOG, opts)) for f in forms}
    assert len(set(irs.values())) == 1, f"forms differ: {sorted(irs)}"


@pytest.mark.parametrize(
    "example", sorted(p for p in EXAMPLES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_every_example_matches_its_golden_ir(example: Path) -> None:
    """The IR each example compiles to, checked in (tests/golden/NAME.ir.json): a change
    to it is seen in review, not taken on trust."""
    golden = GOLDEN / f"{example.name}.ir.json"
    inventory = example / "inventory.toml"
    opts = Options(inventory=str(inventory) if inventory.exists() else None)
    got = to_json(compile_file(str(example / "site.toml"), CATALOG, opts))
    # controller paths are absolute: the checkout's own place is not part of the IR's meaning
    got = got.replace(str(EXAMPLES.parent.resolve()), "<checkout>")
    if UPDATE:
        rewrite(golden, got)
    assert golden.exists(), f"no golden for {example.name}: SPECOPS_UPDATE_GOLDEN=1 writes it"
    assert got == golden.read_text()
