"""The bounded mutation sample (tests/mutation.py, docs/mutation.md): the unit tests
must keep killing at least THRESHOLD of the mutants of every sampled module."""

from __future__ import annotations

from tests import mutation


def test_the_unit_tests_kill_the_sampled_mutants() -> None:
    tests = sorted({t for ts in mutation.SAMPLE.values() for t in ts})
    scores = mutation.run(list(mutation.SAMPLE), tests)
    assert sorted(s.module for s in scores) == sorted(mutation.SAMPLE), "every module was mutated"
    assert all(s.total > 10 for s in scores), mutation.table(scores)
    low = [s for s in scores if s.ratio < mutation.THRESHOLD]
    survivors = "\n".join(m.show() for s in low for m in s.survivors)
    assert not low, (
        f"below {mutation.THRESHOLD:.0%}; kill the survivors or list them as equivalent in "
        f"tests/mutation_equivalent/ (`python -m tests.mutation --sample --survivors`):\n"
        f"{mutation.table(scores)}\n{survivors}"
    )
