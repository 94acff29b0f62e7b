"""The runtime's catalog: the explicit list of families. Importing it registers every
built-in op and fact; a new family is one line here (tests/unit/test_layers.py checks
that every family module is listed)."""

from __future__ import annotations

# Registration happens on import.
from specops.runtime.core.operation import CATALOG, OPERATIONS
from specops.runtime.facts import files as _files_facts  # noqa: F401
from specops.runtime.facts import git as _git_facts  # noqa: F401
from specops.runtime.facts import host as _host_facts  # noqa: F401
from specops.runtime.facts import mysql as _mysql_facts  # noqa: F401
from specops.runtime.facts import packages as _packages_facts  # noqa: F401
from specops.runtime.facts import pip as _pip_facts  # noqa: F401
from specops.runtime.facts import server as _server_facts  # noqa: F401
from specops.runtime.facts import ssh as _ssh_facts  # noqa: F401
from specops.runtime.facts import systemd as _systemd_facts  # noqa: F401
from specops.runtime.operations import (  # noqa: F401
    apache,
    apk,
    apt,
    dnf,
    files,
    git,
    mysql,
    pacman,
    pip,
    server,
    service,
    ssh,
    systemd,
)

__all__ = ["CATALOG", "OPERATIONS"]
