"""docs/spec-language.md: every example compiles (or fails exactly as marked), and the
functions reference is generated from the built-ins (set SPECOPS_UPDATE_GOLDEN=1 to rewrite it)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from specops.compiler import options
from specops.compiler.diagnostics import SpecError
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file
from specops.compiler.functions import builtins
from specops.runtime.catalog import CATALOG
from tests.fixtures import UPDATE, rewrite

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "spec-language.md"
SUPPORT = ROOT / "tests" / "docs_support"
BLOCK = re.compile(r"^```(toml|yaml|python)\n(.*?)^```", re.S | re.M)
MARK = re.compile(r"#\s*E:\s*([a-z0-9-]+)")
FACTS = {"hosts": {"*": {"os": {"id": "debian", "version_codename": "bookworm"}, "arch": "x86_64"}}}


def blocks(kind: str) -> list[str]:
    return [body for k, body in BLOCK.findall(DOC.read_text()) if k == kind]


def functions_section() -> str:
    rows = ["| function | what it does | examples |", "|---|---|---|"]
    for f in builtins(ROOT).values():
        examples = "<br>".join(f"`{e}` → `{r}`" for e, r in f.examples) or "—"
        rows.append(f"| `{f.name}` | {f.doc} | {examples} |")
    return "\n".join(rows)


def test_functions_reference_is_current() -> None:
    text = DOC.read_text()
    start, end = "<!-- functions:start -->\n", "<!-- functions:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    want = f"{head}{start}{functions_section()}\n{end}{tail}"
    if UPDATE:
        rewrite(DOC, want)
    assert text == want, "set SPECOPS_UPDATE_GOLDEN=1 and rerun to regenerate"


@pytest.mark.parametrize(
    ("path", "marker", "python"),
    [(DOC, "options", False), (ROOT / "README.md", "keywords", True)],
)
def test_op_options_reference_is_current(path: Path, marker: str, python: bool) -> None:
    text = path.read_text()
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    want = f"{head}{start}{options.markdown(python)}{end}{tail}"
    if UPDATE:
        rewrite(path, want)
    assert text == want, "set SPECOPS_UPDATE_GOLDEN=1 and rerun to regenerate"


@pytest.mark.parametrize(
    ("kind", "body"),
    [(k, b) for k in ("toml", "yaml") for b in blocks(k)],
    ids=lambda v: v.splitlines()[0][:40] if "\n" in v else v,
)
def test_example_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, body: str
) -> None:
    shutil.copytree(SUPPORT, tmp_path, dirs_exist_ok=True)
    (tmp_path / "lib").mkdir(exist_ok=True)
    (tmp_path / "lib" / "ops.py").write_text(blocks("python")[0])
    (tmp_path / "facts.json").write_text(json.dumps(FACTS))
    spec = tmp_path / f"spec.{kind}"
    spec.write_text(body)
    monkeypatch.setenv("API_TOKEN", "t0k3n-value")
    want = {(n, c) for n, line in enumerate(body.splitlines(), 1) for c in MARK.findall(line)}
    opts = Options(facts=JsonFacts(str(tmp_path / "facts.json")))
    if not want:
        program = compile_file(str(spec), CATALOG, opts)
        assert program.hosts
        return
    with pytest.raises(SpecError) as e:
        compile_file(str(spec), CATALOG, opts)
    assert {(d.span.line if d.span else 0, d.code) for d in e.value.diagnostics} == want
