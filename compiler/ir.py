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
from typing import Any, Literal

from .redact import redact_args
from .source import Span

IR_VERSION = 1

ConnectorKind = Literal["local", "ssh", "docker", "chroot", "kubectl"]


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
    become: bool = False
    tags: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    # The secret values inside the sensitive args, so that output quoting them
    # (a command echoing a token) can be scrubbed. Never serialized.
    secrets: tuple[str, ...] = field(default=(), compare=False, repr=False)
    desc: str | None = None
    origin: tuple[Span, ...] = ()

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


def to_json(program: Program, origins: bool = False) -> str:
    """The canonical JSON text of a program.

    Origins (source locations) are left out by default: they differ between the
    TOML, YAML and Python forms of one deploy, whose canonical IR must be
    byte-identical.
    """
    doc = {
        "version": IR_VERSION,
        "hosts": [
            {
                "name": h.name,
                "connection": h.connection.to_json(),
                "ops": [op.to_json(origins) for op in h.ops],
            }
            for h in program.hosts
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
