"""The mutation driver's pure parts: names, diffs, equivalents and the score."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import mutation
from tests.mutation import Equivalent, Mutant

DIFF = """--- specops/compiler/values.py
+++ specops/compiler/values.py
@@ -2,7 +2,7 @@
     v, _ = reveal(v)
     if isinstance(v, dict):
-        return [t for x in v.values() for t in texts(x)]
+        return [t for x in v.values() for t in texts(None)]
     if isinstance(v, list):
"""


def test_function_names_of_mutants() -> None:
    assert mutation.function_of("specops.compiler.values.x_texts__mutmut_3") == "texts"
    assert mutation.function_of("a.b.x__key__mutmut_12") == "_key"
    assert mutation.function_of("a.b.xǁDebǁparse__mutmut_3") == "Deb.parse"
    assert mutation.function_of("a.b.xǁSǁ__repr____mutmut_1") == "S.__repr__"
    with pytest.raises(ValueError, match="not a mutmut mutant name"):
        mutation.function_of("a.b.texts")


def test_changed_lines_leave_out_headers_and_context() -> None:
    assert mutation.changed_lines(DIFF) == (
        ("return [t for x in v.values() for t in texts(x)]",),
        ("return [t for x in v.values() for t in texts(None)]",),
    )
    assert mutation.changed_lines("") == ((), ())


def test_score_counts_killed_equivalent_survived_and_unreached() -> None:
    mod = "specops/compiler/values.py"
    names = [f"specops.compiler.values.x_texts__mutmut_{i}" for i in range(1, 7)]
    codes: dict[str, int | None] = dict(zip(names, [1, 0, 0, 33, None, -24], strict=True))
    diffs = {n: DIFF for n in names}
    diffs[names[2]] = DIFF.replace("texts(None)", "texts(x, x)")
    eq = Equivalent(mod, "texts", "return [t for x in v.values() for t in texts(None)]", "why")
    other_module = Equivalent("x.py", "texts", eq.mutant, "why")
    other_function = Equivalent(mod, "reveal", eq.mutant, "why")
    s, used = mutation.score(mod, codes, diffs, [other_module, other_function, eq])
    assert (s.killed, s.equivalent, s.survived, s.untested) == (2, 3, 1, 0)
    assert used == {eq}
    assert [m.name for m in s.survivors] == [names[2]]
    assert s.total == 6 and s.ratio == pytest.approx(2 / 3)
    s, used = mutation.score(mod, codes, diffs, [])
    assert (s.killed, s.equivalent, s.survived, s.untested) == (2, 0, 2, 2)
    assert s.ratio == pytest.approx(2 / 6) and not used
    assert mutation.Score(mod).ratio == 1.0


def test_a_survivor_shows_its_change() -> None:
    m = Mutant("a.x_f__mutmut_1", "f", ("x = 1",), ("x = 2",), reached=False)
    assert m.show() == "a.x_f__mutmut_1  (f, not reached)\n  - x = 1\n  + x = 2"


def test_equivalents_file_is_complete_and_well_formed(tmp_path: Path) -> None:
    entries = mutation.load_equivalents()
    assert entries, "the checked-in list is read"
    assert all(e.module.endswith(".py") and e.mutant and e.why.strip() for e in entries)
    assert len(set(entries)) == len(entries), "no entry listed twice"
    bad = tmp_path / "eq.toml"
    bad.write_text('[[equivalent]]\nmodule = "a.py"\nfunction = "f"\nmutant = "x"\nwhy = " "\n')
    with pytest.raises(ValueError, match="entry 1 needs"):
        mutation.load_equivalents(bad)


def test_record_replaces_the_rows_of_the_modules_run(tmp_path: Path) -> None:
    doc = tmp_path / "m.md"
    doc.write_text(
        f"intro\n{mutation.BEGIN}\n{mutation.HEADER[0]}\n{mutation.HEADER[1]}\n"
        "| `b.py` | 1 | 1 | 0 | 0 | 0 | 100% | old |\n"
        "| `c.py` | 1 | 0 | 0 | 1 | 0 | 0% | old |\n"
        "| `gone.py` | 1 | 1 | 0 | 0 | 0 | 100% | old |\n"
        f"{mutation.END}\nafter\n"
    )
    scores = [mutation.Score("c.py", killed=3), mutation.Score("a.py")]
    mutation.record(scores, "abc", doc, exists=lambda module: module != "gone.py")
    assert doc.read_text() == (
        f"intro\n{mutation.BEGIN}\n{mutation.HEADER[0]}\n{mutation.HEADER[1]}\n"
        "| `a.py` | 0 | 0 | 0 | 0 | 0 | 100% | abc |\n"
        "| `b.py` | 1 | 1 | 0 | 0 | 0 | 100% | old |\n"
        "| `c.py` | 3 | 3 | 0 | 0 | 0 | 100% | abc |\n"
        f"{mutation.END}\nafter\n"
    )
    doc.write_text("no table\n")
    with pytest.raises(ValueError, match="has no line"):
        mutation.record([], "abc", doc, exists=lambda module: True)
