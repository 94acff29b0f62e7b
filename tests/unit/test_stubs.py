"""specops/ops.pyi: generated from the catalog, checked in, and what mypy reads of a deploy."""

from __future__ import annotations

import sys
from pathlib import Path

from mypy import api

from specops.runtime.stubs import annotation, stubs

CHECKED_IN = Path(__file__).parents[2] / "specops" / "ops.pyi"

DEPLOY = """\
from specops import secret
from specops.ops import app, files, server

files.directory(path="/srv/app", mode=0o750, _tags=["base"], _become=True)
files.file(path="/srv/app/a.conf", content="x\\n", mode="0640", _requires="dir")
server.shell(command="true", creates="/tmp/x", _notify=["reload"])
app.anything(whatever=1)  # a family only a user module adds: open
files.file(path="/etc/app.key", content=secret("k"), mode="0600")
files.directory(path="/srv/app", mdoe="0755")
files.directory(path=1)
files.directry(path="/srv")
server.shell(command="true", _become=3)
"""


def test_the_checked_in_stubs_are_current() -> None:
    assert CHECKED_IN.read_text() == stubs(), (
        "run: python -m specops.runtime.stubs > specops/ops.pyi"
    )


def test_annotations_read_as_python() -> None:
    from typing import Any, Literal

    assert annotation(str | None) == "str | None"
    assert annotation(list[str]) == "list[str]"
    assert annotation(dict[str, int | str]) == "dict[str, int | str]"
    assert annotation(Literal["a", "b"]) == "Literal['a', 'b']"
    assert annotation(Any) == "Any"


def test_mypy_completes_good_calls_and_flags_bad_ones(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy.py"
    deploy.write_text(DEPLOY)
    limit = sys.getrecursionlimit()
    try:
        out, err, code = api.run(
            ["--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"), str(deploy)]
        )
    finally:
        # mypy raises the interpreter's recursion limit for good; the tests that check
        # deep nesting becomes a diagnostic (test_expr) need it back where it was.
        sys.setrecursionlimit(limit)
    errors = [ln.split(": error: ")[1] for ln in out.splitlines() if ": error: " in ln]
    lines = [int(ln.split(":")[1]) for ln in out.splitlines() if ": error: " in ln]
    assert code == 1, out + err
    assert lines == [9, 10, 11, 12], out
    assert errors[0].startswith('Unexpected keyword argument "mdoe" for "directory"')
    assert 'has incompatible type "int"; expected "str"' in errors[1]
    assert errors[2].startswith('"_Files" has no attribute "directry"; maybe "directory"?')
    assert 'Argument "_become" to "shell"' in errors[3]
