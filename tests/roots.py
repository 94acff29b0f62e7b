"""A real Debian root directory for chroot (and stand-in docker/kubectl) tests.

The root is the cached image of ``../shared/targets/make-target.sh`` (minimal
bookworm with sudo and openssh-server), built once per machine under
``/var/tmp/specops-targets/cache`` and extracted into a test's temp directory.
Building takes a ``flock`` on ``cache.lock`` beside the cache, and
make-target.sh serialises on its own lock too, so concurrent sessions and
other fixtures using the same cache build it once and reuse the tarball.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

# The same places tests/targets.py uses, so both share one cached image.
BASE = Path(os.environ.get("SPECOPS_TARGETS_BASE", "/var/tmp/specops-targets"))
MAKE_TARGET = Path(
    os.environ.get(
        "SPECOPS_MAKE_TARGET",
        str(Path(__file__).resolve().parents[2] / "shared" / "targets" / "make-target.sh"),
    )
)
CACHE_DIR = BASE / "cache"
TARBALL = CACHE_DIR / "bookworm-sshd.tar"
LOCK = BASE / "cache.lock"


class RootError(RuntimeError):
    """The Debian root could not be made (the message says why)."""


def prerequisites() -> list[str]:
    """What is missing to build and use a Debian root here (empty when all is there)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (chroot and mmdebstrap need it)")
    for tool in ("chroot", "tar", "flock"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if not TARBALL.is_file() and shutil.which("mmdebstrap") is None:
        missing.append("mmdebstrap (apt-get install mmdebstrap; tests/run.sh does)")
    if not MAKE_TARGET.is_file():
        missing.append(str(MAKE_TARGET))
    return missing


def cached_image() -> Path:
    """The cached rootfs tarball, built first if no one has built it yet."""
    BASE.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not TARBALL.is_file() or TARBALL.stat().st_size == 0:
            r = subprocess.run(
                ["bash", str(MAKE_TARGET), "cache"],
                env={**os.environ, "CACHE_DIR": str(CACHE_DIR)},
                capture_output=True,
                text=True,
                check=False,
            )
            if r.returncode != 0 or not TARBALL.is_file():
                raise RootError(f"make-target.sh cache failed ({r.returncode}):\n{r.stderr}")
    return TARBALL


def extract(into: Path) -> Path:
    """A fresh copy of the Debian root in ``into`` (about 200 MB, a few seconds)."""
    into.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["tar", "-C", str(into), "--numeric-owner", "-xpf", str(cached_image())],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0:
        raise RootError(f"extracting {TARBALL} failed:\n{r.stderr}")
    return into
