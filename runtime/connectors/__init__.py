"""Connectors: how commands and files reach a host. One contract, several transports.

| kind | module | commands | files |
|---|---|---|---|
| ``ssh`` | ``ssh`` | a channel on Fabric's connection, our exec loop | SFTP |
| ``local`` | ``local`` | ``/bin/sh -c`` | Python file I/O |
| ``chroot`` | ``chroot`` | ``chroot DIR /bin/sh -c`` | ``cat`` inside the root |
| ``docker`` | ``docker`` | ``docker exec -i NAME sh -c`` | ``docker cp`` |
| ``kubectl`` | ``kubectl`` | ``kubectl exec -i [-n NS] POD -- sh -c`` | ``kubectl cp`` |

The contract (``Connector``, ``Result``, the errors) is in ``base``;
``FakeConnector`` answers from a function, for unit tests. ``connect()``
returns the connector for a ``Connection`` of the IR, not yet opened.
"""

from __future__ import annotations

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
from .docker import DockerConnector
from .fake import FakeConnector
from .kubectl import KubectlConnector
from .local import LocalConnector
from .ssh import SshConnector


def connect(target: Connection, accept_new_host_keys: bool = False) -> Connector:
    """The connector that reaches ``target`` (call ``open()`` on it next)."""
    if target.kind == "local":
        return LocalConnector()
    if target.kind == "ssh":
        return SshConnector(target, accept_new_host_keys=accept_new_host_keys)
    if target.kind == "chroot":
        return ChrootConnector(target)
    if target.kind == "docker":
        return DockerConnector(target)
    if target.kind == "kubectl":
        return KubectlConnector(target)
    raise ConnectError(f"{target.target}: no connector for {target.kind!r}")


__all__ = [
    "ChrootConnector",
    "ConnectError",
    "Connector",
    "DockerConnector",
    "FakeConnector",
    "KubectlConnector",
    "LocalConnector",
    "OutputSink",
    "Result",
    "SshConnector",
    "TransferError",
    "become",
    "connect",
]
