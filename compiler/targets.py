"""Target strings: hosts named on the command line instead of in a spec.

``TARGETS`` is a comma list; each item is one of

| item | reaches |
|---|---|
| ``@local`` | this machine |
| ``user@host:port`` (user and port optional) | an SSH server |
| ``@docker/NAME``, ``@podman/NAME`` | a running container |
| ``@docker/image:IMAGE``, ``@podman/image:IMAGE`` | a new container from ``IMAGE``, committed |
| ``@chroot/DIR`` | a root directory (``DIR`` is absolute: ``@chroot/srv/root``) |
| ``@kubectl/POD``, ``@kubectl/NAMESPACE/POD`` | a pod |
| a host or group name, a glob (``web*``), ``!pattern`` | hosts of the ``-i`` inventory |

The result is an ``Inventory`` (every host named by what reaches it), so the
rest of the pipeline treats ad-hoc hosts exactly like a spec's. Problems are
diagnostics located in the command line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from . import messages as m
from .connections import ADDRESSED, FORMS, KINDS
from .diagnostics import Collector, diag, suggest
from .inventory import LOCAL_NAME, Host, Inventory, parse_ssh_target, select
from .ir import LOCAL, Connection
from .source import Span

Locate = Callable[[int, int], Span]
"""Span of characters ``start:end`` of the TARGETS argument."""

_ADDRESSED = {k.name: k for k in ADDRESSED}


def is_literal(item: str) -> bool:
    """Whether ``item`` names how to reach a host, rather than an inventory name or pattern."""
    return "@" in item or ":" in item


def parse_target(
    item: str, span: Span, c: Collector, ssh_options: dict[str, str] | None = None
) -> Connection | None:
    """The connection ``item`` describes, or None (with a diagnostic)."""
    if item == LOCAL_NAME:
        return LOCAL
    if item.startswith("@"):
        kind, _, where = item[1:].partition("/")
        if kind not in _ADDRESSED:
            hint = suggest(f"@{kind}", ["@local", *(f"@{k}" for k in _ADDRESSED)])
            c.add(
                diag(
                    m.BAD_CONNECTION,
                    span,
                    detail=f"{item!r} is not a target",
                    hint=hint or f"a target is {FORMS}",
                )
            )
            return None
        if not where.strip("/"):
            c.add(
                diag(
                    m.BAD_CONNECTION,
                    span,
                    detail=f"{item!r} does not say which {kind} target",
                    hint=f'write it as "{_ADDRESSED[kind].form}"',
                )
            )
            return None
        if kind == "chroot":
            where = posixpath.normpath("/" + where.lstrip("/"))
        why = _ADDRESSED[kind].check(where)
        if why is not None:
            c.add(
                diag(
                    m.BAD_CONNECTION,
                    span,
                    detail=f"{where!r} {why}",
                    hint=f'write it as "{_ADDRESSED[kind].form}"',
                )
            )
            return None
        return Connection(KINDS[kind].name, address=where)
    parts = parse_ssh_target(item)
    if parts is None:
        c.add(
            diag(
                m.BAD_CONNECTION,
                span,
                detail=f"{item!r} is not an ssh target",
                hint=f"a target is {FORMS}",
            )
        )
        return None
    user, address, port = parts
    return Connection("ssh", user, address, port, dict(ssh_options or {}))


def ssh_options(key: str | None, known_hosts: str | None) -> dict[str, str]:
    """Connection options of command-line ssh targets (``--key``, ``--known-hosts``)."""
    out: dict[str, str] = {}
    if key:
        out["key"] = str(Path(key).expanduser().resolve())
    if known_hosts:
        out["known_hosts"] = str(Path(known_hosts).expanduser().resolve())
    return out


def read_targets(
    text: str,
    locate: Locate,
    c: Collector,
    *,
    inventory: Inventory | None = None,
    options: dict[str, str] | None = None,
) -> Inventory:
    """The hosts ``text`` names, in the order given (inventory hosts in inventory order)."""
    hosts: list[Host] = []
    patterns: list[tuple[str, Span]] = []
    offset = 0
    for raw in text.split(","):
        start = offset + len(raw) - len(raw.lstrip())
        item = raw.strip()
        offset += len(raw) + 1
        span = locate(start, start + max(len(item), 1))
        if not item:
            c.add(diag(m.BAD_CONNECTION, span, detail="empty target", hint=f"a target is {FORMS}"))
            continue
        if inventory is not None and not is_literal(item):
            patterns.append((item, span))
            continue
        conn = parse_target(item, span, c, options)
        # Named as typed (``@chroot/srv/root``), one host per connection.
        if conn is not None and all(h.connection != conn for h in hosts):
            hosts.append(Host(item, conn, {}, span))
    if inventory is not None:  # no patterns: select chooses nothing
        chosen, unknown = select(inventory, [p for p, _ in patterns])
        for pat, span in patterns:
            if pat in unknown:
                c.add(
                    diag(
                        m.UNKNOWN_HOST,
                        span,
                        name=pat,
                        hint=suggest(pat.lstrip("!"), inventory.names())
                        or "hosts and groups: " + ", ".join(inventory.names()),
                    )
                )
        known = {h.name for h in hosts}
        hosts += [inventory.host(n) for n in chosen if n not in known]
    return Inventory(tuple(hosts), inventory.groups if inventory else ())
