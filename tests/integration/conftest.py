"""Fixtures of the integration tests: a real Debian root, a real podman container, and
stand-in docker/kubectl on PATH."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import roots
from tests.testbed import TestbedError, podman

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


@pytest.fixture(scope="session")
def podman_env() -> Iterator[None]:
    """The test bed's podman settings in this process's environment (specops inherits them)."""
    missing = podman.missing()
    if missing:
        pytest.fail(
            "the podman tests need: " + ", ".join(missing) + " (tests/run.sh installs them)"
        )
    saved = os.environ.get("CONTAINERS_CONF")
    os.environ.update(podman.configure())
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("CONTAINERS_CONF", None)
        else:
            os.environ["CONTAINERS_CONF"] = saved


@pytest.fixture(scope="session")
def podman_container(podman_env: None) -> Iterator[str]:
    """A running podman container of the test bed's Debian image, shared by the session."""
    try:
        with podman.container("specops-contract") as name:
            yield name
    except TestbedError as e:
        pytest.fail(str(e), pytrace=False)
