"""Inventory: hosts, groups and how to reach each host, read from a spec document.

Reads ``[hosts.NAME]`` (``ssh = "user@host:port"`` or ``local = true``, plus
``vars``, ``key`` and ``known_hosts``) and ``[groups.NAME]`` (``hosts``,
``vars``). A spec that names no hosts targets ``@local``. Host selection for
an op (``hosts = "web"``) resolves names of hosts and groups here too.
This module does not evaluate ``${…}`` in vars; ``lower`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import messages as m
from .diagnostics import Collector, diag, suggest
from .ir import LOCAL, Connection
from .source import Document, Span

LOCAL_NAME = "@local"

# How a host is reached: exactly one of these keys (``local = true`` takes a boolean).
CONNECTOR_KEYS = ("ssh", "local", "docker", "chroot", "kubectl")
_HOST_KEYS = {*CONNECTOR_KEYS, "vars", "key", "known_hosts"}
_GROUP_KEYS = {"hosts", "vars"}
_SSH_RE = re.compile(
    r"^(?:(?P<user>[^@\s:]+)@)?(?P<address>[^@\s:\[\]]+|\[[0-9a-fA-F:]+\])(?::(?P<port>\d{1,5}))?$"
)


@dataclass(frozen=True)
class Host:
    name: str
    connection: Connection
    vars: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None


@dataclass(frozen=True)
class Group:
    name: str
    hosts: tuple[str, ...]
    vars: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None


@dataclass(frozen=True)
class Inventory:
    hosts: tuple[Host, ...]
    groups: tuple[Group, ...] = ()

    def host(self, name: str) -> Host:
        return next(h for h in self.hosts if h.name == name)

    def groups_of(self, host: str) -> list[Group]:
        return [g for g in self.groups if host in g.hosts]

    def names(self) -> list[str]:
        return [h.name for h in self.hosts] + [g.name for g in self.groups]


DEFAULT_INVENTORY = Inventory((Host(LOCAL_NAME, LOCAL),))


def parse_ssh_target(text: str) -> tuple[str | None, str, int | None] | None:
    """Split ``user@host:port`` into its parts, or None when it is malformed."""
    mt = _SSH_RE.match(text.strip())
    if not mt:
        return None
    port = int(mt["port"]) if mt["port"] else None
    if port is not None and not 0 < port < 65536:
        return None
    return mt["user"], mt["address"].strip("[]"), port


def _shape(
    c: Collector, doc: Document, path: tuple[str, ...], value: Any, want: type, what: str
) -> bool:
    if isinstance(value, want):
        return True
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}
    c.add(
        diag(
            m.WRONG_SHAPE,
            doc.span(path),
            what=what,
            expected=names.get(want, want.__name__),
            got=type(value).__name__,
        )
    )
    return False


def _connection(c: Collector, doc: Document, name: str, body: dict[str, Any]) -> Connection | None:
    base = Path(doc.file).parent
    given = [k for k in CONNECTOR_KEYS if k in body]
    if len(given) > 1:
        c.add(
            diag(
                m.BAD_CONNECTION,
                doc.key_span(("hosts", name, given[1])),
                detail=f"host {name} says both {given[0]} and {given[1]}",
                hint="a host is reached one way: keep one of them",
            )
        )
        return None
    options: dict[str, str] = {}
    for opt in ("key", "known_hosts"):
        if opt in body:
            if not _shape(c, doc, ("hosts", name, opt), body[opt], str, f'"{opt}" of host {name}'):
                return None
            options[opt] = str((base / body[opt]).resolve()) if body[opt] else ""
    if "ssh" in body:
        target = body["ssh"]
        if not _shape(c, doc, ("hosts", name, "ssh"), target, str, f'"ssh" of host {name}'):
            return None
        parts = parse_ssh_target(target)
        if parts is None:
            c.add(
                diag(
                    m.BAD_CONNECTION,
                    doc.span(("hosts", name, "ssh")),
                    detail=f"{target!r} is not an ssh target",
                    hint='write it as "user@address:port", e.g. "root@127.0.0.11:2222"',
                )
            )
            return None
        user, address, port = parts
        return Connection("ssh", user, address, port, options)
    if body.get("local") is True:
        return LOCAL
    for kind in ("docker", "chroot", "kubectl"):
        if kind in body:
            where = body[kind]
            if not _shape(c, doc, ("hosts", name, kind), where, str, f'"{kind}" of host {name}'):
                return None
            if kind == "chroot":
                where = str((base / where).resolve())
            return Connection(kind, address=where)
    c.add(
        diag(
            m.MISSING_KEY,
            doc.key_span(("hosts", name)),
            where=f"host {name}",
            key="ssh",
            hint='give it ssh = "user@address:port", local = true, docker = "container", '
            'chroot = "/path" or kubectl = "pod"',
        )
    )
    return None


def read_inventory(doc: Document, c: Collector) -> Inventory:
    """The inventory declared in ``doc``, or ``@local`` when it declares no hosts."""
    raw_hosts = doc.data.get("hosts", {})
    raw_groups = doc.data.get("groups", {})
    hosts: list[Host] = []
    if _shape(c, doc, ("hosts",), raw_hosts, dict, "[hosts]"):
        for name, body in raw_hosts.items():
            if not _shape(c, doc, ("hosts", name), body, dict, f"host {name}"):
                continue
            _unknown_keys(c, doc, ("hosts", name), body, _HOST_KEYS, f"host {name}")
            conn = _connection(c, doc, name, body)
            hvars = body.get("vars", {})
            if conn and _shape(
                c, doc, ("hosts", name, "vars"), hvars, dict, f"vars of host {name}"
            ):
                hosts.append(Host(name, conn, hvars, doc.key_span(("hosts", name))))
    groups: list[Group] = []
    known = {h.name for h in hosts}
    if _shape(c, doc, ("groups",), raw_groups, dict, "[groups]"):
        for name, body in raw_groups.items():
            if not _shape(c, doc, ("groups", name), body, dict, f"group {name}"):
                continue
            _unknown_keys(c, doc, ("groups", name), body, _GROUP_KEYS, f"group {name}")
            members = body.get("hosts", [])
            gvars = body.get("vars", {})
            if not _shape(
                c, doc, ("groups", name, "hosts"), members, list, f"hosts of group {name}"
            ):
                continue
            if not _shape(c, doc, ("groups", name, "vars"), gvars, dict, f"vars of group {name}"):
                continue
            for i, member in enumerate(members):
                if member not in known:
                    c.add(
                        diag(
                            m.UNKNOWN_HOST,
                            doc.span(("groups", name, "hosts", i)),
                            name=str(member),
                            hint=suggest(str(member), known),
                        )
                    )
            groups.append(Group(name, tuple(members), gvars, doc.key_span(("groups", name))))
    if not hosts and not raw_hosts:
        return DEFAULT_INVENTORY
    return Inventory(tuple(hosts), tuple(groups))


def _unknown_keys(
    c: Collector,
    doc: Document,
    path: tuple[str, ...],
    body: dict[str, Any],
    allowed: set[str],
    where: str,
) -> None:
    for key in body:
        if key not in allowed:
            c.add(
                diag(
                    m.UNKNOWN_KEY,
                    doc.key_span((*path, key)),
                    key=key,
                    where=where,
                    hint=suggest(key, allowed) or f"allowed: {', '.join(sorted(allowed))}",
                )
            )


def select(inv: Inventory, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Host names matched by host or group ``names``, and the names that matched nothing."""
    chosen: list[str] = []
    unknown: list[str] = []
    groups = {g.name: g for g in inv.groups}
    hosts = {h.name for h in inv.hosts}
    for n in names:
        if n in hosts:
            chosen.append(n)
        elif n in groups:
            chosen.extend(groups[n].hosts)
        else:
            unknown.append(n)
    order = [h.name for h in inv.hosts]
    return sorted(set(chosen), key=order.index), unknown
