"""Every op's pure plan against fixtures: tests/ops/<kind>/<case>.json.

A case holds ``args``, the ``facts`` the op sees and the expected ``changes``
(action, summary, commands as shown, diff). Facts are built through their
declared types, so the fixtures cannot drift from the dataclasses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specops.runtime.catalog import CATALOG, OPERATIONS
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import PlanError
from tests.fixtures import UPDATE, cases, fact_ref, fact_type, from_json, load, save

CASES = cases("ops")


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_op_plan(path: Path) -> None:
    case = load(path)
    op = OPERATIONS[path.parent.name]
    a = op.args({**_defaults(path.parent.name), **case["args"]})
    facts = Facts(
        {fact_ref(e): from_json(fact_type(fact_ref(e).fact), e["value"]) for e in case["facts"]}
    )
    needed = {str(r) for r in op.facts(a)}
    given = {str(fact_ref(e)) for e in case["facts"]}
    assert needed <= given, f"fixture lacks facts {sorted(needed - given)}"
    got: dict[str, Any]
    try:
        got = {"changes": [c.to_json() for c in op.plan(a, facts)]}
    except PlanError as e:
        got = {"error": str(e)}
    if UPDATE:
        case.pop("changes", None)
        case.pop("error", None)
        case.update(got)
        save(path, case)
    want = {k: case[k] for k in ("changes", "error") if k in case}
    assert got == want, f"GOT  {got}\nWANT {want}"


def _defaults(kind: str) -> dict[str, object]:
    optype = CATALOG.get(kind)
    assert optype is not None
    import dataclasses

    return {f.name: f.default for f in optype.fields() if f.default is not dataclasses.MISSING}


def test_every_op_has_fixtures() -> None:
    covered = {p.parent.name for p in CASES}
    missing = sorted({op.kind for op in CATALOG.builtins()} - covered)
    assert not missing, f"ops without fixtures in tests/ops/: {missing}"
