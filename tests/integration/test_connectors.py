"""The connector contract, run against a real sshd and the local shell alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from specops.compiler.ir import Connection
from specops.runtime.connectors import ConnectError, Connector, LocalConnector, SshConnector
from tests.sshd import SshFleet

pytestmark = pytest.mark.fleet


@pytest.fixture(params=["ssh", "local"])
def conn(request: pytest.FixtureRequest, fleet: SshFleet) -> Iterator[Connector]:
    c: Connector
    if request.param == "ssh":
        h = fleet.hosts[0]
        opts = {"key": str(h.key_file), "known_hosts": str(h.known_hosts)}
        c = SshConnector(Connection("ssh", h.user, h.address, h.port, opts))
    else:
        c = LocalConnector()
    c.open()
    yield c
    c.close()


def test_exit_codes_and_streams(conn: Connector) -> None:
    r = conn.run("echo out; echo err >&2; exit 3")
    assert (r.exited, r.stdout, r.stderr, r.ok) == (3, "out\n", "err\n", False)
    assert conn.run("true").ok


def test_stdin_is_a_script(conn: Connector) -> None:
    r = conn.run("sh -s", stdin="x=41\necho $((x + 1))\n")
    assert r.stdout == "42\n"


def test_large_input_and_output_both_ways_do_not_deadlock(conn: Connector) -> None:
    # Bigger than SSH's channel window in both directions at once.
    payload = "a" * 3_000_000
    r = conn.run("cat; head -c 3000000 /dev/zero | tr '\\0' b >&2", stdin=payload, timeout=60)
    assert r.ok and r.stdout == payload and r.stderr == "b" * 3_000_000


def test_unicode_round_trips(conn: Connector) -> None:
    r = conn.run("sh -s", stdin="printf '%s\\n' 'größe ✓ 日本'\n")
    assert r.stdout == "größe ✓ 日本\n"


def test_timeout_is_reported_as_124(conn: Connector) -> None:
    r = conn.run("sleep 5", timeout=0.5)
    assert r.exited == 124 and "timed out" in r.stderr


def test_refused_connection_is_a_connect_error() -> None:
    c = SshConnector(Connection("ssh", "root", "127.0.0.1", 1))
    with pytest.raises(ConnectError) as e:
        c.open()
    assert "cannot connect" in str(e.value) and e.value.hint
