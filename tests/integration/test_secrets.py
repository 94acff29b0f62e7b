"""A planted secret never shows in plan text, plan JSON, apply output, errors or IR dumps,
yet reaches the host exactly."""

from __future__ import annotations

from pathlib import Path

from tests.cli import specops

SECRET = "pl4nted-s3cret-value"

ENV = {"APP_TOKEN": SECRET}  # read by the spec's env() call


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
        specops("compile", "site.toml", cwd=tmp_path, env=ENV, code=0),
        specops("compile", "site.toml", "--origins", cwd=tmp_path, env=ENV, code=0),
        specops("plan", "site.toml", cwd=tmp_path, env=ENV, code=0),
        specops("plan", "site.toml", "--json", cwd=tmp_path, env=ENV, code=0),
        # the echo op fails, and its output is scrubbed
        specops("apply", "site.toml", "--yes", cwd=tmp_path, env=ENV, code=3),
        specops("apply", "site.toml", "--yes", "--json", cwd=tmp_path, env=ENV, code=3),
        specops("vars", "site.toml", "@local", cwd=tmp_path, env=ENV, code=0),
    ]
    for r in outputs:
        assert SECRET not in r.stdout + r.stderr, r.args
    assert "(sensitive)" in outputs[0].stdout and "(sensitive)" in outputs[2].stdout
    assert "leaked (sensitive)" in outputs[4].stdout
    assert (root / "token").read_text() == f"token={SECRET}\npassword={SECRET}-db\n"
    assert oct((root / "token").stat().st_mode & 0o777) == "0o600"
