"""A Python module for the multi-role example: one expression function and one operation.

``site_lines(sites, docroot)`` renders the server blocks of the web config;
``app.release`` writes a JSON release manifest, atomically, only when it differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import specops
from specops.toolkit import FileContent, sha256, write_file

EXAMPLE = ("site_lines({'shop': 8080}, '/www')", "'site shop 8080 /www/shop\\n'")


@specops.function(examples=[EXAMPLE])
def site_lines(sites: dict[str, Any], docroot: str) -> str:
    """One `site NAME PORT ROOT` line per site, sorted by name."""
    return "".join(f"site {name} {port} {docroot}/{name}\n" for name, port in sorted(sites.items()))


@dataclass(frozen=True)
class ReleaseArgs:
    path: str = specops.arg(doc="Where the manifest goes (absolute).")
    app: str = specops.arg(doc="Application name.")
    version: str = specops.arg(doc="Version, as text.")
    stage: str = specops.arg("dev", doc="dev, staging or prod.")


@specops.operation
class Release(specops.Operation[ReleaseArgs]):
    """Write a JSON release manifest (app, version, stage)."""

    kind = "app.release"
    declares = specops.Declares(identity=("path",))

    def facts(self, a: ReleaseArgs) -> list[specops.FactRef[Any]]:
        return [FileContent.ref(path=a.path)]

    def plan(self, a: ReleaseArgs, f: specops.Facts) -> list[specops.Change]:
        doc = {"app": a.app, "version": a.version, "stage": a.stage}
        data = (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode()
        current = f[FileContent.ref(path=a.path)]
        if current is not None and current.sha256 == sha256(data):
            return []
        action = specops.Action.CREATE if current is None else specops.Action.UPDATE
        exists = current is not None
        write = write_file(a.path, data, mode="0644", user=None, group=None, existing=exists)
        return [specops.Change(action, f"release {a.app} {a.version} ({a.stage})", (write,))]
