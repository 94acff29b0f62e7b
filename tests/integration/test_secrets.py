"""A planted secret never shows in plan text, plan JSON, apply output, errors or IR dumps,
yet reaches the host exactly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET = "pl4nted-s3cret-value"


def specops(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "APP_TOKEN": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "specops", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_secret_is_redacted_everywhere_but_on_the_host(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (tmp_path / "secrets.yaml").write_text(f"db_password: {SECRET}-db\n")
    (tmp_path / "site.toml").write_text(
        'secrets = "secrets.yaml"\n'
        "[ops.dir]\n"
        f'op = "files.directory"\npath = "{root}"\n'
        "[ops.token]\n"
        f'op = "files.file"\npath = "{root}/token"\n'
        "content = \"token=${ env('APP_TOKEN') }\\npassword=${db_password}\\n\"\n"
        'mode = "0600"\n'
        "[ops.echo]\n"
        'op = "server.shell"\n'
        "command = \"echo leaked ${ env('APP_TOKEN') }; exit 3\"\n"
    )
    outputs = [
        specops("compile", "site.toml", cwd=tmp_path),
        specops("compile", "site.toml", "--origins", cwd=tmp_path),
        specops("plan", "site.toml", cwd=tmp_path),
        specops("plan", "site.toml", "--json", cwd=tmp_path),
        specops("apply", "site.toml", "--yes", cwd=tmp_path),
        specops("apply", "site.toml", "--yes", "--json", cwd=tmp_path),
        specops("vars", "site.toml", "@local", cwd=tmp_path),
    ]
    for r in outputs:
        assert SECRET not in r.stdout + r.stderr, r.args
    assert "(sensitive)" in outputs[0].stdout and "(sensitive)" in outputs[2].stdout
    assert outputs[4].returncode == 3  # the echo op failed, and its output was scrubbed
    assert "leaked (sensitive)" in outputs[4].stdout
    assert (root / "token").read_text() == f"token={SECRET}\npassword={SECRET}-db\n"
    assert oct((root / "token").stat().st_mode & 0o777) == "0o600"
