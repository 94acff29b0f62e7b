"""Run the specops command line as a user would, and check its exit code every time.

Every test that runs the CLI goes through ``specops``: the expected exit code is a
required argument, so no call can forget to check it (specops.exitcodes.Exit names them).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from specops.exitcodes import Exit


def specops(
    *args: str,
    code: Exit | int,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str = "",
    timeout: float = 600,
    launcher: Sequence[str] = (sys.executable, "-m", "specops"),
) -> subprocess.CompletedProcess[str]:
    """``python -m specops ARGS`` with plain, wide output; fails unless it exits ``code``.
    ``launcher`` replaces ``python -m specops`` (e.g. to run a modified copy of the code)."""
    full = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    r = subprocess.run(
        [*launcher, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full,
        input=stdin,
        timeout=timeout,
    )
    assert r.returncode == code, (
        f"specops {' '.join(args)}: exit {r.returncode}, expected {int(code)}\n"
        f"--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}"
    )
    return r
