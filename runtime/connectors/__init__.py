"""Connectors: how commands and files reach a host. One contract, several transports.

| kind | module | commands | files |
|---|---|---|---|
| ``ssh`` | ``ssh`` | a channel on Fabric's connection, our exec loop | SFTP |
| ``local`` | ``local`` | ``/bin/sh -c`` | Python file I/O |
| ``chroot`` | ``chroot`` | ``chroot DIR /bin/sh -c`` | ``cat`` inside the root |
| ``docker``, ``podman`` | ``engine`` | ``ENGINE exec -i NAME sh -c`` | ``ENGINE cp`` |
| ``kubectl`` | ``kubectl`` | ``kubectl exec -i [-n NS] POD -- sh -c`` | ``kubectl cp`` |

The contract (``Connector``, ``Result``, the errors) is in ``base``;
``FakeConnector`` answers from a function, for unit tests. ``connect()``
returns the connector for a ``Connection`` of the IR, not yet opened.
``CONNECTORS`` has one row per kind of ``specops.compiler.connections.KINDS``
(a test checks both tables name the same kinds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from specops.compiler.ir import Connection

from .base import (
    ConnectError,
    Connector,
    OutputSink,
    Result,
    TransferError,
    become,
)
from .chroot import ChrootConnector
from .engine import DockerConnector, EngineConnector, PodmanConnector
from .fake import FakeConnector
from .kubectl import KubectlConnector
from .local import LocalConnector
from .ssh import SshConnector


@dataclass(frozen=True)
class Settings:
    """What every connector is made with: trust in new host keys, the connect timeout."""

    accept_new_host_keys: bool = False
    connect_timeout: float = 10.0


CONNECTORS: dict[str, Callable[[Connection, Settings], Connector]] = {
    "local": lambda target, s: LocalConnector(),
    "ssh": lambda target, s: SshConnector(target, s.connect_timeout, s.accept_new_host_keys),
    "chroot": lambda target, s: ChrootConnector(target),
    "docker": lambda target, s: DockerConnector(target),
    "podman": lambda target, s: PodmanConnector(target),
    "kubectl": lambda target, s: KubectlConnector(target),
}


def connect(
    target: Connection, accept_new_host_keys: bool = False, timeout: float | None = None
) -> Connector:
    """The connector that reaches ``target`` (call ``open()`` on it next); ``timeout``
    bounds connecting (the whole SSH handshake), 10 s when not given."""
    make = CONNECTORS.get(target.kind)
    if make is None:
        raise ConnectError(f"{target.target}: no connector for {target.kind!r}")
    return make(target, Settings(accept_new_host_keys, timeout or 10.0))


__all__ = [
    "CONNECTORS",
    "ChrootConnector",
    "ConnectError",
    "Connector",
    "DockerConnector",
    "EngineConnector",
    "FakeConnector",
    "KubectlConnector",
    "LocalConnector",
    "OutputSink",
    "PodmanConnector",
    "Result",
    "SshConnector",
    "TransferError",
    "become",
    "connect",
]
