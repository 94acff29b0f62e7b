"""Every fact parser against recorded output: tests/facts/<fact>/<case>.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.runtime.catalog import CATALOG  # noqa: F401  (registers every fact)
from specops.runtime.core.fact import Fact
from tests.fixtures import UPDATE, cases, fact_type, from_json, load, save, to_json

CASES = cases("facts")


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fact_parses_recorded_output(path: Path) -> None:
    case = load(path)
    fact = Fact.registry[path.parent.name]
    got = fact.parse(case["output"])
    if UPDATE:
        case["value"] = to_json(got)
        save(path, case)
    want = from_json(fact_type(fact), case["value"])
    assert got == want, f"GOT  {got!r}\nWANT {want!r}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fact_still_runs_the_command_that_printed_its_recorded_output(path: Path) -> None:
    # A recorded output is only evidence for the command that printed it: a changed
    # command needs its outputs recorded again (on a real host), not just this line.
    case = load(path)
    fact = Fact.registry[path.parent.name]
    got = fact.ref(**case["params"]).command().render()
    if UPDATE:
        case["command"] = got
        save(path, case)
    assert got == case["command"]


def test_every_fact_has_fixtures() -> None:
    covered = {p.parent.name for p in CASES}
    missing = sorted(set(Fact.registry) - covered)
    assert not missing, f"facts without fixtures in tests/facts/: {missing}"
