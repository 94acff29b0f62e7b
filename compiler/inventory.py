"""Inventory: hosts, groups and how to reach each host, read from a spec document.

Reads ``[hosts.NAME]`` (``ssh = "user@host:port"`` or ``local = true``, plus
``vars``, ``key`` and ``known_hosts``) and ``[groups.NAME]`` (``hosts``,
``vars``). A spec that names no hosts targets ``@local``. Host selection for
an op (``hosts = "web"``) resolves names of hosts and groups here too.
This module does not evaluate ``${…}`` in vars; ``lower`` does.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import messages as m
from .connections import ADDRESSED, IMAGE_PREFIX, KEYS_HINT, KINDS
from .diagnostics import Collector, diag, suggest
from .ir import LOCAL, Connection
from .source import Document, Span

LOCAL_NAME = "@local"

# How a host is reached: exactly one of these keys (``local = true`` takes a boolean).
CONNECTOR_KEYS = tuple(KINDS)
# Connection options: key and known_hosts for ssh, tag for an image build.
_HOST_KEYS = {*CONNECTOR_KEYS, "vars", "key", "known_hosts", "tag", "become"}
_GROUP_KEYS = {"hosts", "vars", "become"}
_SSH_RE = re.compile(
    r"^(?:(?P<user>[^@\s:]+)@)?(?P<address>[^@\s:\[\]]+|\[[0-9a-fA-F:]+\])(?::(?P<port>\d{1,5}))?$"
)


@dataclass(frozen=True)
class Host:
    name: str
    connection: Connection
    vars: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None
    become: bool | str | None = None  # the default of its ops (None: the groups')


@dataclass(frozen=True)
class Group:
    name: str
    hosts: tuple[str, ...]
    vars: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None
    become: bool | str | None = None


@dataclass(frozen=True)
class Inventory:
    hosts: tuple[Host, ...]
    groups: tuple[Group, ...] = ()
    doc: Document | None = None  # where it was declared: locates host and group vars

    def host(self, name: str) -> Host:
        return next(h for h in self.hosts if h.name == name)

    @functools.cached_property
    def _members(self) -> dict[str, frozenset[str]]:
        """Members by group, filled on first use (lowering asks once per host and op)."""
        return {}

    def _member_set(self, group: str) -> frozenset[str]:
        hit = self._members.get(group)
        if hit is None:
            hit = self._members[group] = frozenset(self.members(group))
        return hit

    def members(self, group: str) -> list[str]:
        """The hosts of a group, through nested groups, in host order."""
        if group in self._members:
            return [h.name for h in self.hosts if h.name in self._members[group]]
        by_name = {g.name: g for g in self.groups}
        seen: set[str] = set()
        found: set[str] = set()
        todo = [group]
        while todo:
            g = by_name.get(todo.pop())
            if g is None or g.name in seen:
                continue
            seen.add(g.name)
            for member in g.hosts:
                if member in by_name:
                    todo.append(member)
                else:
                    found.add(member)
        return [h.name for h in self.hosts if h.name in found]

    def groups_of(self, host: str) -> list[Group]:
        """Groups holding ``host`` (directly or nested), outermost first.

        Vars of a nested group override those of the groups that contain it, as
        a more specific group should; siblings keep declaration order.
        """
        holding = [g for g in self.groups if host in self._member_set(g.name)]
        return sorted(holding, key=lambda g: -len(self._member_set(g.name)))

    def names(self) -> list[str]:
        return [h.name for h in self.hosts] + [g.name for g in self.groups]

    def become_of(self, host: str) -> bool | str:
        """The ``become`` of ``host``'s ops that set none: the host's, else its innermost
        group's (as group vars go), else false."""
        h = next((x for x in self.hosts if x.name == host), None)
        if h is not None and h.become is not None:
            return h.become
        for g in reversed(self.groups_of(host)):
            if g.become is not None:
                return g.become
        return False


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
    names: dict[type, str] = {dict: "a table", list: "a list", str: "a string"}
    c.add(
        diag(
            m.WRONG_SHAPE,
            doc.span(path),
            what=what,
            expected=names[want],
            got=type(value).__name__,
        )
    )
    return False


