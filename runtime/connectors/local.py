"""The local connector: commands run here with ``/bin/sh``, files are written here.

Also the base of every transport that reaches its host through a local
program (``chroot``, ``docker exec``, ``kubectl exec``): a subclass says how
to wrap a shell command into an argv, and inherits the exec loop.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

from .base import OutputSink, Result, TransferError, encode, run_process, stop, text


class ProcessConnector:
    """Runs each command as a local process built by ``argv``."""

    def __init__(self) -> None:
        self.round_trips = 0
        self.live: set[subprocess.Popen[bytes]] = set()  # commands running now

    def argv(self, command: str) -> list[str]:
        raise NotImplementedError

    def open(self) -> None:
        pass

    def run(
        self,
        command: str,
        *,
        stdin: str | None = None,
        timeout: float | None = None,
        on_output: OutputSink | None = None,
        keep_stdin: bool = False,
    ) -> Result:
        code, out, err = self.run_bytes(command, encode(stdin), timeout, on_output, keep_stdin)
        return Result(command, code, text(out), text(err))

    def run_bytes(
        self,
        command: str,
        stdin: bytes = b"",
        timeout: float | None = None,
        on_output: OutputSink | None = None,
        keep_stdin: bool = False,
    ) -> tuple[int, bytes, bytes]:
        """``run`` with bytes in and out (file transfers must not be decoded)."""
        self.round_trips += 1
        return run_process(
            self.argv(command), command, stdin, timeout, on_output, keep_stdin, self.live
        )

    def close(self) -> None:
        stop(self.live)


class LocalConnector(ProcessConnector):
    """Runs commands on this machine with /bin/sh; files are written with Python."""

    def argv(self, command: str) -> list[str]:
        return ["/bin/sh", "-c", command]

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None:
        target = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.specops-")
        except OSError as e:
            raise TransferError(f"cannot write {path}: {e.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                os.fchmod(f.fileno(), mode)
            os.replace(tmp, target)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise TransferError(f"cannot write {path}: {e.strerror}") from None

    def get(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except FileNotFoundError:
            raise
        except OSError as e:
            raise TransferError(f"cannot read {path}: {e.strerror}") from None
