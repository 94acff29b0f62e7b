"""The chroot connector: commands run as ``chroot DIR /bin/sh -c …``.

Files move through the chroot too (``put`` runs an atomic ``cat > temp; mv``
inside it, ``get`` a ``cat``) rather than by copying to ``DIR + path`` from
outside: an absolute symlink inside the root (``/etc/resolv.conf ->
/run/...``) must resolve inside the root, and outside it would land on this
machine's own file. Needs root (``chroot(2)``); nothing is mounted, so the
root sees only what its directory holds (no ``/proc`` unless it has one).
"""

from __future__ import annotations

import os
from pathlib import Path

from specops.compiler.ir import Connection

from .base import MISSING_EXIT, ConnectError, TransferError, get_script, put_script, text
from .local import ProcessConnector


class ChrootConnector(ProcessConnector):
    """Runs commands inside the directory ``target.address`` with chroot(8)."""

    def __init__(self, target: Connection) -> None:
        super().__init__()
        self.target = target
        self.root = str(target.address or "")

    def open(self) -> None:
        where = self.target.target
        if not Path(self.root).is_dir():
            raise ConnectError(f"{where}: {self.root} is not a directory", "is the root there?")
        shell = Path(self.root, "bin/sh")
        if not (shell.exists() or shell.is_symlink()):
            raise ConnectError(
                f"{where}: {self.root} has no /bin/sh",
                "a chroot target needs a root filesystem with a shell (mmdebstrap, debootstrap)",
            )
        if os.geteuid() != 0:
            raise ConnectError(f"{where}: chroot needs root", "run specops as root (or with sudo)")

    def argv(self, command: str) -> list[str]:
        return ["chroot", self.root, "/bin/sh", "-c", command]

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None:
        code, _, err = self.run_bytes(put_script(path, mode), data)
        if code != 0:
            raise TransferError(f"cannot write {path} in {self.root}: {text(err).strip()}")

    def get(self, path: str) -> bytes:
        code, out, err = self.run_bytes(get_script(path))
        if code == MISSING_EXIT:
            raise FileNotFoundError(f"{path} does not exist in {self.root}")
        if code != 0:
            raise TransferError(f"cannot read {path} in {self.root}: {text(err).strip()}")
        return out
