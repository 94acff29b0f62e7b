"""docs/operations.md is generated from the catalog and checked in; every op documents itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.catalog import OpType
from specops.runtime.catalog import CATALOG
from specops.runtime.opsdoc import operations_markdown

CHECKED_IN = Path(__file__).parents[2] / "docs" / "operations.md"


def test_checked_in_operations_doc_is_current() -> None:
    assert CHECKED_IN.read_text() == operations_markdown(), (
        "run: python -m specops.runtime.opsdoc > docs/operations.md"
    )


def test_catalog_has_the_promised_breadth() -> None:
    kinds = [op.kind for op in CATALOG.builtins()]
    assert len(kinds) >= 60, kinds
    assert len({k.split(".")[0] for k in kinds}) >= 10


@pytest.mark.parametrize("op", CATALOG.builtins(), ids=lambda o: o.kind)
def test_every_op_documents_summary_example_and_arguments(op: OpType) -> None:
    assert op.summary.endswith("."), f"{op.kind}: one-line summary ending with a period"
    assert "Example:" in op.doc, f"{op.kind}: docstring needs an Example"
    undocumented = [f.name for f in op.fields() if not f.metadata.get("doc")]
    assert not undocumented, f"{op.kind}: arguments without doc: {undocumented}"
