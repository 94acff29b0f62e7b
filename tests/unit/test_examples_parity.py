"""Every example written in several forms compiles to the same IR from each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.frontend import Options, compile_file
from specops.compiler.ir import to_json
from specops.runtime.catalog import CATALOG

EXAMPLES = Path(__file__).parents[2] / "examples"


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
