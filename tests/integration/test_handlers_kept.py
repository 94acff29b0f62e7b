"""A handler notified in a run that failed before it ran is still run by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def specops(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "specops", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_pending_notification_survives_a_failed_run(tmp_path: Path) -> None:
    home, root = tmp_path / "home", tmp_path / "root"
    home.mkdir()
    root.mkdir()
    (root / "break").write_text("")
    spec = tmp_path / "site.toml"
    spec.write_text(
        f'[vars]\nroot = "{root}"\n'
        '[ops.config]\nop = "files.file"\npath = "${root}/app.conf"\ncontent = "v2\\n"\n'
        'notify = ["restart"]\n'
        '[ops.flaky]\nop = "server.shell"\ncommand = "test ! -e ${root}/break"\n'
        '[handlers.restart]\nop = "server.shell"\ncommand = "echo restarted >> ${root}/restarts"\n'
    )
    first = specops(home, "apply", str(spec), "--yes")
    assert first.returncode == 3, first.stdout + first.stderr
    assert "restart" in first.stdout and "not run" in first.stdout
    assert (root / "app.conf").read_text() == "v2\n" and not (root / "restarts").exists()

    (root / "break").unlink()
    second = specops(home, "plan", str(spec))
    assert "! restart" in second.stdout, (
        second.stdout
    )  # the config is unchanged, the handler is due
    assert specops(home, "apply", str(spec), "--yes").returncode == 0
    assert (root / "restarts").read_text() == "restarted\n"

    third = specops(home, "apply", str(spec), "--yes")
    assert third.returncode == 0 and (root / "restarts").read_text() == "restarted\n"
    assert list((home / ".specops" / "pending").iterdir()) == []
