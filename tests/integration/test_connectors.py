"""The connector contract: the same cases against every transport.

| param | reaches | through |
|---|---|---|
| ssh | a real sshd of the loopback fleet | Fabric + our exec loop, SFTP |
| local | this machine | /bin/sh, Python file I/O |
| chroot | a real Debian bookworm root (make-target.sh's cached image) | chroot(8) |
| podman | a real podman container of the test bed's Debian image | podman exec/cp |
| docker | the same Debian root | tests/standins/docker (no Docker engine here) |
| kubectl | the same Debian root, pod ``apps/api`` | tests/standins/kubectl (no cluster here) |

The stand-ins implement ``exec`` with chroot(8) and ``cp`` by copying (docker)
or through ``tar`` inside the root (kubectl), so these cases check the argv
our connectors build and how they read results, not a real engine's behaviour.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from specops.compiler.ir import Connection
from specops.runtime.connectors import (
    ChrootConnector,
    ConnectError,
    Connector,
    DockerConnector,
    KubectlConnector,
    LocalConnector,
    PodmanConnector,
    SshConnector,
    TransferError,
    become,
    connect,
)
from specops.runtime.connectors.base import encode, supervised
from tests.processes import assert_gone, running
from tests.sshd import SshFleet

pytestmark = pytest.mark.fleet

KINDS = ["ssh", "local", "chroot", "podman", "docker", "kubectl"]


@dataclass
class Host:
    conn: Connector
    scratch: str  # a fresh directory on the host, as the host sees it
    make: Callable[[], Connector]  # another connector to the same host


@pytest.fixture(params=KINDS)
def host(request: pytest.FixtureRequest, fleet: SshFleet, tmp_path: Path) -> Iterator[Host]:
    kind: str = request.param
    make: Callable[[], Connector]
    scratch = f"/tmp/specops-contract-{kind}-{secrets.token_hex(4)}"
    if kind == "ssh":
        h = fleet.hosts[0]
        opts = {"key": str(h.key_file), "known_hosts": str(h.known_hosts)}
        make = partial(SshConnector, Connection("ssh", h.user, h.address, h.port, opts))
        scratch = str(h.scratch / secrets.token_hex(4))
    elif kind == "local":
        make = LocalConnector
        scratch = str(tmp_path / "scratch")
    elif kind == "chroot":
        root = str(request.getfixturevalue("debian_root"))
        make = partial(ChrootConnector, Connection("chroot", address=root))
    elif kind == "podman":
        name = request.getfixturevalue("podman_container")
        make = partial(PodmanConnector, Connection("podman", address=name))
    elif kind == "docker":
        request.getfixturevalue("standins")
        make = partial(DockerConnector, Connection("docker", address="web"))
    else:
        request.getfixturevalue("standins")
        make = partial(KubectlConnector, Connection("kubectl", address="apps/api"))
    c = make()
    c.open()
    assert c.run(f"mkdir -p '{scratch}'").ok
    yield Host(c, scratch, make)
    c.run(f"rm -rf '{scratch}'")
    c.close()


# -- commands --------------------------------------------------------------------------


def test_exit_codes_and_streams(host: Host) -> None:
    r = host.conn.run("echo out; echo err >&2; exit 3")
    assert (r.exited, r.stdout, r.stderr, r.ok) == (3, "out\n", "err\n", False)
    assert host.conn.run("true").ok


def test_stdin_is_a_script(host: Host) -> None:
    r = host.conn.run("sh -s", stdin="x=41\necho $((x + 1))\n")
    assert r.stdout == "42\n"


def test_a_supervised_script_runs_whole_with_its_exit_code(host: Host) -> None:
    big = "y" * 300_000  # more than a pipe buffer, as inline file contents are
    script = f"echo one\nprintf %s '{big}' | wc -c\necho two >&2\nexit 3\n"
    r = host.conn.run(supervised(len(encode(script))), stdin=script, keep_stdin=True)
    assert (r.exited, r.stdout, r.stderr) == (3, "one\n300000\n", "two\n")


def test_a_supervised_script_stops_when_its_connection_closes(host: Host) -> None:
    """The controller going away (interrupted, killed, connection lost) ends the
    host's script: the running command is killed and nothing after it starts."""
    pause = f"7.{secrets.randbelow(10**6):06d}"  # this test's own sleep, among all processes
    s = host.scratch
    script = f"touch {s}/started\nsleep {pause}\ntouch {s}/late\n"
    runner = host.make()
    runner.open()
    t = threading.Thread(
        target=runner.run,
        args=(supervised(len(encode(script))),),
        kwargs={"stdin": script, "keep_stdin": True},
        daemon=True,
    )
    t.start()
    deadline = time.monotonic() + 30
    while not host.conn.run(f"test -e {s}/started").ok:
        assert time.monotonic() < deadline, "the script never started"
        time.sleep(0.1)
    assert running(f"sleep {pause}")
    runner.close()
    t.join(timeout=10)
    assert not t.is_alive(), "run() did not return once its connection closed"
    assert_gone(f"sleep {pause}", 5, "the script outlived its connection")
    time.sleep(0.3)
    assert not host.conn.run(f"test -e {s}/late").ok


