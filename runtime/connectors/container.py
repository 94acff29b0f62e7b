"""What the container connectors (docker, podman, kubectl) share: exec for commands, ``cp`` in.

A subclass names its program and builds the ``exec`` and ``cp`` argvs.
``put`` copies to a temp name beside the target, then one ``exec`` sets the
mode and renames it into place, so a reader never sees half a file (``cp``
alone writes in place). ``get`` prints the file with ``cat`` through ``exec``.
"""

from __future__ import annotations

import posixpath
import secrets
import tempfile
from pathlib import Path

from specops.compiler.ir import Connection
from specops.runtime.core.command import raw, sh

from .base import MISSING_EXIT, ConnectError, TransferError, get_script, run_process, text
from .local import ProcessConnector


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
        # Read with cat through exec rather than cp: cp's handling of a symlink at the
        # source differs between engines (podman cp has no -L; kubectl cp archives the
        # link), and its messages for a missing file differ too.
        code, out, err = self.run_bytes(get_script(path))
        if code == MISSING_EXIT:
            raise FileNotFoundError(f"{path} does not exist in {self.target.target}")
        if code != 0:
            where = self.target.target
            raise TransferError(f"cannot read {path} in {where}: {text(err).strip()}")
        return out
