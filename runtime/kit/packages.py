"""What the package-manager families share: each manager's driver (how it installs
and removes, and which ``packages.*`` fact lists what is installed), the arguments
and plan of the ``<manager>.packages`` ops, and apt-get's flags. apt's own ops,
dnf, apk, pacman and ``server.packages`` all install through them; keeping them
here lets ``server.packages`` drive every manager without importing their families."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.facts.packages import Apk, Deb, Pacman, Rpm

APT_GET = sh(
    raw("DEBIAN_FRONTEND=noninteractive apt-get -y -q"),
    raw("-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"),
)


NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+:@-]*$")


def check_names(v: Any) -> str | None:
    bad = [p for p in v if not NAME.match(p)]
    return f"not package names: {', '.join(map(repr, bad))}" if bad else None


@dataclass(frozen=True)
class PackagesArgs:
    packages: list[str] = arg(doc="Package names.", check=check_names)
    present: bool = arg(True, doc="false removes them.")


@dataclass(frozen=True)
class Driver:
    """How one package manager installs and removes, and which fact lists what is installed."""

    name: str
    fact: type[Fact[dict[str, str]]]
    install: Command
    remove: Command


DRIVERS = {
    "dnf": Driver("dnf", Rpm, sh("dnf", "install", "-y", "-q"), sh("dnf", "remove", "-y", "-q")),
    "yum": Driver("yum", Rpm, sh("yum", "install", "-y", "-q"), sh("yum", "remove", "-y", "-q")),
    "apk": Driver("apk", Apk, sh("apk", "add", "--no-progress", "-q"), sh("apk", "del", "-q")),
    "pacman": Driver(
        "pacman",
        Pacman,
        sh("pacman", "-S", "--noconfirm", "--needed", "--noprogressbar"),
        sh("pacman", "-R", "--noconfirm"),
    ),
    "apt": Driver("apt", Deb, APT_GET + sh("install"), APT_GET + sh("remove")),
}


def plan_with(d: Driver, a: PackagesArgs, installed: dict[str, str]) -> list[Change]:
    if a.present:
        todo = [p for p in a.packages if p not in installed]
        if not todo:
            return []
        cmd = d.install + sh(*todo)
        return [Change(Action.CREATE, f"install {', '.join(todo)} ({d.name})", (cmd,))]
    todo = [p for p in a.packages if p in installed]
    if not todo:
        return []
    return [Change(Action.DELETE, f"remove {', '.join(todo)} ({d.name})", (d.remove + sh(*todo),))]


def installed_after(a: PackagesArgs, installed: dict[str, str]) -> dict[str, str]:
    out = dict(installed)
    for p in a.packages:
        if a.present:
            out.setdefault(p, "(new)")
        else:
            out.pop(p, None)
    return out


class ManagerPackages(Operation[PackagesArgs]):
    """The ``<manager>.packages`` op of one manager: a family's subclass sets ``kind`` and
    ``manager`` (its key in ``DRIVERS``) and registers itself."""

    manager: ClassVar[str]
    declares = Declares(identity=("packages",))

    def facts(self, a: PackagesArgs) -> list[FactRef[Any]]:
        return [DRIVERS[self.manager].fact.ref()]

    def plan(self, a: PackagesArgs, f: Facts) -> list[Change]:
        d = DRIVERS[self.manager]
        return plan_with(d, a, f[d.fact.ref()])

    def effects(self, a: PackagesArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        d = DRIVERS[self.manager]
        return {d.fact.ref(): installed_after(a, f[d.fact.ref()])}

    def reach(self, a: PackagesArgs) -> Reach:
        return PACKAGES
