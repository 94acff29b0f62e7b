"""Facts in expressions: ``facts.os.id``, ``facts.file("/etc/x").exists``.

The compiler never talks to a host. It asks a ``FactSource`` the caller passes
in: the runtime's (one batched round trip per host) for plan and apply, or
``JsonFacts`` read from ``--facts FILE`` to compile offline. Lowering runs in
rounds: a round that meets an unknown fact records it and skips that op
(``Pending``); the caller fetches every recorded fact of every host at once,
and the next round sees them. Most specs need one round, a spec whose fact
arguments come from other facts needs two.

Facts the language offers (``FACT_DOCS``):
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import messages as m
from .diagnostics import SpecError, diag
from .values import Function, Namespace, Pending

FactKey = tuple[str, tuple[tuple[str, str], ...]]

FACT_DOCS = {
    "os": "The OS release: a map with id, version_id, version_codename, name, pretty_name.",
    "hostname": "The host's name.",
    "arch": "The machine architecture (uname -m), e.g. x86_64.",
    "kernel": "The kernel release (uname -r).",
    "file": "file(path): a map with exists, type (file, directory, link, other), mode, user, "
    "group, size, target.",
}
__doc__ = (__doc__ or "") + "".join(f"\n- ``{k}``: {v}" for k, v in FACT_DOCS.items())


class FactSource(Protocol):
    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        """Values of the requested facts, per host (one round trip per host)."""
        ...


@dataclass
class FactCache:
    source: FactSource | None
    known: dict[str, dict[FactKey, Any]] = field(default_factory=dict)
    wanted: dict[str, set[FactKey]] = field(default_factory=dict)
    # Hosts the source could not read: their fact-dependent ops are left out, and
    # the executor reports the host unreachable when it tries to connect.
    dead: set[str] = field(default_factory=set)

    def get(self, host: str, key: FactKey) -> Any:
        if host in self.dead:
            raise Pending(key)
        values = self.known.get(host, {})
        if key in values:
            return values[key]
        if self.source is None:
            raise SpecError(
                [
                    diag(
                        m.FACTS_UNAVAILABLE,
                        None,
                        detail=f"this spec reads facts ({key[0]}) but no host is being asked",
                        hint="use specops plan/apply, or compile --facts FILE",
                    )
                ]
            )
        self.wanted.setdefault(host, set()).add(key)
        raise Pending(key)

    def fetch(self) -> bool:
        """Fetch everything recorded; False when nothing was wanted."""
        if not self.wanted or self.source is None:
            return False
        got = self.source.fetch(self.wanted)
        for host, keys in self.wanted.items():
            if host not in got:
                self.dead.add(host)
                continue
            values = got[host]
            store = self.known.setdefault(host, {})
            for key in keys:
                if key not in values:
                    raise SpecError(
                        [
                            diag(
                                m.FACTS_UNAVAILABLE,
                                None,
                                detail=f"no value for fact {key[0]} of host {host}",
                            )
                        ]
                    )
                store[key] = values[key]
        self.wanted = {}
        return True

    def now(self, host: str, key: FactKey) -> Any:
        """The fact's value, fetched at once when not known yet (Python deploys, which
        run straight through rather than in rounds)."""
        try:
            return self.get(host, key)
        except Pending:
            if host not in self.dead:
                self.fetch()  # the key is wanted now (get raises before that without a source)
            if host in self.dead:  # the source could not read it, now or before
                raise SpecError(
                    [diag(m.FACTS_UNAVAILABLE, None, detail=f"host {host} could not be read")]
                ) from None
            return self.get(host, key)

    def namespace(self, host: str) -> Namespace:
        def lookup(name: str) -> Any:
            if name == "file":
                return Function(
                    "facts.file",
                    lambda path: self.get(host, ("file", (("path", _path(path)),))),
                    FACT_DOCS["file"],
                )
            if name in FACT_DOCS:
                return self.get(host, (name, ()))
            raise KeyError(name)

        return Namespace("the facts", lookup, lambda: FACT_DOCS)


def _path(p: Any) -> str:
    if not isinstance(p, str) or not p.startswith("/"):
        raise ValueError("takes an absolute path")
    return p


class JsonFacts:
    """Facts from a JSON file, for offline compiles::

    {"hosts": {"web1": {"os": {"id": "debian"}, "arch": "x86_64",
                        "file": {"/etc/x": {"exists": true}}},
               "*": {...defaults for every host...}}}
    """

    def __init__(self, path: str) -> None:
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise SpecError([diag(m.FILE_NOT_FOUND, None, path=path, reason=str(e))]) from None
        hosts = data.get("hosts") if isinstance(data, dict) else None
        if not isinstance(hosts, dict):
            raise SpecError(
                [diag(m.BAD_VALUE, None, what=path, detail='needs {"hosts": {NAME: {...}}}')]
            )
        self.hosts: dict[str, Any] = hosts
        self.path = path

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        out: dict[str, dict[FactKey, Any]] = {}
        for host, keys in requests.items():
            mine = {**self.hosts.get("*", {}), **self.hosts.get(host, {})}
            values: dict[FactKey, Any] = {}
            for key in keys:
                name, params = key
                if name == "file":
                    path = dict(params)["path"]
                    files = mine.get("file", {})
                    values[key] = (
                        files.get(path, {"exists": False}) if isinstance(files, dict) else None
                    )
                elif name in mine:
                    values[key] = mine[name]
                else:
                    raise SpecError(
                        [
                            diag(
                                m.FACTS_UNAVAILABLE,
                                None,
                                detail=f"{self.path} has no fact {name} for host {host}",
                                hint=f'add it under "hosts": {{"{host}": {{"{name}": …}}}}',
                            )
                        ]
                    )
            out[host] = values
        return out


class HostFacts:
    """Facts of one host as Python deploy code reads them: ``host().facts.os["id"]``,
    ``host().facts.file("/etc/x")["exists"]``. Each is read from the host on first
    use (one round trip), then kept for the rest of the compile."""

    def __init__(self, cache: FactCache, host: str) -> None:
        self._cache, self._host = cache, host

    def __getattr__(self, name: str) -> Any:
        if name in FACT_DOCS:  # never "file": the method below is found first
            return self._cache.now(self._host, (name, ()))
        raise AttributeError(f"facts has no {name!r}; facts are: {', '.join(FACT_DOCS)}")

    def file(self, path: str) -> Any:
        try:
            key: FactKey = ("file", (("path", _path(path)),))
        except ValueError:
            raise ValueError(f"facts.file({path!r}): takes an absolute path") from None
        return self._cache.now(self._host, key)

    def __dir__(self) -> list[str]:
        return sorted(FACT_DOCS)