def test_a_supervised_script_that_times_out_leaves_nothing_running(host: Host) -> None:
    pause = f"8.{secrets.randbelow(10**6):06d}"
    script = f"sleep {pause}\ntouch {host.scratch}/late\n"
    r = host.conn.run(supervised(len(encode(script))), stdin=script, keep_stdin=True, timeout=1.5)
    assert r.exited == 124 and "timed out" in r.stderr
    assert_gone(f"sleep {pause}", 5, "the script outlived its timeout")
    assert not host.conn.run(f"test -e {host.scratch}/late").ok


def test_large_input_and_output_both_ways_do_not_deadlock(host: Host) -> None:
    # Bigger than SSH's channel window and any pipe buffer, in both directions at once.
    payload = "a" * 3_000_000
    r = host.conn.run("cat; head -c 3000000 /dev/zero | tr '\\0' b >&2", stdin=payload, timeout=60)
    assert r.ok and r.stdout == payload and r.stderr == "b" * 3_000_000


def test_unicode_round_trips(host: Host) -> None:
    r = host.conn.run("sh -s", stdin="printf '%s\\n' 'größe ✓ 日本'\n")
    assert r.stdout == "größe ✓ 日本\n"
    assert host.conn.run("printf '%s' 'ü'").stdout == "ü"


def test_timeout_is_reported_as_124(host: Host) -> None:
    # Generous: a loaded machine may take a while just to start the stand-ins.
    r = host.conn.run("echo started; sleep 30", timeout=3)
    assert r.exited == 124 and "timed out" in r.stderr and r.stdout == "started\n"


def test_output_is_seen_as_it_arrives(host: Host) -> None:
    seen: list[tuple[str, bytes]] = []
    r = host.conn.run(
        "echo one; echo two >&2; echo three",
        on_output=lambda stream, chunk: seen.append((stream, chunk)),
    )
    assert b"".join(c for s, c in seen if s == "stdout").decode() == r.stdout == "one\nthree\n"
    assert b"".join(c for s, c in seen if s == "stderr").decode() == r.stderr == "two\n"


def test_become_runs_as_another_user_through_sudo(host: Host) -> None:
    r = host.conn.run(become('id -un; echo "$HOME"', "nobody"))
    assert r.ok, r.stderr
    assert r.stdout.splitlines()[0] == "nobody"
    assert host.conn.run(become("id -u")).stdout == "0\n"


def test_round_trips_are_counted(host: Host) -> None:
    before = host.conn.round_trips
    host.conn.run("true")
    host.conn.run("true")
    assert host.conn.round_trips == before + 2


# -- files -----------------------------------------------------------------------------


