"""Shared by the stand-in ``docker`` and ``kubectl`` executables (see README.md here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOTS = Path(os.environ.get("SPECOPS_STANDIN_ROOTS", "/nonexistent"))


def root_of(name: str) -> Path | None:
    """The root directory standing in for container or pod ``name``, if there is one."""
    path = ROOTS / name
    return path.resolve() if path.is_dir() else None


def exec_in(
    root: Path, argv: list[str], user: str | None = None, workdir: str | None = None
) -> None:
    """Become ``argv`` run inside ``root``: exit code, stdin and signals pass through."""
    cmd = ["chroot"]
    if user:
        cmd.append(f"--userspec={user}")
    cmd.append(str(root))
    if workdir:
        cmd += ["sh", "-c", 'cd "$0" && exec "$@"', workdir]
    os.execvp("chroot", [*cmd, *argv])


def inside(root: Path, path: str) -> Path:
    """Where ``path`` of the container is on this machine, its symlinks resolved inside ``root``."""
    r = subprocess.run(
        ["chroot", str(root), "readlink", "-m", "--", path],
        capture_output=True,
        text=True,
        check=False,
    )
    resolved = r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else path
    return root / resolved.lstrip("/")


def fail(message: str, code: int = 1) -> None:
    sys.stderr.write(message + "\n")
    sys.exit(code)
