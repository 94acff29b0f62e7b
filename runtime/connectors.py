"""Connectors: how commands reach a host. One contract, several transports.

A ``Connector`` runs a command (optionally feeding stdin) and returns a
``Result`` data object; rendering never appears here. ``SshConnector`` is a
thin adapter over Fabric's ``Connection`` (with TCP_NODELAY set, which turns a
~48 ms exchange into ~4 ms on loopback), ``LocalConnector`` runs ``/bin/sh``
here, ``FakeConnector`` answers from a function, for unit tests of the
executor (like ``invoke.MockContext``).

Why commands do not go through invoke's ``Runner`` (``Connection.run``,
``Context.run``): it feeds stdin one byte per 10 ms sleep when the stream is
not a terminal, so a 1 KB apply script took ~10 s, and its reader threads add
~150 ms per command. specops sends whole scripts on stdin, so both connectors
execute through a small exec loop of their own (``_exec_channel`` on the
transport Fabric opened, ``subprocess`` locally).
"""

from __future__ import annotations

import select
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from specops.compiler.ir import Connection


@dataclass(frozen=True)
class Result:
    command: str
    exited: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exited == 0


class ConnectError(Exception):
    """A host could not be reached; ``hint`` says what to try."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class Connector(Protocol):
    round_trips: int

    def open(self) -> None: ...

    def run(
        self, command: str, *, stdin: str | None = None, timeout: float | None = None
    ) -> Result: ...

    def close(self) -> None: ...


class LocalConnector:
    """Runs commands on this machine with /bin/sh."""

    def __init__(self) -> None:
        self.round_trips = 0

    def open(self) -> None:
        pass

    def run(
        self, command: str, *, stdin: str | None = None, timeout: float | None = None
    ) -> Result:
        self.round_trips += 1
        try:
            p = subprocess.run(
                ["/bin/sh", "-c", command],
                input=(stdin or "").encode(),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as e:
            return Result(command, 124, _text(e.stdout), _text(e.stderr) + "\ntimed out")
        return Result(command, p.returncode, _text(p.stdout), _text(p.stderr))

    def close(self) -> None:
        pass


def _text(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode("utf-8", "surrogateescape")


def _exec_channel(transport: Any, command: str, stdin: str | None, timeout: float | None) -> Result:
    """Run one command on a new session channel; stdin is written whole by a helper thread."""
    chan = transport.open_session(timeout=timeout)
    try:
        chan.exec_command(command)

        def feed() -> None:
            try:
                if stdin:
                    chan.sendall(stdin.encode("utf-8", "surrogateescape"))
                chan.shutdown_write()
            except OSError:  # the command exited without reading all of its input
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: list[bytes] = []
        err: list[bytes] = []
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            if chan.recv_ready():
                out.append(chan.recv(65536))
            elif chan.recv_stderr_ready():
                err.append(chan.recv_stderr(65536))
            elif chan.exit_status_ready():
                break
            else:
                left = deadline - time.monotonic() if deadline else 1.0
                if left <= 0:
                    return Result(
                        command, 124, _text(b"".join(out)), _text(b"".join(err)) + "\ntimed out"
                    )
                select.select([chan], [], [], min(left, 1.0))
        # Output can still arrive between the exit status and EOF.
        while not chan.eof_received or chan.recv_ready() or chan.recv_stderr_ready():
            if chan.recv_ready():
                out.append(chan.recv(65536))
            elif chan.recv_stderr_ready():
                err.append(chan.recv_stderr(65536))
            elif not select.select([chan], [], [], 1.0)[0] and chan.closed:
                break
        writer.join(timeout=1.0)
        return Result(command, chan.recv_exit_status(), _text(b"".join(out)), _text(b"".join(err)))
    finally:
        chan.close()


class SshConnector:
    """Runs commands over one SSH connection (Fabric), host keys verified."""

    def __init__(
        self, target: Connection, connect_timeout: float = 10.0, accept_new_host_keys: bool = False
    ) -> None:
        import fabric
        import paramiko

        self.round_trips = 0
        self.target = target
        kwargs: dict[str, object] = {}
        key = target.options.get("key")
        if key:
            kwargs.update(key_filename=key, look_for_keys=False)
        self.conn = fabric.Connection(
            host=target.address,
            user=target.user,
            port=target.port or 22,
            connect_timeout=connect_timeout,
            connect_kwargs=kwargs,
        )
        client = self.conn.client
        # Fabric accepts unknown host keys by default; specops verifies them.
        client.set_missing_host_key_policy(
            paramiko.AutoAddPolicy() if accept_new_host_keys else paramiko.RejectPolicy()
        )
        for known in (Path.home() / ".ssh" / "known_hosts", target.options.get("known_hosts")):
            if known and Path(known).is_file():
                client.load_host_keys(str(known))

    def open(self) -> None:
        try:
            self.conn.open()
        except BaseException as e:
            # Fabric's close() is a no-op after a failed open; paramiko's socket is not.
            self.conn.client.close()
            raise self._explain(e) from None
        sock = self.conn.transport.sock
        if hasattr(sock, "setsockopt"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _explain(self, e: BaseException) -> BaseException:
        import paramiko

        where = self.target.target
        if isinstance(e, paramiko.BadHostKeyException):
            return ConnectError(
                f"{where}: host key does not match known_hosts",
                "if the host was rebuilt, remove its old key from known_hosts",
            )
        if isinstance(e, paramiko.AuthenticationException):
            return ConnectError(
                f"{where}: authentication failed ({e})",
                'check the user and the key (key = "path" in the host)',
            )
        if isinstance(e, paramiko.SSHException):
            hint = None
            if "known_hosts" in str(e):
                hint = 'add the host key to known_hosts (ssh-keyscan), or set known_hosts = "file"'
            return ConnectError(f"{where}: {e}", hint)
        if isinstance(e, OSError | EOFError):
            return ConnectError(
                f"{where}: cannot connect ({e.__class__.__name__}: {e})",
                "is the host up and sshd listening on that port?",
            )
        return e

    def run(
        self, command: str, *, stdin: str | None = None, timeout: float | None = None
    ) -> Result:
        self.round_trips += 1
        return _exec_channel(self.conn.transport, command, stdin, timeout)

    def close(self) -> None:
        self.conn.close()


@dataclass
class FakeConnector:
    """Answers every command from ``handler(command, stdin)``; records what it was sent."""

    handler: Callable[[str, str | None], Result]
    calls: list[tuple[str, str | None]] = field(default_factory=list)
    round_trips: int = 0

    def open(self) -> None:
        pass

    def run(
        self, command: str, *, stdin: str | None = None, timeout: float | None = None
    ) -> Result:
        self.round_trips += 1
        self.calls.append((command, stdin))
        return self.handler(command, stdin)

    def close(self) -> None:
        pass


def connect(target: Connection, accept_new_host_keys: bool = False) -> Connector:
    if target.kind == "local":
        return LocalConnector()
    if target.kind == "ssh":
        return SshConnector(target, accept_new_host_keys=accept_new_host_keys)
    raise ConnectError(f"{target.target}: the {target.kind} connector is not available yet")
