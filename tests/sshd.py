"""Start a fleet of real OpenSSH servers on loopback addresses for integration tests.

Every server listens on its own address ``127.0.0.N`` and a free port, has its own freshly
generated ed25519 host key and its own ``sshd_config``. The whole fleet shares one client key
pair whose public half is in an ``authorized_keys`` file under the fleet's directory, so the
real ``~/.ssh`` of the user running the tests is never read or written.

Usage::

    with SshFleet(3, tmp_path) as fleet:
        for host in fleet.hosts:
            ...  # connect to host.address:host.port as host.user with host.key_file

Everything is created under ``base_dir``; ``close()`` stops the servers and leaves the files
(logs, configs, keys) in place for post-mortem inspection.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
SESSION_GRACE = 2.0
_BIND_ATTEMPTS = 3


# Exec argv[1:] as a Linux "child subreaper" (prctl PR_SET_CHILD_SUBREAPER survives execve).
# sshd's per-connection monitor can exit before its pre-auth "[net]" child (e.g. when a
# client rejects the host key); the orphan is re-parented to the nearest subreaper. Without
# this that is PID 1, which in some containers reaps lazily, leaving "[sshd] <defunct>"
# around for seconds. As a subreaper, the listener's SIGCHLD handler (waitpid(-1)) reaps it.
_SUBREAPER_EXEC = (
    "import ctypes, os, sys\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)\n"
    "except (OSError, AttributeError):\n"
    "    pass\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def ensure_sshd() -> str | None:
    """Return the absolute path of the ``sshd`` binary, or None if it is not installed.

    sshd refuses to re-exec itself unless started by absolute path, hence no bare name.
    """
    for candidate in SSHD_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("sshd")
    return os.path.abspath(found) if found else None


@dataclass(frozen=True)
class SshHost:
    """One running server of an :class:`SshFleet`."""

    name: str
    address: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path
    scratch: Path

    @property
    def target(self) -> str:
        return f"{self.user}@{self.address}:{self.port}"


class SshFleetError(RuntimeError):
    """A server of the fleet could not be started."""


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


def _keygen(path: Path, comment: str) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def _quote(path: Path) -> str:
    text = str(path)
    if any(ch in text for ch in '"%') or any(ch.isspace() for ch in text):
        raise ValueError(f"path not usable in sshd_config: {text!r}")
    return text


def _read_banner(address: str, port: int) -> bytes:
    with socket.create_connection((address, port), timeout=1.0) as sock:
        data = b""
        while b"\n" not in data and len(data) < 256:
            chunk = sock.recv(256)
            if not chunk:
                break
            data += chunk
        return data


def _children(pid: int) -> list[int]:
    """Live or zombie processes whose parent is ``pid`` (Linux /proc)."""
    found: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while scanning
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _signal_all(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


@dataclass
class _Server:
    name: str
    address: str
    dir: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def config(self) -> Path:
        return self.dir / "sshd_config"

    @property
    def log(self) -> Path:
        return self.dir / "sshd.log"

    @property
    def host_key(self) -> Path:
        return self.dir / "ssh_host_ed25519_key"

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError as exc:
            return f"<no log: {exc}>"


class SshFleet:
    """A context manager running ``n`` sshd processes on 127.0.0.(first_octet + i)."""

    def __init__(
        self,
        n: int,
        base_dir: Path,
        first_octet: int = 11,
        *,
        user: str = "root",
        log_level: str = "ERROR",
    ) -> None:
        """``user`` is the account clients log in as (it must exist and not be locked);
        ``log_level`` is sshd's ``LogLevel`` (``VERBOSE`` logs every session started)."""
        if n < 1:
            raise ValueError("a fleet needs at least one host")
        if first_octet < 1 or first_octet + n - 1 > 254:
            raise ValueError(f"127.0.0.{first_octet}..+{n} is outside 127.0.0.1-254")
        sshd = ensure_sshd()
        if sshd is None:
            raise SshFleetError("sshd is not installed (install openssh-server)")
        self.sshd: str = sshd
        self.base_dir: Path = Path(base_dir).resolve()
        self.hosts: list[SshHost] = []
        self.known_hosts: Path = self.base_dir / "fleet.known_hosts"
        self.user: str = user
        self.log_level: str = log_level
        self._servers: list[_Server] = []

        self.base_dir.mkdir(parents=True, exist_ok=True)
        # Privilege separation directory; sshd refuses to start without it.
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        client_dir = self.base_dir / "client"
        client_dir.mkdir(exist_ok=True)
        self.key_file: Path = client_dir / "id_ed25519"
        self.authorized_keys: Path = client_dir / "authorized_keys"
        _keygen(self.key_file, "specops-test-client")
        shutil.copyfile(self.key_file.with_suffix(".pub"), self.authorized_keys)

        try:
            for i in range(n):
                name = f"host{i}"
                server = _Server(name, f"127.0.0.{first_octet + i}", self.base_dir / name)
                (server.dir / "scratch").mkdir(parents=True, exist_ok=True)
                _keygen(server.host_key, f"specops-test-{server.name}")
                self._servers.append(server)
                self._launch(server)
            self.hosts = [self._wait_ready(server) for server in self._servers]
        except BaseException:
            self.close()
            raise
        self.known_hosts.write_text("".join(h.known_hosts.read_text() for h in self.hosts))

    def _launch(self, server: _Server) -> None:
        server.port = _free_port(server.address)
        server.config.write_text(
            "\n".join(
                [
                    f"ListenAddress {server.address}:{server.port}",
                    f"HostKey {_quote(server.host_key)}",
                    f"PidFile {_quote(server.dir / 'sshd.pid')}",
                    f"AuthorizedKeysFile {_quote(self.authorized_keys)}",
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "Subsystem sftp internal-sftp",
                    f"LogLevel {self.log_level}",
                    "MaxSessions 50",
                    "MaxStartups 200",
                    "",
                ]
            )
        )
        sshd_argv = [self.sshd, "-D", "-e", "-f", str(server.config)]
        with server.log.open("wb") as log:
            server.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _SUBREAPER_EXEC, *sshd_argv],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    def _wait_ready(self, server: _Server) -> SshHost:
        deadline = time.monotonic() + START_TIMEOUT
        attempts = 1
        last: object = None
        while time.monotonic() < deadline:
            assert server.process is not None
            code = server.process.poll()
            if code is not None:
                log = server.log_text()
                # Someone else took the port between probing and sshd's bind: new port.
                if "Bind to port" in log and attempts < _BIND_ATTEMPTS:
                    attempts += 1
                    self._launch(server)
                    continue
                raise SshFleetError(
                    f"sshd for {server.name} ({server.address}:{server.port}) "
                    f"exited with {code}:\n{log}"
                )
            try:
                banner = _read_banner(server.address, server.port)
            except OSError as exc:
                last = exc
            else:
                if banner.startswith(b"SSH-2.0"):
                    return self._host(server)
                last = banner
            time.sleep(0.02)
        raise SshFleetError(
            f"sshd for {server.name} ({server.address}:{server.port}) not ready after "
            f"{START_TIMEOUT}s (last: {last!r}):\n{server.log_text()}"
        )

    def _host(self, server: _Server) -> SshHost:
        key_type, key_blob = server.host_key.with_suffix(".pub").read_text().split()[:2]
        known_hosts = server.dir / "known_hosts"
        known_hosts.write_text(f"[{server.address}]:{server.port} {key_type} {key_blob}\n")
        return SshHost(
            name=server.name,
            address=server.address,
            port=server.port,
            user=self.user,
            key_file=self.key_file,
            known_hosts=known_hosts,
            scratch=server.dir / "scratch",
        )

    def close(self) -> None:
        """Stop every server and its sessions; idempotent. Files under base_dir stay.

        Per-connection sshd children outlive a client's disconnect by a few milliseconds.
        If the listener died first they would be orphaned and linger as zombies until
        init reaps them, so give them time to exit (and then end them) while their
        listener is still there to reap them.
        """
        servers, self._servers = self._servers, []
        listeners = [
            s.process.pid for s in servers if s.process is not None and s.process.poll() is None
        ]

        def sessions() -> list[int]:
            return [child for pid in listeners for child in _children(pid)]

        if not _wait_until(lambda: not sessions(), SESSION_GRACE):
            _signal_all(sessions(), signal.SIGTERM)
            if not _wait_until(lambda: not sessions(), STOP_TIMEOUT):
                _signal_all(sessions(), signal.SIGKILL)
                _wait_until(lambda: not sessions(), STOP_TIMEOUT)
        for server in servers:
            if server.process is not None and server.process.poll() is None:
                server.process.terminate()
        for server in servers:
            if server.process is None:
                continue
            try:
                server.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()

    def __enter__(self) -> SshFleet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SshFleet({', '.join(h.target for h in self.hosts)})"