def _become(
    c: Collector, doc: Document, path: tuple[str, ...], body: dict[str, Any], what: str
) -> bool | str | None:
    value = body.get("become")
    if value is None or (isinstance(value, bool | str) and value != ""):
        return value
    c.add(
        diag(
            m.WRONG_SHAPE,
            doc.span((*path, "become")),
            what=f'"become" of {what}',
            expected="true or a user name",
            got=type(value).__name__,
        )
    )
    return None


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
    for kind in ADDRESSED:
        if kind.name in body:
            where = body[kind.name]
            path = ("hosts", name, kind.name)
            if not _shape(c, doc, path, where, str, f'"{kind.name}" of host {name}'):
                return None
            if kind.name == "chroot":
                where = str((base / where).resolve())
            why = kind.check(where)
            if why is not None:
                c.add(
                    diag(
                        m.BAD_CONNECTION,
                        doc.span(path),
                        detail=f"{where!r} {why}",
                        hint=f"write it as {kind.example}",
                    )
                )
                return None
            tag = body.get("tag")
            if tag is not None and not _shape(
                c, doc, ("hosts", name, "tag"), tag, str, f'"tag" of host {name}'
            ):
                return None
            if tag is not None and not (kind.images and where.startswith(IMAGE_PREFIX)):
                c.add(
                    diag(
                        m.BAD_CONNECTION,
                        doc.span(("hosts", name, "tag")),
                        detail=f"host {name} has a tag but builds no image",
                        hint=f'tag names the image built from {kind.name} = "image:IMAGE"',
                    )
                )
                return None
            return Connection(kind.name, address=where, options={"tag": tag} if tag else {})
    c.add(
        diag(
            m.MISSING_KEY,
            doc.key_span(("hosts", name)),
            where=f"host {name}",
            key="ssh",
            hint=f"give it {KEYS_HINT}",
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
                become = _become(c, doc, ("hosts", name), body, f"host {name}")
                hosts.append(Host(name, conn, hvars, doc.key_span(("hosts", name)), become))
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
            group_names = set(raw_groups)
            for i, member in enumerate(members):
                if member not in known and member not in group_names:
                    c.add(
                        diag(
                            m.UNKNOWN_HOST,
                            doc.span(("groups", name, "hosts", i)),
                            name=str(member),
                            hint=suggest(str(member), known | group_names),
                        )
                    )
            become = _become(c, doc, ("groups", name), body, f"group {name}")
            groups.append(
                Group(name, tuple(members), gvars, doc.key_span(("groups", name)), become)
            )
    for g in groups:
        if g.name in known:
            c.add(
                diag(
                    m.BAD_VALUE,
                    g.span,
                    what=f"group {g.name}",
                    detail="has the name of a host",
                    hint="hosts and groups need distinct names",
                )
            )
    _check_nesting(c, groups)
    if not hosts and not raw_hosts:
        return DEFAULT_INVENTORY
    return Inventory(tuple(hosts), tuple(groups), doc)


def _check_nesting(c: Collector, groups: list[Group]) -> None:
    by_name = {g.name: g for g in groups}

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = " -> ".join([*trail[trail.index(name) :], name])
            c.add(
                diag(
                    m.CYCLE,
                    by_name[name].span,
                    what="groups",
                    cycle=cycle,
                    hint="a group cannot contain itself",
                )
            )
            return
        for member in by_name[name].hosts:
            if member in by_name:
                visit(member, [*trail, name])

    for g in groups:
        visit(g.name, [])


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


def select(inv: Inventory, patterns: Iterable[str]) -> tuple[list[str], list[str]]:
    """Hosts matched by ``patterns``, and the patterns that matched nothing.

    A pattern is a host name, a group name (its hosts, through nested groups),
    or a glob over host and group names (``web*``); ``!pattern`` excludes. With
    only exclusions, they apply to every host. Result in inventory order.
    """
    chosen: set[str] = set()
    excluded: set[str] = set()
    unknown: list[str] = []
    pats = list(patterns)
    for pat in pats:
        negative = pat.startswith("!")
        hit = _match(inv, pat[1:] if negative else pat)
        if not hit:
            unknown.append(pat)
        (excluded if negative else chosen).update(hit)
    if pats and all(p.startswith("!") for p in pats):
        chosen = {h.name for h in inv.hosts}
    return [h.name for h in inv.hosts if h.name in chosen - excluded], unknown


def _match(inv: Inventory, pattern: str) -> set[str]:
    hosts = {h.name for h in inv.hosts}
    groups = [g.name for g in inv.groups]
    if pattern in hosts:
        return {pattern}
    if pattern in groups:
        return set(inv.members(pattern))
    # Without *, ? or [ a glob matches only its own text: a name, handled above.
    out = {h for h in hosts if fnmatch.fnmatchcase(h, pattern)}
    for g in groups:
        if fnmatch.fnmatchcase(g, pattern):
            out.update(inv.members(g))
    return out
