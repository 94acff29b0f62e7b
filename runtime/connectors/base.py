"""The connector contract every transport implements, and what they share.

A ``Connector`` is opened once per host, then runs commands and moves files:

- ``run(command, stdin=, timeout=, on_output=)`` runs ``command`` with a POSIX
  shell on the host and returns a ``Result`` (exit code, stdout, stderr). A
  timeout is exit code 124 with "timed out" in stderr, never an exception.
  ``on_output(stream, chunk)`` (stream is "stdout" or "stderr") sees output as
  it arrives, for live display; the ``Result`` still holds all of it.
  ``keep_stdin=True`` leaves the command's stdin open after ``stdin`` is
  written, until the command exits: the command then sees end-of-file only if
  the controller went away (see ``supervised``).
- ``put(data, path, mode)`` replaces the file ``path`` atomically (a temp file
  beside it, then a rename); ``get(path)`` returns a file's bytes, raising
  ``FileNotFoundError`` when there is none and ``TransferError`` for any other
  failure.
- ``round_trips`` counts exchanges with the host (the cost model).

A host that cannot be reached raises ``ConnectError`` from ``open`` (or from
the first command, for transports that only find out then). Rendering never
appears here.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from specops.compiler.errors import SpecopsError
from specops.runtime.core.command import sh

OutputSink = Callable[[str, bytes], None]
"""Called with ("stdout" | "stderr", chunk) as a command's output arrives."""

TIMEOUT_EXIT = 124
MISSING_EXIT = 66  # our get/put scripts: the path does not exist


@dataclass(frozen=True)
class Result:
    command: str
    exited: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exited == 0


