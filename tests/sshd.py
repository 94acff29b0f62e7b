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
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
_BIND_ATTEMPTS = 3


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


@dataclass
class _Server:
    host: SshHost
    process: subprocess.Popen[bytes]
    log: Path


class SshFleet:
    """A context manager running ``n`` sshd processes on 127.0.0.(first_octet + i)."""

    def __init__(self, n: int, base_dir: Path, first_octet: int = 11) -> None:
        if n < 1:
            raise ValueError("a fleet needs at least one host")
        if not 1 <= first_octet or first_octet + n - 1 > 254:
            raise ValueError(f"127.0.0.{first_octet}..+{n} is outside 127.0.0.1-254")
        sshd = ensure_sshd()
        if sshd is None:
            raise SshFleetError("sshd is not installed (install openssh-server)")
        self.sshd: str = sshd
        self.base_dir: Path = Path(base_dir).resolve()
        self.hosts: list[SshHost] = []
        self.known_hosts: Path = self.base_dir / "fleet.known_hosts"
        self._servers: list[_Server] = []

        self.base_dir.mkdir(parents=True, exist_ok=True)
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        client_dir = self.base_dir / "client"
        client_dir.mkdir(exist_ok=True)
        self.key_file: Path = client_dir / "id_ed25519"
        self.authorized_keys: Path = client_dir / "authorized_keys"
        _keygen(self.key_file, "specops-test-client")
        shutil.copyfile(self.key_file.with_suffix(".pub"), self.authorized_keys)

        try:
            for i in range(n):
                self._servers.append(self._start(f"host{i}", f"127.0.0.{first_octet + i}"))
            for server in self._servers:
                self._wait_ready(server)
        except BaseException:
            self.close()
            raise
        self.hosts = [server.host for server in self._servers]
        self.known_hosts.write_text("".join(h.known_hosts.read_text() for h in self.hosts))

    def _start(self, name: str, address: str) -> _Server:
        host_dir = self.base_dir / name
        scratch = host_dir / "scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        host_key = host_dir / "ssh_host_ed25519_key"
        _keygen(host_key, f"specops-test-{name}")
        key_type, key_blob = host_key.with_suffix(".pub").read_text().split()[:2]
        config = host_dir / "sshd_config"
        log = host_dir / "sshd.log"

        last_error = ""
        for _ in range(_BIND_ATTEMPTS):
            port = _free_port(address)
            config.write_text(
                "\n".join(
                    [
                        f"ListenAddress {address}:{port}",
                        f"HostKey {_quote(host_key)}",
                        f"PidFile {_quote(host_dir / 'sshd.pid')}",
                        f"AuthorizedKeysFile {_quote(self.authorized_keys)}",
                        "PermitRootLogin prohibit-password",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "StrictModes no",
                        "Subsystem sftp internal-sftp",
                        "LogLevel ERROR",
                        "MaxSessions 50",
                        "MaxStartups 200",
                        "",
                    ]
                )
            )
            with log.open("wb") as log_fd:
                process = subprocess.Popen(
                    [self.sshd, "-D", "-e", "-f", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log_fd,
                    stderr=log_fd,
                )
            # A lost race for the port shows up as an immediate exit; retry with a new one.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
            if process.poll() is None or "Bind to port" not in log.read_text(errors="replace"):
                break
            last_error = log.read_text(errors="replace")
        else:
            raise SshFleetError(f"{name}: could not bind a port on {address}:\n{last_error}")

        known_hosts = host_dir / "known_hosts"
        known_hosts.write_text(f"[{address}]:{port} {key_type} {key_blob}\n")
        host = SshHost(
            name=name,
            address=address,
            port=port,
            user="root",
            key_file=self.key_file,
            known_hosts=known_hosts,
            scratch=scratch,
        )
        return _Server(host=host, process=process, log=log)

    def _wait_ready(self, server: _Server) -> None:
        host = server.host
        deadline = time.monotonic() + START_TIMEOUT
        last: object = None
        while time.monotonic() < deadline:
            code = server.process.poll()
            if code is not None:
                raise SshFleetError(
                    f"sshd for {host.name} ({host.address}:{host.port}) exited with {code}:\n"
                    + server.log.read_text(errors="replace")
                )
            try:
                banner = _read_banner(host.address, host.port)
            except OSError as exc:
                last = exc
            else:
                if banner.startswith(b"SSH-2.0"):
                    return
                last = banner
            time.sleep(0.05)
        raise SshFleetError(
            f"sshd for {host.name} ({host.address}:{host.port}) not ready after "
            f"{START_TIMEOUT}s (last: {last!r}):\n" + server.log.read_text(errors="replace")
        )

    def close(self) -> None:
        """Stop every server; idempotent. Files under base_dir are left in place."""
        servers, self._servers = self._servers, []
        for server in servers:
            if server.process.poll() is None:
                server.process.terminate()
        for server in servers:
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
