"""The SSH connector: a thin adapter over Fabric's ``Connection``.

Fabric connects (config, keys, the host key policy); commands then run on a
session channel of its transport through our own exec loop, and files move
over SFTP on that same connection. TCP_NODELAY is set on the socket, which
turns a ~48 ms exchange into ~4 ms on loopback.

Why commands do not go through invoke's ``Runner`` (``Connection.run``):
it feeds stdin one byte per 10 ms sleep when the stream is not a terminal, so
a 1 KB apply script took ~10 s, and its reader threads add ~150 ms per
command. specops sends whole scripts on stdin.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import secrets
import select
import socket
import threading
import time
from pathlib import Path
from typing import Any

from specops.compiler.ir import Connection

from .base import TIMEOUT_EXIT, ConnectError, OutputSink, Result, TransferError, encode, text

LOST_EXIT = 255  # as ssh(1) exits when the connection fails

# paramiko logs transport failures ("Exception (client): Error reading SSH protocol
# banner"); with no handler, Python prints them raw on stderr. specops reports them
# itself, with the host.
logging.getLogger("paramiko").addHandler(logging.NullHandler())


def _exec_channel(
    transport: Any,
    command: str,
    stdin: str | None,
    timeout: float | None,
    on_output: OutputSink | None = None,
    keep_stdin: bool = False,
) -> Result:
    """Run one command on a new session channel; stdin is written whole by a helper thread.

    With ``keep_stdin`` the channel's stdin stays open until the command exits
    (closing the channel at the end sends the end-of-file).
    """
    chan = transport.open_session(timeout=timeout)
    try:
        chan.exec_command(command)

        def feed() -> None:
            try:
                if stdin:
                    chan.sendall(encode(stdin))
                if not keep_stdin:
                    chan.shutdown_write()
            except OSError:  # the command exited without reading all of its input
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: list[bytes] = []
        err: list[bytes] = []

        def take(into: list[bytes], stream: str, chunk: bytes) -> None:
            into.append(chunk)
            if on_output is not None and chunk:
                on_output(stream, chunk)

        deadline = time.monotonic() + timeout if timeout else None
        while True:
            if chan.recv_ready():
                take(out, "stdout", chan.recv(65536))
            elif chan.recv_stderr_ready():
                take(err, "stderr", chan.recv_stderr(65536))
            elif chan.exit_status_ready():
                break
            elif chan.closed or not transport.is_active():
                # The connection died (sshd killed, network gone): no exit status will come.
                stderr = text(b"".join(err)) + "\nconnection lost"
                return Result(command, LOST_EXIT, text(b"".join(out)), stderr)
            else:
                left = deadline - time.monotonic() if deadline else 1.0
                if left <= 0:
                    stderr = text(b"".join(err)) + "\ntimed out"
                    return Result(command, TIMEOUT_EXIT, text(b"".join(out)), stderr)
                select.select([chan], [], [], min(left, 1.0))
        # Output can still arrive between the exit status and EOF.
        while not chan.eof_received or chan.recv_ready() or chan.recv_stderr_ready():
            if chan.recv_ready():
                take(out, "stdout", chan.recv(65536))
            elif chan.recv_stderr_ready():
                take(err, "stderr", chan.recv_stderr(65536))
            elif chan.closed or not transport.is_active():
                break  # no more data will come: do not wait on a dead channel
            else:
                select.select([chan], [], [], 1.0)
        writer.join(timeout=1.0)
        status = chan.recv_exit_status()
        if status == -1:  # paramiko's value when the channel closed without an exit status
            stderr = text(b"".join(err)) + "\nconnection lost"
            return Result(command, LOST_EXIT, text(b"".join(out)), stderr)
        return Result(command, status, text(b"".join(out)), text(b"".join(err)))
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
        # The whole handshake is bounded, not only the TCP connect: a peer that accepts
        # the connection but never speaks SSH would otherwise hold us for paramiko's 15 s
        # banner and 30 s authentication waits.
        kwargs: dict[str, object] = {
            "banner_timeout": connect_timeout,
            "auth_timeout": connect_timeout,
            "channel_timeout": connect_timeout,
        }
        key = target.options.get("key")
        if key:
            kwargs.update(key_filename=key, look_for_keys=False)
        self.conn = fabric.Connection(
            host=target.address,
            user=target.user,
            port=target.port,  # None: ~/.ssh/config or 22
            connect_timeout=connect_timeout,
            connect_kwargs=kwargs,
        )
        # Fabric accepts unknown host keys by default, on every ProxyJump hop too
        # (it makes those connections itself); specops verifies them all.
        hop: object = self.conn
        while isinstance(hop, fabric.Connection):
            hop.client.set_missing_host_key_policy(
                paramiko.AutoAddPolicy() if accept_new_host_keys else paramiko.RejectPolicy()
            )
            for known in (Path.home() / ".ssh" / "known_hosts", target.options.get("known_hosts")):
                if known and Path(known).is_file():
                    hop.client.load_host_keys(str(known))
            hop = hop.gateway

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
            elif "banner" in str(e).lower() or "No existing session" in str(e):
                return ConnectError(
                    f"{where}: no SSH server answered (it accepted the connection but never "
                    "sent an SSH banner)",
                    "is that port an SSH server? check the port, or raise --timeout",
                )
            return ConnectError(f"{where}: {e}", hint)
        if isinstance(e, OSError | EOFError):
            return ConnectError(
                f"{where}: cannot connect ({e.__class__.__name__}: {e})",
                "is the host up and sshd listening on that port?",
            )
        return e

    def run(
        self,
        command: str,
        *,
        stdin: str | None = None,
        timeout: float | None = None,
        on_output: OutputSink | None = None,
        keep_stdin: bool = False,
    ) -> Result:
        self.round_trips += 1
        return _exec_channel(self.conn.transport, command, stdin, timeout, on_output, keep_stdin)

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None:
        """Write over SFTP to a temp name beside ``path``, set the mode, then rename."""
        self.round_trips += 1
        sftp = self.conn.sftp()
        directory, name = posixpath.split(path)
        tmp = posixpath.join(directory or ".", f".{name}.specops-{secrets.token_hex(6)}")
        try:
            with sftp.open(tmp, "wb") as f:
                f.chmod(0o600)  # private from the first byte, whatever the final mode
                f.set_pipelined(True)
                f.write(data)
            sftp.chmod(tmp, mode)
            sftp.posix_rename(tmp, path)
        except OSError as e:
            with contextlib.suppress(OSError):
                sftp.remove(tmp)
            raise TransferError(f"{self.target.target}: cannot write {path}: {_why(e)}") from None
        except BaseException:  # interrupted mid-upload: leave no partial file behind
            with contextlib.suppress(Exception):
                sftp.remove(tmp)
            raise

    def get(self, path: str) -> bytes:
        self.round_trips += 1
        sftp = self.conn.sftp()
        try:
            with sftp.open(path, "rb") as f:
                f.prefetch()
                data: bytes = f.read()
                return data
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} does not exist on {self.target.target}") from None
        except OSError as e:
            raise TransferError(f"{self.target.target}: cannot read {path}: {_why(e)}") from None

    def close(self) -> None:
        self.conn.close()


def _why(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__
