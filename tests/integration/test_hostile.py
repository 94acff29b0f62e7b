"""The hostile-case table: every directory of tests/hostile is one case.

A case holds a spec (``site.toml``, ``site.yaml``) or a deploy (``deploy.py``) with
what it needs beside it, and ``expect.toml``:

| key | meaning |
|---|---|
| ``command`` | compile, plan or apply (on ``@local``), or converge: apply twice, then plan |
| ``exit`` | the exit code |
| ``codes`` | diagnostic codes that must be reported (``error[CODE]``) |
| ``stdout``, ``stderr`` | texts that must appear there |
| ``never`` | texts that must appear nowhere (secrets, raw control characters) |
| ``env`` | environment variables for the run |
| ``fifos`` | names made as FIFOs before the run (reading one would block forever) |
| ``long`` | ``@@LONG@@`` in the spec becomes this many "a"s |
| ``within`` | seconds the run may take (default 60: a hang fails the case) |
| ``max_output`` | at most this many characters of output |

Every case also checks: no traceback, ever.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import tomli

from tests.cli import specops

CASES = sorted(p for p in (Path(__file__).parents[1] / "hostile").iterdir() if p.is_dir())


def test_the_table_has_its_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_hostile_case(case: Path, tmp_path: Path) -> None:
    work = tmp_path / case.name
    shutil.copytree(case, work)
    expect: dict[str, Any] = tomli.loads((work / "expect.toml").read_text())
    for name in expect.get("fifos", []):
        os.mkfifo(work / name)
    spec = next(p for p in work.iterdir() if p.stem in ("site", "deploy") and p.suffix != ".j2")
    if "long" in expect:
        spec.write_text(spec.read_text().replace("@@LONG@@", "a" * int(expect["long"])))
    env: dict[str, str] = expect.get("env", {})
    within = float(expect.get("within", 60))
    command = expect["command"]
    t0 = time.monotonic()
    if command == "converge":
        root = tmp_path / "root"
        args = [str(spec), "--var", f"root={root}"]
        for _ in range(2):
            specops("apply", *args, "--yes", cwd=work, env=env, timeout=within, code=0)
        r = specops(
            "plan", *args, "--detailed-exitcode",
            cwd=work, env=env, timeout=within, code=expect["exit"],
        )  # fmt: skip
    else:
        extra = ["--yes"] if command == "apply" else []
        r = specops(
            command, str(spec), *extra, cwd=work, env=env, timeout=within, code=expect["exit"]
        )
    assert time.monotonic() - t0 < within
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both[-3000:]
    for code in expect.get("codes", []):
        assert f"error[{code}]" in r.stderr, r.stderr[-3000:]
    for text in expect.get("stdout", []):
        assert text in r.stdout, r.stdout[-3000:]
    for text in expect.get("stderr", []):
        assert text in r.stderr, r.stderr[-3000:]
    for text in expect.get("never", []):
        assert text not in both, f"{text!r} was printed"
    if "max_output" in expect:
        assert len(both) <= expect["max_output"], f"{len(both)} characters of output"
