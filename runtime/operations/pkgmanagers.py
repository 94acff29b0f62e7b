"""Packages beyond apt: dnf.packages, apk.packages, pacman.packages and server.packages.

dnf, apk and pacman cannot run on the Debian hosts this project tests on: their
commands and fact parsers are tested from fixtures (docs/operations.md says
so). ``server.packages`` picks the host's manager from the ``packages.Manager``
fact and plans like the matching op; on Debian it runs apt for real.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import Command, sh
from specops.runtime.core.fact import Fact, FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.core.words import check_one_line
from specops.runtime.facts.packages import Apk, Deb, Manager, Pacman, Rpm
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)
from specops.runtime.kit.packages import APT_GET

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


class _ManagerPackages(Operation[PackagesArgs]):
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


@register
class DnfPackages(_ManagerPackages):
    """Ensure RPM packages are installed with dnf (Fedora, RHEL, Rocky, Alma), or removed.

    Tested from fixtures only: no dnf host runs here.
    Example: ``[ops.web] op = "dnf.packages"  packages = ["nginx"]``
    """

    kind = "dnf.packages"
    manager = "dnf"


@register
class ApkPackages(_ManagerPackages):
    """Ensure Alpine packages are installed with apk, or removed.

    Tested from fixtures only: no Alpine host runs here.
    Example: ``[ops.web] op = "apk.packages"  packages = ["nginx"]``
    """

    kind = "apk.packages"
    manager = "apk"


@register
class PacmanPackages(_ManagerPackages):
    """Ensure Arch Linux packages are installed with pacman (``--needed``), or removed.

    Tested from fixtures only: no Arch host runs here.
    Example: ``[ops.web] op = "pacman.packages"  packages = ["nginx"]``
    """

    kind = "pacman.packages"
    manager = "pacman"


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


@dataclass(frozen=True)
class DnfRepoArgs:
    name: str = arg(
        doc="Repository id: /etc/yum.repos.d/NAME.repo.",
        check=lambda v: (
            None if re.fullmatch(r"[A-Za-z0-9_.-]+", v) else f"{v!r} is not a repository id"
        ),
    )
    baseurl: str = arg(
        doc="Where the packages are, e.g. https://example.org/el9/$basearch/.", check=check_one_line
    )
    description: str = arg(
        "", doc="The repository's name= line (default: its id).", check=check_one_line
    )
    gpgkey: str | None = arg(
        None, doc="URL of the signing key; without it gpgcheck is off.", check=check_one_line
    )
    enabled: bool = arg(True, doc="enabled=1 or 0.")


def dnf_repo(a: DnfRepoArgs) -> bytes:
    lines = [f"[{a.name}]", f"name={a.description or a.name}", f"baseurl={a.baseurl}"]
    lines += [f"enabled={int(a.enabled)}", f"gpgcheck={int(a.gpgkey is not None)}"]
    lines += [f"gpgkey={a.gpgkey}"] if a.gpgkey else []
    return ("\n".join(lines) + "\n").encode()


@register
class DnfRepository(Operation[DnfRepoArgs]):
    """Ensure a dnf/yum repository file in /etc/yum.repos.d.

    Tested from fixtures and by writing the file on a Debian host (no dnf runs here).
    Example: ``[ops.repo] op = "dnf.repository"  name = "nginx"
    baseurl = "https://nginx.org/packages/centos/9/$basearch/"  gpgkey = "https://nginx.org/keys/nginx_signing.key"``
    """

    kind = "dnf.repository"
    declares = Declares(identity=("name",))

    def facts(self, a: DnfRepoArgs) -> list[FactRef[Any]]:
        return content_facts(f"/etc/yum.repos.d/{a.name}.repo")

    def plan(self, a: DnfRepoArgs, f: Facts) -> list[Change]:
        return ensure_content(
            f"/etc/yum.repos.d/{a.name}.repo",
            dnf_repo(a),
            f,
            mode="0644",
            what="repository file",
            parents=True,
        )

    def effects(self, a: DnfRepoArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(f"/etc/yum.repos.d/{a.name}.repo", dnf_repo(a), f, mode="0644")


@dataclass(frozen=True)
class ApkRepoArgs:
    url: str = arg(
        doc="The repository line, e.g. https://dl-cdn.alpinelinux.org/alpine/v3.20/community.",
        check=check_one_line,
    )
    present: bool = arg(True, doc="false removes it.")


APK_REPOS = "/etc/apk/repositories"


def edit_apk_repos(text: str, a: ApkRepoArgs) -> str:
    lines = [x for x in text.splitlines() if x.strip() != a.url]
    if a.present:
        if a.url in [x.strip() for x in text.splitlines()]:
            return text
        lines.append(a.url)
    return "".join(x + "\n" for x in lines)


@register
class ApkRepository(Operation[ApkRepoArgs]):
    """Ensure a line in /etc/apk/repositories (Alpine), or its absence.

    Tested from fixtures and by editing the file on a Debian host (no apk runs here).
    Example: ``[ops.community] op = "apk.repository"
    url = "https://dl-cdn.alpinelinux.org/alpine/v3.20/community"``
    """

    kind = "apk.repository"
    declares = Declares(identity=("url",))

    def facts(self, a: ApkRepoArgs) -> list[FactRef[Any]]:
        return content_facts(APK_REPOS)

    def _new(self, a: ApkRepoArgs, f: Facts) -> str | None:
        st, cur = current(APK_REPOS, f)
        if st is None and not a.present:
            return None
        return edit_apk_repos(text_of(cur, APK_REPOS), a)

    def plan(self, a: ApkRepoArgs, f: Facts) -> list[Change]:
        new = self._new(a, f)
        if new is None:
            return []
        return ensure_content(
            APK_REPOS,
            encode(new),
            f,
            mode="0644",
            exact=False,
            what="repositories",
            parents=True,
        )

    def effects(self, a: ApkRepoArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        new = self._new(a, f)
        return {} if new is None else content_effects(APK_REPOS, encode(new), f, mode="0644")
