"""Real podman containers from the test bed's image (rootful, no registry needed).

No image registry is reachable from the machines the tests run on, so the
image is the test bed's own Debian tarball, imported once (``podman import``).
Two engine settings make podman run here, both in the ``containers.conf`` this
module writes and points ``CONTAINERS_CONF`` at: ``runc`` as the OCI runtime
(crun fails on hybrid cgroups) and no default ulimits (raising RLIMIT_NOFILE is
not permitted in this sandbox). Containers get no network (``--network none``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from .image import HOME, Init, TestbedError, _locked, ensure

CONF = HOME / "containers.conf"
_SETTINGS = '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n'


def missing() -> list[str]:
    return [t for t in ("podman", "runc") if shutil.which(t) is None]


def configure() -> dict[str, str]:
    """Write the engine settings; the environment variables every podman call needs."""
    HOME.mkdir(parents=True, exist_ok=True)
    if not CONF.exists() or CONF.read_text() != _SETTINGS:
        tmp = CONF.with_suffix(f".{os.getpid()}")
        tmp.write_text(_SETTINGS)
        tmp.replace(CONF)
    return {"CONTAINERS_CONF": str(CONF)}


def podman(*args: str, check: bool = True, timeout: float = 300) -> str:
    """Run ``podman ARGS`` with the test bed's settings; its stdout."""
    r = subprocess.run(
        ["podman", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **configure()},
    )
    if check and r.returncode != 0:
        raise TestbedError(f"podman {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout.strip()


def image(init: Init = "tiny") -> str:
    """The test bed's image in podman (imported on first use); its name."""
    img = ensure(init)
    name = f"localhost/specops-testbed:{img.tarball.stem}"
    with _locked():
        exists = subprocess.run(
            ["podman", "image", "exists", name], env={**os.environ, **configure()}
        ).returncode
        if exists != 0:
            podman("import", "--quiet", str(img.tarball), name, timeout=600)
    return name


@contextmanager
def container(prefix: str = "specops-test", init: Init = "tiny") -> Iterator[str]:
    """A running container of the test bed's image, removed afterwards; its name."""
    name = f"{prefix}-{secrets.token_hex(4)}"
    podman("run", "-d", "--name", name, "--network", "none", image(init), "sleep", "infinity")
    try:
        yield name
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)
