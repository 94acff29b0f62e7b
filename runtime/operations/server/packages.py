"""server.packages: packages with whatever manager the host has.

It picks the manager from the ``packages.Manager`` fact and plans like the
matching family's op, through the drivers of ``kit/packages.py``; on Debian it
runs apt for real.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Change, Operation, PlanError, register
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.facts.packages import Manager
from specops.runtime.kit.packages import (
    DRIVERS,
    Driver,
    PackagesArgs,
    check_names,
    installed_after,
    plan_with,
)


@dataclass(frozen=True)
class ServerPackagesArgs:
    packages: list[str] = arg(
        doc="Package names (the same on every manager you target).", check=check_names
    )
    present: bool = arg(True, doc="false removes them.")
    manager: Literal["auto", "apt", "dnf", "yum", "apk", "pacman"] = arg(
        "auto", doc="Which package manager; auto detects the host's."
    )


@register
class ServerPackages(Operation[ServerPackagesArgs]):
    """Ensure packages are installed (or removed) with whatever package manager the host has.

    apt does not refresh its lists here: use ``apt.packages`` for that control.
    Example: ``[ops.tools] op = "server.packages"  packages = ["curl", "git"]``
    """

    kind = "server.packages"
    declares = Declares(identity=("packages",))

    def reach(self, a: ServerPackagesArgs) -> Reach:
        return PACKAGES

    def facts(self, a: ServerPackagesArgs) -> list[FactRef[Any]]:
        # Which list fact matters depends on the manager, known only after the read:
        # read them all (each prints nothing when its tool is missing).
        facts = dict.fromkeys(d.fact for d in DRIVERS.values())
        return [Manager.ref(), *(fact.ref() for fact in facts)]

    def _driver(self, a: ServerPackagesArgs, f: Facts) -> Driver:
        name = a.manager if a.manager != "auto" else f[Manager.ref()]
        if name not in DRIVERS:
            raise PlanError("no known package manager on this host (apt, dnf, yum, apk, pacman)")
        return DRIVERS[name]

    def plan(self, a: ServerPackagesArgs, f: Facts) -> list[Change]:
        d = self._driver(a, f)
        return plan_with(d, PackagesArgs(a.packages, a.present), f[d.fact.ref()])

    def effects(self, a: ServerPackagesArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        d = self._driver(a, f)
        return {d.fact.ref(): installed_after(PackagesArgs(a.packages, a.present), f[d.fact.ref()])}
