"""Smoke tests for the loopback OpenSSH fleet: real sshd, real host-key verification."""

from __future__ import annotations

import shlex
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fabric
import paramiko
import pytest

from tests.sshd import SshFleet, SshHost

pytestmark = pytest.mark.fleet


def connect(host: SshHost, known_hosts: Path | None = None) -> fabric.Connection:
    """A Connection that only accepts the host key listed in ``known_hosts``."""
    conn = fabric.Connection(
        host=host.address,
        port=host.port,
        user=host.user,
        # An explicit empty SSH config: the developer's ~/.ssh/config must not leak in.
        config=fabric.Config(ssh_config=paramiko.SSHConfig()),
        connect_timeout=10,
        connect_kwargs={
            "key_filename": str(host.key_file),
            "look_for_keys": False,
            "allow_agent": False,
        },
    )
    # Connection.__init__ installs AutoAddPolicy; replace it so unknown keys are refused.
    conn.client.load_host_keys(str(known_hosts or host.known_hosts))
    conn.client.set_missing_host_key_policy(paramiko.RejectPolicy())
    return conn


def run(host: SshHost, command: str) -> str:
    with connect(host) as conn:
        result = conn.run(command, hide=True, in_stream=False)
    assert result.ok, result
    out: str = result.stdout
    return out


def test_each_host_runs_commands_and_writes_files(fleet: SshFleet) -> None:
    assert len(fleet.hosts) == 3
    assert len({(h.address, h.port) for h in fleet.hosts}) == 3
    for host in fleet.hosts:
        out = run(host, "echo hello; hostname; id -u")
        assert out.splitlines() == ["hello", socket.gethostname(), "0"], host.target

        target = host.scratch / "greeting.txt"
        text = shlex.quote(f"hi from {host.name}")
        run(host, f"printf '%s\\n' {text} > {shlex.quote(str(target))}")
        assert target.read_text() == f"hi from {host.name}\n"


@pytest.mark.parametrize("case", ["other-hosts-file", "forged-entry"])
def test_wrong_host_key_is_rejected(fleet: SshFleet, tmp_path: Path, case: str) -> None:
    first, second = fleet.hosts[0], fleet.hosts[1]
    if case == "other-hosts-file":
        # host0's file has no entry for host1 at all: RejectPolicy refuses it.
        known_hosts = first.known_hosts
        expected: type[Exception] = paramiko.SSHException
    else:
        # An entry for host1's address:port carrying host0's key: a key mismatch.
        key = first.known_hosts.read_text().split(maxsplit=1)[1]
        known_hosts = tmp_path / "forged.known_hosts"
        known_hosts.write_text(f"[{second.address}]:{second.port} {key}")
        expected = paramiko.BadHostKeyException
    conn = connect(second, known_hosts)
    try:
        with pytest.raises(expected):
            conn.open()
        assert not conn.is_connected
    finally:
        # Connection.close() is a no-op after a failed open() (its .transport was never
        # set) but paramiko's transport is still up: close the client itself.
        conn.client.close()


def test_fleet_works_concurrently(fleet: SshFleet) -> None:
    def probe(host: SshHost) -> tuple[str, str]:
        out = run(host, "sleep 0.5; echo $SSH_CONNECTION")
        return host.name, out.split()[2]  # server address as seen by the session

    with ThreadPoolExecutor(max_workers=len(fleet.hosts)) as pool:
        results = dict(pool.map(probe, fleet.hosts))
    assert results == {h.name: h.address for h in fleet.hosts}
