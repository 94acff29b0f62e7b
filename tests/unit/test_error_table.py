"""The error table: every spec in tests/errors/ fails with exactly the diagnostics it marks.

A line ending in ``# E: code`` (or ``# E: code1, code2``) expects a diagnostic
with that code on that line, mypy-style. Each diagnostic must also render with
``file:line:col``, the source line and a caret.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from specops.compiler.diagnostics import SpecError, render
from specops.compiler.frontend import compile_file
from specops.runtime.catalog import CATALOG

CASES = sorted((Path(__file__).parent.parent / "errors").glob("*.*"))
MARK = re.compile(r"#\s*E:\s*(?P<codes>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$")


def expected(path: Path) -> set[tuple[int, str]]:
    out = set()
    for n, line in enumerate(path.read_text().splitlines(), 1):
        m = MARK.search(line)
        if m:
            out |= {(n, c.strip()) for c in m["codes"].split(",")}
    return out


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_error_case(path: Path) -> None:
    want = expected(path)
    assert want, f"{path.name} marks no expected error"
    with pytest.raises(SpecError) as e:
        compile_file(str(path), CATALOG)
    got = {(d.span.line if d.span else 0, d.code) for d in e.value.diagnostics}
    assert got == want, "\n".join(render(d) for d in e.value.diagnostics)
    for d in e.value.diagnostics:
        text = render(d)
        assert (
            text.startswith(f"{path}:{d.span.line}:{d.span.col}: error[{d.code}]")
            if d.span
            else True
        )
        assert "^" in text, text


def test_table_covers_both_formats() -> None:
    assert len(CASES) >= 30
    assert {p.suffix for p in CASES} == {".toml", ".yaml"}
