"""files.get: copy a file from the host to the controller.

The plan compares the host file's SHA-256 (a fact) with the controller's copy;
the executor fetches the file after the host's script ran (SFTP for SSH hosts)
and writes it atomically on the controller. One round trip per fetched file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.words import check_absolute
from specops.runtime.facts.files import FileContent


@dataclass(frozen=True)
class GetArgs:
    path: str = arg(doc="The file on the host (absolute).", check=check_absolute)
    dest: str = arg(
        local_path=True,
        doc='Where it goes on the controller (relative to the spec); put "${host.name}" in '
        "it when several hosts fetch the same file.",
    )


@register
class Get(Operation[GetArgs]):
    """Copy a file from the host to the controller, when the copy there differs.

    Example: ``[ops.backup] op = "files.get"  path = "/etc/nginx/nginx.conf"
    dest = "backups/${host.name}/nginx.conf"``
    """

    kind = "files.get"
    declares = Declares(identity=("dest",))

    def facts(self, a: GetArgs) -> list[FactRef[Any]]:
        return [FileContent.ref(path=a.path)]

    def plan(self, a: GetArgs, f: Facts) -> list[Change]:
        there = f[FileContent.ref(path=a.path)]
        if there is None:
            raise PlanError(f"{a.path} is not a regular file on the host")
        here = Path(a.dest)
        have = hashlib.sha256(here.read_bytes()).hexdigest() if here.is_file() else None
        if have == there.sha256:
            return []
        action = Action.CREATE if have is None else Action.UPDATE
        return [Change(action, f"fetch {a.path} to {a.dest}", (), fetch=(a.path, a.dest))]
