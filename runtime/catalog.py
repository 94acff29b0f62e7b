"""The runtime's operation catalog: importing this module registers every built-in op."""

from __future__ import annotations

from . import (  # noqa: F401  (registration happens on import)
    apache,
    apt,
    files,
    files_edit,
    files_get,
    files_transfer,
    files_tree,
    git,
    mysql,
    pip,
    pkgmanagers,
    server,
    server_config,
    server_system,
    server_users,
    service,
    ssh,
    systemd,
)
from .operation import CATALOG, OPERATIONS

__all__ = ["CATALOG", "OPERATIONS"]
