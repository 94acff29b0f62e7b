"""The operation IR: the contract between front ends, optimizer and runtime.

Plain frozen data, JSON-serializable, with one canonical JSON form. A program
is a list of hosts, each with how to reach it and its ordered op nodes. Front
ends (spec files, Python deploys) produce it; the optimizer rewrites it; the
runtime reads it. Nothing here touches a host.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .connections import ConnectorKind
from .redact import redact_args
from .source import Span

IR_VERSION = 1


@dataclass(frozen=True)
class Connection:
    """How to reach a host: a connector kind, an address, and connector options."""

    kind: ConnectorKind
    user: str | None = None
    address: str | None = None
    port: int | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        if self.kind == "local":
            return "@local"
        if self.kind != "ssh":
            return f"@{self.kind}/{(self.address or '').lstrip('/')}"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{self.address}{port}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for key in ("user", "address", "port"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.options:
            out["options"] = dict(sorted(self.options.items()))
        return out


LOCAL = Connection("local")


@dataclass(frozen=True)
class OpNode:
    """One operation for one host, fully evaluated."""

    id: str
    kind: str
    args: Mapping[str, Any]
    requires: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    handler: bool = False
    become: bool | str = False  # true: root; a name: that user (through sudo)
    tags: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    # The secret values inside the sensitive args, so that output quoting them
    # (a command echoing a token) can be scrubbed. Never serialized.
    secrets: tuple[str, ...] = field(default=(), compare=False, repr=False)
    desc: str | None = None
    origin: tuple[Span, ...] = ()
    # The ids of the ops the optimizer merged into this node (empty when it was
    # not merged): the runtime reports an outcome for each of them.
    parts: tuple[str, ...] = ()
    # Where each edge was declared: a required id -> its ``requires`` entry (or the
    # other op's ``before`` entry), so a cycle points at the entries that make it.
    # Not part of the IR's canonical form.
    edge_spans: Mapping[str, Span] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self, origins: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "args": redact_args(self.args, self.sensitive) if self.sensitive else dict(self.args),
            "requires": list(self.requires),
            "notify": list(self.notify),
            "handler": self.handler,
            "become": self.become,
            "tags": list(self.tags),
            "sensitive": list(self.sensitive),
        }
        if self.desc is not None:
            out["desc"] = self.desc
        if self.parts:
            out["parts"] = list(self.parts)
        if origins:
            out["origin"] = [str(s) for s in self.origin]
        return out


@dataclass(frozen=True)
class HostProgram:
    """Everything one host will run, in order."""

    name: str
    connection: Connection
    ops: tuple[OpNode, ...]


@dataclass(frozen=True)
class Program:
    hosts: tuple[HostProgram, ...]

    def host(self, name: str) -> HostProgram:
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(name)


def to_doc(program: Program, origins: bool = False, redact: bool = True) -> dict[str, Any]:
    hosts = []
    for h in program.hosts:
        ops = []
        for op in h.ops:
            d = op.to_json(origins)
            if not redact:
                d["args"] = dict(op.args)
            ops.append(d)
        hosts.append({"name": h.name, "connection": h.connection.to_json(), "ops": ops})
    return {"version": IR_VERSION, "hosts": hosts}


def to_json(program: Program, origins: bool = False) -> str:
    """The canonical JSON text of a program, sensitive values redacted.

    Origins (source locations) are left out by default: they differ between the
    TOML, YAML and Python forms of one deploy, whose canonical IR must be
    byte-identical.
    """
    return json.dumps(to_doc(program, origins), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _span(text: str) -> Span:
    file, line, col = text.rsplit(":", 2)
    return Span.point(file, int(line), int(col))


def from_doc(doc: Mapping[str, Any]) -> Program:
    """The program a ``to_doc(…, origins=True, redact=False)`` document describes."""
    if doc.get("version") != IR_VERSION:
        raise ValueError(f"IR version {doc.get('version')!r}, expected {IR_VERSION}")
    hosts = []
    for h in doc["hosts"]:
        c = h["connection"]
        conn = Connection(
            c["kind"], c.get("user"), c.get("address"), c.get("port"), dict(c.get("options", {}))
        )
        ops = tuple(
            OpNode(
                id=o["id"],
                kind=o["kind"],
                args=o["args"],
                requires=tuple(o["requires"]),
                notify=tuple(o["notify"]),
                handler=o["handler"],
                become=o["become"],
                tags=tuple(o["tags"]),
                sensitive=tuple(o["sensitive"]),
                desc=o.get("desc"),
                origin=tuple(_span(s) for s in o.get("origin", [])),
                parts=tuple(o.get("parts", [])),
            )
            for o in h["ops"]
        )
        hosts.append(HostProgram(h["name"], conn, ops))
    return Program(tuple(hosts))
