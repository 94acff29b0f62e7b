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

CONNECTORS: dict[str, Callable[[Connection, bool], Connector]] = {
    "local": lambda target, accept_new: LocalConnector(),
    "ssh": lambda target, accept_new: SshConnector(target, accept_new_host_keys=accept_new),
    "chroot": lambda target, accept_new: ChrootConnector(target),
    "docker": lambda target, accept_new: DockerConnector(target),
    "podman": lambda target, accept_new: PodmanConnector(target),
    "kubectl": lambda target, accept_new: KubectlConnector(target),
}


def connect(target: Connection, accept_new_host_keys: bool = False) -> Connector:
    """The connector that reaches ``target`` (call ``open()`` on it next)."""
    make = CONNECTORS.get(target.kind)
    if make is None:
        raise ConnectError(f"{target.target}: no connector for {target.kind!r}")
    return make(target, accept_new_host_keys)


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
