"""A handler notified in a run that failed before it ran is still run by the next run."""

from __future__ import annotations

from pathlib import Path

from tests.cli import specops


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
    env = {"HOME": str(home)}  # where pending notifications are kept
    first = specops("apply", str(spec), "--yes", env=env, code=3)
    assert "restart" in first.stdout and "not run" in first.stdout
    assert (root / "app.conf").read_text() == "v2\n" and not (root / "restarts").exists()

    (root / "break").unlink()
    second = specops("plan", str(spec), env=env, code=0)
    assert "! restart" in second.stdout, (
        second.stdout
    )  # the config is unchanged, the handler is due
    specops("apply", str(spec), "--yes", env=env, code=0)
    assert (root / "restarts").read_text() == "restarted\n"

    specops("apply", str(spec), "--yes", env=env, code=0)
    assert (root / "restarts").read_text() == "restarted\n"
    assert list((home / ".specops" / "pending").iterdir()) == []