class ConnectError(SpecopsError):
    """A host could not be reached; ``hint`` says what to try."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class TransferError(SpecopsError):
    """A file could not be copied to or from a host."""


class Connector(Protocol):
    round_trips: int

    def open(self) -> None: ...

    def run(
        self,
        command: str,
        *,
        stdin: str | None = None,
        timeout: float | None = None,
        on_output: OutputSink | None = None,
        keep_stdin: bool = False,
    ) -> Result: ...

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None: ...

    def get(self, path: str) -> bytes: ...

    def close(self) -> None: ...


def text(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode("utf-8", "surrogateescape")


def encode(s: str | None) -> bytes:
    return (s or "").encode("utf-8", "surrogateescape")


def become(command: str, user: str = "root") -> str:
    """``command`` run as ``user`` through ``sudo -n`` (never prompts; fails without rights)."""
    return sh("sudo", "-n", "-H", "-u", user, "--", "sh", "-c", command).render()


def supervised(size: int) -> str:
    """Shell code that runs the next ``size`` bytes of its stdin as a script, and
    stops it if the controller goes away first.

    Run with ``keep_stdin=True``: the script's bytes are read, then a watchdog
    waits for end-of-file on stdin, which comes only when the controller was
    interrupted, killed or lost its connection (a clean run closes stdin after
    the script exited). The watchdog then sends SIGTERM to the script's whole
    process group (``setsid``: apt-get and the rest too), so no op starts after
    the controller is gone. Every write is atomic, so whatever was running ends
    with the old file or the new one. Without ``setsid`` only the shell is
    stopped. The script is piped from a variable, never put on a command line.
    """
    return (
        "exec 3<&0\n"
        f"s=$(head -c {int(size)} <&3; echo .) || exit 125\n"
        "if command -v setsid >/dev/null 2>&1; then\n"
        '  printf %s "${s%.}" | setsid sh -s & job=$! grp=-$!\n'
        "else\n"
        '  printf %s "${s%.}" | sh -s & job=$! grp=$!\n'
        "fi\n"
        "unset s\n"
        # dash's kill takes no "--": "-PID" after the signal is the group
        '{ cat <&3 >/dev/null 2>&1; kill -TERM "$grp"; } >/dev/null 2>&1 &\n'
        "dog=$!\n"
        "exec 3<&-\n"
        'wait "$job"; rc=$?\n'
        'kill "$dog" 2>/dev/null\n'
        'exit "$rc"\n'
    )


def stop(live: set[subprocess.Popen[bytes]]) -> None:
    """Close the stdin of running commands: ``supervised`` scripts stop themselves."""
    for p in list(live):
        with contextlib.suppress(OSError, ValueError):
            if p.stdin is not None:
                p.stdin.close()


def put_script(path: str, mode: int) -> str:
    """Shell code that atomically replaces ``path`` with its stdin, with ``mode``.

    For transports without a file channel of their own (chroot): the temp file
    is made beside the target, so the final ``mv`` is a single rename.
    """
    return (
        f"set -e; p={shlex.quote(path)}; m={format(mode, '04o')}; "
        't=$(mktemp "$(dirname -- "$p")/.specops-put.XXXXXXXX"); '
        'trap \'rm -f "$t"\' EXIT; cat >"$t"; chmod "$m" "$t"; '
        'mv -f "$t" "$p"; trap - EXIT'
    )


def get_script(path: str) -> str:
    """Shell code that prints the file ``path``, or exits 66 when nothing is there."""
    return (
        f"p={shlex.quote(path)}; "
        f'[ -e "$p" ] || [ -L "$p" ] || exit {MISSING_EXIT}; exec cat -- "$p"'
    )


def run_process(
    argv: list[str],
    command: str,
    stdin: bytes,
    timeout: float | None,
    on_output: OutputSink | None = None,
    keep_stdin: bool = False,
    live: set[subprocess.Popen[bytes]] | None = None,
) -> tuple[int, bytes, bytes]:
    """Run ``argv`` feeding ``stdin``; (exit code, stdout, stderr), 124 after ``timeout``.

    The child gets its own session so a timeout ends everything it started
    (``sh -c 'sleep 5'`` leaves no stray ``sleep``). Output is read as it comes,
    so ``on_output`` sees it live and neither pipe can fill up and stall.
    """
    try:
        p = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as e:
        raise ConnectError(
            f"{argv[0]} is not installed here ({e.strerror})",
            f"install {argv[0]} or put it on PATH",
        ) from None
    assert p.stdin is not None and p.stdout is not None and p.stderr is not None
    if live is not None:  # the connector's close() can end it (``stop``)
        live.add(p)
    chunks: dict[str, list[bytes]] = {"stdout": [], "stderr": []}

    def feed() -> None:
        assert p.stdin is not None
        try:
            if stdin:
                p.stdin.write(stdin)
                p.stdin.flush()  # kept open: the buffer would otherwise hold the tail
        except (OSError, ValueError):  # it exited without reading it all, or stop() closed it
            pass
        finally:
            if not keep_stdin:
                with contextlib.suppress(OSError):
                    p.stdin.close()

    def drain(name: str) -> None:
        stream = p.stdout if name == "stdout" else p.stderr
        assert stream is not None
        while True:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            chunks[name].append(chunk)
            if on_output is not None:
                on_output(name, chunk)

    threads = [threading.Thread(target=feed, daemon=True)]
    threads += [threading.Thread(target=drain, args=(n,), daemon=True) for n in chunks]
    for t in threads:
        t.start()
    timed_out = False
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        if keep_stdin:  # a supervised script stops its own process group (setsid)
            with contextlib.suppress(OSError, ValueError):
                p.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    if live is not None:
        live.discard(p)
    if keep_stdin:
        with contextlib.suppress(OSError):
            p.stdin.close()
    # A background child that kept the pipes open must not hold us forever.
    deadline = time.monotonic() + (1.0 if timed_out else 5.0)
    for t in threads[1:]:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    if not any(t.is_alive() for t in threads[1:]):
        p.stdout.close()
        p.stderr.close()
    out, err = b"".join(chunks["stdout"]), b"".join(chunks["stderr"])
    if timed_out:
        return TIMEOUT_EXIT, out, err + b"\ntimed out"
    return p.returncode, out, err
