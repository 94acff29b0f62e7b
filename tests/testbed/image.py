"""The Debian images every disposable host is made from, built once per machine.

``mmdebstrap`` makes a minimal bookworm root from this machine's own apt
sources: ``minbase`` plus sshd, sudo, procps, iproute2 and CA certificates
(the ``tiny`` image), and systemd with dbus on top for the ``systemd`` image.
``customize.sh`` (beside this file) makes what every host shares. The result
is kept as a tarball under ``HOME/cache``, outside the repository; its name
carries a hash of everything that went into it, so a change to the package
list or the hook builds a new image instead of reusing a stale one.

Builds and extractions take an exclusive ``flock`` on ``HOME/cache/.lock``, so
concurrent test sessions build an image once and then share it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Init = Literal["tiny", "systemd"]

HOME = Path(os.environ.get("SPECOPS_TESTBED", "/var/tmp/specops-testbed"))
CACHE = HOME / "cache"
SUITE = "bookworm"
HOOK = Path(__file__).with_name("customize.sh")
PACKAGES: dict[Init, tuple[str, ...]] = {
    "tiny": ("openssh-server", "sudo", "procps", "iproute2", "ca-certificates"),
    "systemd": (
        "openssh-server",
        "sudo",
        "procps",
        "iproute2",
        "ca-certificates",
        "systemd",
        "systemd-sysv",
        "dbus",
    ),
}
TOOLS = ("mmdebstrap", "tar", "unshare", "setpriv", "ssh", "ssh-keygen")


class TestbedError(RuntimeError):
    """A disposable host or image could not be made; the message says why."""

    __test__ = False  # not a test class, whatever its name


@dataclass(frozen=True)
class Image:
    init: Init
    tarball: Path
    rootfs: Path  # the tarball extracted once: the lower layer of overlay roots


def sources() -> Path:
    """This machine's apt sources, which the image uses as they are (same mirror)."""
    for candidate in ("/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"):
        p = Path(candidate)
        if p.is_file() and p.stat().st_size > 0:
            return p
    raise TestbedError("no apt sources (/etc/apt/sources.list.d/debian.sources) to build from")


def image(init: Init = "tiny") -> Image:
    """Where the ``init`` image lives (it may not be built yet: see ``ensure``)."""
    h = hashlib.sha256()
    h.update(SUITE.encode())
    h.update(",".join(PACKAGES[init]).encode())
    h.update(HOOK.read_bytes())
    stem = f"{SUITE}-{init}-{h.hexdigest()[:10]}"
    return Image(init, CACHE / f"{stem}.tar", CACHE / f"{stem}.rootfs")


def missing_tools() -> list[str]:
    """What this machine lacks to build images and start hosts (empty when ready)."""
    out = [] if os.geteuid() == 0 else ["root (namespaces, mounts and mmdebstrap need it)"]
    return out + [t for t in TOOLS if shutil.which(t) is None]


@contextmanager
def _locked() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure(init: Init = "tiny", extracted: bool = False) -> Image:
    """The ``init`` image, built first when this machine has none (30-60 s).

    ``extracted`` also makes sure the tarball is unpacked once into ``rootfs``.
    """
    img = image(init)
    with _locked():
        if not img.tarball.is_file():
            _build(img)
        if extracted and not (img.rootfs / ".complete").exists():
            shutil.rmtree(img.rootfs, ignore_errors=True)
            img.rootfs.mkdir(parents=True)
            untar(img.tarball, img.rootfs)
            (img.rootfs / ".complete").touch()
    return img


def _build(img: Image) -> None:
    missing = missing_tools()
    if missing:
        raise TestbedError("cannot build the test-bed image; missing: " + ", ".join(missing))
    partial = img.tarball.with_suffix(f".partial.{os.getpid()}")
    argv = [
        "mmdebstrap",
        "--quiet",
        "--mode=root",
        "--variant=minbase",
        "--include=" + ",".join(PACKAGES[img.init]),
        f'--customize-hook={HOOK} "$1"',
        "--format=tar",
        SUITE,
        str(partial),
        str(sources()),
    ]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=1200)
        if r.returncode != 0:
            raise TestbedError(
                f"mmdebstrap failed ({r.returncode}) building {img.tarball.name}:\n"
                + r.stderr[-3000:]
            )
        partial.replace(img.tarball)
    finally:
        partial.unlink(missing_ok=True)


def untar(tarball: Path, into: Path) -> None:
    r = subprocess.run(
        ["tar", "-C", str(into), "--numeric-owner", "-xpf", str(tarball)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        raise TestbedError(f"extracting {tarball} into {into} failed:\n{r.stderr[-2000:]}")


def root_copy(into: Path, init: Init = "tiny") -> Path:
    """A fresh, private copy of the image's root in ``into`` (a chroot; ~200 MB)."""
    into.mkdir(parents=True, exist_ok=True)
    untar(ensure(init).tarball, into)
    return into