def test_put_then_get_round_trips_bytes_and_sets_the_mode(host: Host) -> None:
    data = bytes(range(256)) * 4 + "größe\n".encode()
    path = f"{host.scratch}/f ü.bin"
    host.conn.put(data, path, 0o640)
    assert host.conn.get(path) == data
    r = host.conn.run(f"stat -c %a '{path}'; cat '{path}' | wc -c")
    assert r.stdout.split() == ["640", str(len(data))]


def test_put_replaces_atomically_and_leaves_no_temp_files(host: Host) -> None:
    path = f"{host.scratch}/conf"
    host.conn.put(b"old\n", path, 0o600)
    host.conn.put(b"new\n", path, 0o644)
    assert host.conn.get(path) == b"new\n"
    assert host.conn.run(f"ls -A '{host.scratch}'").stdout == "conf\n"
    assert host.conn.run(f"stat -c %a '{path}'").stdout == "644\n"


def test_large_file_both_ways(host: Host) -> None:
    data = os.urandom(3_000_000)
    path = f"{host.scratch}/big"
    host.conn.put(data, path)
    assert host.conn.get(path) == data
    assert (
        host.conn.run(f"sha256sum < '{path}'").stdout.split()[0]
        == __import__("hashlib").sha256(data).hexdigest()
    )


def test_get_of_a_missing_file_is_file_not_found(host: Host) -> None:
    with pytest.raises(FileNotFoundError):
        host.conn.get(f"{host.scratch}/nothing-here")


def test_put_into_a_missing_directory_is_a_transfer_error(host: Host) -> None:
    with pytest.raises(TransferError):
        host.conn.put(b"x", f"{host.scratch}/no/such/dir/f")


def test_get_follows_a_symlink_on_the_host(host: Host) -> None:
    # An absolute link must resolve on the host (inside the root for chroot & co.).
    host.conn.run(f"printf 'inside' > '{host.scratch}/real'")
    assert host.conn.run(f"ln -s '{host.scratch}/real' '{host.scratch}/link'").ok
    assert host.conn.get(f"{host.scratch}/link") == b"inside"


# -- connecting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "cls"),
    [
        (Connection("local"), LocalConnector),
        (Connection("ssh", "root", "127.0.0.1", 22), SshConnector),
        (Connection("chroot", address="/srv/root"), ChrootConnector),
        (Connection("docker", address="web"), DockerConnector),
        (Connection("podman", address="web"), PodmanConnector),
        (Connection("kubectl", address="apps/api"), KubectlConnector),
    ],
)
def test_connect_picks_the_connector_of_the_kind(target: Connection, cls: type) -> None:
    assert isinstance(connect(target), cls)


def test_refused_connection_is_a_connect_error() -> None:
    c = SshConnector(Connection("ssh", "root", "127.0.0.1", 1))
    with pytest.raises(ConnectError) as e:
        c.open()
    assert "cannot connect" in str(e.value) and e.value.hint


def test_missing_chroot_is_a_connect_error(tmp_path: Path) -> None:
    with pytest.raises(ConnectError, match="not a directory"):
        ChrootConnector(Connection("chroot", address=str(tmp_path / "nope"))).open()
    with pytest.raises(ConnectError, match="no /bin/sh"):
        ChrootConnector(Connection("chroot", address=str(tmp_path))).open()


def test_missing_container_and_pod_are_connect_errors(standins: Path) -> None:
    with pytest.raises(ConnectError, match="No such container: db") as e:
        DockerConnector(Connection("docker", address="db")).open()
    assert e.value.hint and "docker ps" in e.value.hint
    with pytest.raises(ConnectError, match='pods "api" not found'):
        KubectlConnector(Connection("kubectl", address="other/api")).open()


def test_missing_podman_container_is_a_connect_error(podman_env: None) -> None:
    with pytest.raises(ConnectError, match='no container with name or ID "db-gone"') as e:
        PodmanConnector(Connection("podman", address="db-gone")).open()
    assert e.value.hint and "podman ps" in e.value.hint
