"""Fixtures of the integration tests: a real Debian root, and stand-in docker/kubectl on PATH."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import roots

STANDINS = Path(__file__).resolve().parents[1] / "standins"


@pytest.fixture(scope="session")
def debian_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real minimal Debian root (sudo, coreutils, tar), extracted once per session."""
    missing = roots.prerequisites()
    if missing:
        pytest.fail(
            "the chroot/docker/kubectl contract tests need: " + ", ".join(missing), pytrace=False
        )
    try:
        return roots.extract(tmp_path_factory.mktemp("debian-root"))
    except roots.RootError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def standins(debian_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Stand-in docker/kubectl first on PATH; container "web" and pod "apps/api" are the root."""
    dirs = tmp_path_factory.mktemp("standin-roots")
    (dirs / "web").symlink_to(debian_root)
    (dirs / "apps").mkdir()
    (dirs / "apps" / "api").symlink_to(debian_root)
    saved = {k: os.environ.get(k) for k in ("PATH", "SPECOPS_STANDIN_ROOTS")}
    os.environ["PATH"] = f"{STANDINS}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["SPECOPS_STANDIN_ROOTS"] = str(dirs)
    try:
        yield dirs
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
