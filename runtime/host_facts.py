"""Host facts for expressions (``facts.os``, ``facts.arch`` …) and the fact source behind them.

``HostFactSource`` implements the compiler's ``FactSource``: for each host it
reads every requested fact with one batched command (``facts.gather``) over the
run's ``Pool``, all hosts in parallel. A host that cannot be reached gives no
facts; the compiler leaves its ops out and the executor reports it unreachable.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from specops.compiler.facts import FactKey
from specops.compiler.inventory import Inventory

from .command import Command, raw, sh
from .connectors import ConnectError
from .facts import Fact, FactError, FactRef, gather
from .files_facts import FileInfo, FileStat
from .pool import Pool


class OsRelease(Fact[dict[str, str]]):
    """/etc/os-release as a map with lower-case keys (id, version_id, name, …)."""

    @classmethod
    def command(cls, **params: str) -> Command:
        return sh(raw("cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release"))

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for line in output.splitlines():
            key, sep, value = line.strip().partition("=")
            if not sep or key.startswith("#"):
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            out[key.lower()] = value
        return out


class Uname(Fact[dict[str, str]]):
    """Hostname, machine architecture and kernel release (uname -n -m -r)."""

    @classmethod
    def command(cls, **params: str) -> Command:
        return sh("uname", "-n", "-m", "-r")

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        hostname, kernel, arch = output.split()
        return {"hostname": hostname, "kernel": kernel, "arch": arch}


def _ref(key: FactKey) -> FactRef[Any]:
    name, params = key
    if name == "os":
        return OsRelease.ref()
    if name in ("hostname", "arch", "kernel"):
        return Uname.ref()
    if name == "file":
        return FileInfo.ref(**dict(params))
    raise KeyError(name)


def _value(key: FactKey, fact: Any) -> Any:
    name = key[0]
    if name in ("hostname", "arch", "kernel"):
        return fact[name]
    if name == "file":
        st: FileStat | None = fact
        if st is None:
            return {"exists": False}
        return {
            "exists": True,
            "type": st.type,
            "mode": st.mode,
            "user": st.user,
            "group": st.group,
            "size": st.size,
            "target": st.target,
        }
    return fact


class HostFactSource:
    def __init__(self, pool: Pool, inventory: Inventory) -> None:
        self.pool = pool
        self.inventory = inventory
        self.unreachable: dict[str, str] = {}

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        def one(host: str) -> tuple[str, dict[FactKey, Any] | None]:
            target = self.inventory.host(host).connection
            keys = sorted(requests[host])
            try:
                conn = self.pool.get(host, target)
                facts, _ = gather(conn, [_ref(k) for k in keys])
            except (ConnectError, FactError) as e:
                self.unreachable[host] = str(e)
                return host, None
            return host, {k: _value(k, facts[_ref(k)]) for k in keys}

        with ThreadPoolExecutor(max_workers=min(32, max(1, len(requests)))) as ex:
            got = dict(ex.map(one, list(requests)))
        return {h: v for h, v in got.items() if v is not None}
