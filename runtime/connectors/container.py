"""What the docker and kubectl connectors share: exec for commands, ``cp`` for files.

A subclass names its program and builds the ``exec`` and ``cp`` argvs.
``put`` copies to a temp name beside the target, then one ``exec`` sets the
mode and renames it into place, so a reader never sees half a file (``cp``
alone writes in place). ``get`` copies into a private local directory.
"""

from __future__ import annotations

import posixpath
import secrets
import tempfile
from pathlib import Path

from specops.compiler.ir import Connection

from ..command import raw, sh
from .base import ConnectError, TransferError, run_process, text
from .local import ProcessConnector

_MISSING_MARKS = ("could not find the file", "no such file or directory", "cannot stat")


class ContainerConnector(ProcessConnector):
    program = ""
    hint = ""

    def __init__(self, target: Connection) -> None:
        super().__init__()
        self.target = target
        self.name = str(target.address or "")

    def remote(self, path: str) -> str:
        """``path`` inside the container as ``cp`` spells it."""
        raise NotImplementedError

    def cp_argv(self, src: str, dst: str) -> list[str]:
        raise NotImplementedError

    def open(self) -> None:
        # exec tells a missing container or a dead daemon from a failing command
        # only by its message, so one probe decides reachability up front.
        r = self.run("true")
        if not r.ok:
            lines = r.stderr.strip().splitlines()
            raise ConnectError(
                f"{self.target.target}: {lines[-1] if lines else f'exit code {r.exited}'}",
                self.hint,
            )

    def _cp(self, src: str, dst: str) -> tuple[int, str]:
        self.round_trips += 1
        code, _, err = run_process(self.cp_argv(src, dst), f"{self.program} cp", b"", None)
        return code, text(err).strip()

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None:
        directory = posixpath.dirname(path) or "/"
        tmp = posixpath.join(directory, f".specops-put.{secrets.token_hex(6)}")
        with tempfile.TemporaryDirectory(prefix="specops-put-") as local:
            src = Path(local, "data")
            src.write_bytes(data)
            src.chmod(mode)
            code, err = self._cp(str(src), self.remote(tmp))
        if code != 0:
            raise TransferError(f"cannot write {path} in {self.target.target}: {err}")
        finish = sh("chmod", format(mode, "04o"), tmp, raw("&&"), "mv", "-f", tmp, path)
        r = self.run(finish.render())
        if not r.ok:
            self.run(sh("rm", "-f", tmp).render())
            raise TransferError(f"cannot write {path} in {self.target.target}: {r.stderr.strip()}")

    def get(self, path: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="specops-get-") as local:
            dst = Path(local, "data")
            code, err = self._cp(self.remote(path), str(dst))
            missing = any(m in err.lower() for m in _MISSING_MARKS)
            if missing or (code == 0 and not dst.exists() and not dst.is_symlink()):
                raise FileNotFoundError(f"{path} does not exist in {self.target.target}")
            if code != 0:
                raise TransferError(f"cannot read {path} in {self.target.target}: {err}")
            if not dst.is_file():
                raise TransferError(f"cannot read {path} in {self.target.target}: not a file")
            return dst.read_bytes()
