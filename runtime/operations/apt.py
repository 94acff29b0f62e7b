"""Debian and Ubuntu packages: apt.packages, apt.update, apt.repository, apt.key, apt.hold.

The package lists are refreshed at most once per run: an op that updates them
predicts a fresh cache (``AptCacheAge`` = 0), so the apt ops after it in the
same run do not update again, and ``apt.repository`` predicts a stale one, so
the next install does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.core.words import check_absolute
from specops.runtime.facts.files import FileContent, FileInfo
from specops.runtime.facts.packages import AptCacheAge, AptHolds, AptPolicy, Deb
from specops.runtime.kit.content import content_effects, content_facts, ensure_content
from specops.runtime.kit.packages import APT_GET

PKG = re.compile(r"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$")


def check_packages(v: Any) -> str | None:
    bad = [p for p in v if not PKG.match(p)]
    return f"not Debian package names: {', '.join(map(repr, bad))}" if bad else None


def check_name(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_-]+", v)
    return None if ok else f"{v!r} is not a plain name (letters, digits, - and _)"


UPDATE = sh(raw("DEBIAN_FRONTEND=noninteractive apt-get update -q && touch /var/lib/apt/lists"))


def stale(age: int | None, valid: int) -> bool:
    return age is None or age > valid


@dataclass(frozen=True)
class PackagesArgs:
    packages: list[str] = arg(
        doc='Package names, optionally pinned: "nginx", "curl=7.88.1-10".', check=check_packages
    )
    state: Literal["present", "absent", "latest"] = arg(
        "present", doc="present installs missing ones; latest also upgrades; absent removes."
    )
    update_cache: bool = arg(
        True,
        doc="Refresh the package lists first when they are older than cache_valid_time "
        "and something is to be installed.",
    )
    cache_valid_time: int = arg(3600, doc="Seconds the package lists count as fresh.")
    install_recommends: bool = arg(
        True,
        doc="Install recommended packages too, as apt-get does by default "
        "(false adds --no-install-recommends).",
    )
    purge: bool = arg(False, doc="With state = absent, also remove configuration files.")


def split_pin(p: str) -> tuple[str, str | None]:
    name, _, version = p.partition("=")
    return name.split(":")[0], version or None


@register
class Packages(Operation[PackagesArgs]):
    """Ensure Debian packages are installed (at the latest version), or removed.

    ``latest`` compares with the candidate version in the package lists as the plan
    reads them; a refresh in the same run may find a newer one, which the next run
    then installs.

    Example: ``[ops.web] op = "apt.packages"  packages = ["nginx", "curl"]``
    """

    kind = "apt.packages"
    declares = Declares(identity=("packages",), merge="packages")

    def reach(self, a: PackagesArgs) -> Reach:
        return PACKAGES

    def facts(self, a: PackagesArgs) -> list[FactRef[Any]]:
        refs: list[FactRef[Any]] = [Deb.ref()]
        if a.update_cache and a.state != "absent":
            refs.append(AptCacheAge.ref())
        if a.state == "latest":
            refs.append(
                AptPolicy.ref(packages=" ".join(sorted(split_pin(p)[0] for p in a.packages)))
            )
        return refs

    def _todo(self, a: PackagesArgs, f: Facts) -> list[str]:
        installed = f[Deb.ref()]
        if a.state == "absent":
            return [p for p in a.packages if split_pin(p)[0] in installed]
        todo = []
        policy = (
            f[AptPolicy.ref(packages=" ".join(sorted(split_pin(p)[0] for p in a.packages)))]
            if a.state == "latest"
            else {}
        )
        for p in a.packages:
            name, pin = split_pin(p)
            have = installed.get(name)
            if have is None or (pin and have != pin):
                todo.append(p)
            elif a.state == "latest":
                pol = policy.get(name)
                if pol and pol.candidate and pol.candidate != have:
                    todo.append(p)
        return todo

    def plan(self, a: PackagesArgs, f: Facts) -> list[Change]:
        todo = self._todo(a, f)
        if not todo:
            return []
        if a.state == "absent":
            cmd = APT_GET + sh("purge" if a.purge else "remove", *todo)
            return [Change(Action.DELETE, f"remove packages {', '.join(todo)}", (cmd,))]
        cmds: list[Command] = []
        if a.update_cache and stale(f[AptCacheAge.ref()], a.cache_valid_time):
            cmds.append(UPDATE)
        recommends = [] if a.install_recommends else ["--no-install-recommends"]
        cmds.append(APT_GET + sh("install", *recommends, *todo))
        installed = f[Deb.ref()]
        new = [p for p in todo if split_pin(p)[0] not in installed]
        upgrade = [p for p in todo if p not in new]
        what = ([f"install {', '.join(new)}"] if new else []) + (
            [f"upgrade {', '.join(upgrade)}"] if upgrade else []
        )
        return [Change(Action.CREATE if new else Action.UPDATE, "; ".join(what), tuple(cmds))]

    def effects(self, a: PackagesArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        installed = f[Deb.ref()].copy()
        for p in self._todo(a, f):
            name, pin = split_pin(p)
            if a.state == "absent":
                installed.pop(name, None)
            else:
                installed[name] = pin or "(new)"
        out: dict[FactRef[Any], Any] = {Deb.ref(): installed}
        if (
            a.update_cache
            and a.state != "absent"
            and stale(f[AptCacheAge.ref()], a.cache_valid_time)
        ):
            out[AptCacheAge.ref()] = 0
        return out


@dataclass(frozen=True)
class UpdateArgs:
    cache_valid_time: int = arg(
        3600, doc="Refresh only when the lists are older than this (seconds)."
    )


@register
class Update(Operation[UpdateArgs]):
    """Refresh the package lists (``apt-get update``) when they are older than cache_valid_time.

    Example: ``[ops.lists] op = "apt.update"  cache_valid_time = 86400``
    """

    kind = "apt.update"

    def reach(self, a: UpdateArgs) -> Reach:
        return Reach(facts=("packages.AptPolicy",))

    def facts(self, a: UpdateArgs) -> list[FactRef[Any]]:
        return [AptCacheAge.ref()]

    def plan(self, a: UpdateArgs, f: Facts) -> list[Change]:
        age = f[AptCacheAge.ref()]
        if not stale(age, a.cache_valid_time):
            return []
        when = "never updated" if age is None else f"{age} s old"
        return [Change(Action.UPDATE, f"update package lists ({when})", (UPDATE,))]

    def effects(self, a: UpdateArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {AptCacheAge.ref(): 0}


@dataclass(frozen=True)
class RepositoryArgs:
    name: str = arg(doc="File name under /etc/apt/sources.list.d (NAME.list).", check=check_name)
    line: str = arg(
        doc="The one-line source, e.g. "
        '"deb [signed-by=/etc/apt/keyrings/x.asc] https://example.org/debian bookworm main".',
        check=lambda v: (
            None if v.split()[:1] in (["deb"], ["deb-src"]) else "must start with deb or deb-src"
        ),
    )
    present: bool = arg(True, doc="false removes the file.")


def _repo_path(a: RepositoryArgs) -> str:
    return f"/etc/apt/sources.list.d/{a.name}.list"


@register
class Repository(Operation[RepositoryArgs]):
    """Ensure an apt source is configured (in its own file), or removed.

    A changed source marks the package lists stale, so a later ``apt.packages``
    in the same run refreshes them before installing.
    Example: ``[ops.repo] op = "apt.repository"  name = "example"
    line = "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.org/deb bookworm main"``
    """

    kind = "apt.repository"
    declares = Declares(identity=("name",))

    def facts(self, a: RepositoryArgs) -> list[FactRef[Any]]:
        return [*content_facts(_repo_path(a)), AptCacheAge.ref()]

    def plan(self, a: RepositoryArgs, f: Facts) -> list[Change]:
        path = _repo_path(a)
        if not a.present:
            if f[FileInfo.ref(path=path)] is None:
                return []
            return [
                Change(Action.DELETE, f"remove apt source {a.name}", (sh("rm", "-f", "--", path),))
            ]
        return ensure_content(path, (a.line + "\n").encode(), f, mode="0644", what="apt source")

    def effects(self, a: RepositoryArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        path = _repo_path(a)
        out: dict[FactRef[Any], Any] = {AptCacheAge.ref(): None}
        if a.present:
            out.update(content_effects(path, (a.line + "\n").encode(), f, mode="0644"))
        else:
            out.update({FileInfo.ref(path=path): None, FileContent.ref(path=path): None})
        return out


@dataclass(frozen=True)
class KeyArgs:
    name: str = arg(doc="Key file name: /etc/apt/keyrings/NAME.asc.", check=check_name)
    content: str = arg(doc="The ASCII-armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----).")


def _key_path(a: KeyArgs) -> str:
    return f"/etc/apt/keyrings/{a.name}.asc"


@register
class Key(Operation[KeyArgs]):
    """Ensure an apt signing key is in /etc/apt/keyrings, for a source's signed-by= option.

    apt reads armored .asc keys directly: no gpg or apt-key needed.
    Example: ``[ops.key] op = "apt.key"  name = "nodesource"  content = "${nodesource_key}"``
    """

    kind = "apt.key"
    declares = Declares(identity=("name",))

    def facts(self, a: KeyArgs) -> list[FactRef[Any]]:
        return content_facts(_key_path(a))

    def plan(self, a: KeyArgs, f: Facts) -> list[Change]:
        if "BEGIN PGP PUBLIC KEY BLOCK" not in a.content:
            raise PlanError("content is not an ASCII-armored public key")
        changes = ensure_content(_key_path(a), _key_data(a), f, mode="0644", what="apt key")
        if changes and changes[0].action is Action.CREATE:
            mk = sh("install", "-d", "-m", "0755", "/etc/apt/keyrings")
            changes[0] = Change(
                changes[0].action, changes[0].summary, (mk, *changes[0].commands), changes[0].diff
            )
        return changes

    def effects(self, a: KeyArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(_key_path(a), _key_data(a), f, mode="0644")


def _key_data(a: KeyArgs) -> bytes:
    return (a.content.strip() + "\n").encode()


@dataclass(frozen=True)
class HoldArgs:
    package: str = arg(doc="Package name.", check=lambda v: check_packages([v]))
    held: bool = arg(True, doc="false releases the hold.")


@register
class Hold(Operation[HoldArgs]):
    """Ensure a package is held at its version (``apt-mark hold``), or released.

    Example: ``[ops.pin_kernel] op = "apt.hold"  package = "linux-image-amd64"``
    """

    kind = "apt.hold"
    declares = Declares(identity=("package",))

    def facts(self, a: HoldArgs) -> list[FactRef[Any]]:
        return [AptHolds.ref()]

    def plan(self, a: HoldArgs, f: Facts) -> list[Change]:
        if (a.package in f[AptHolds.ref()]) == a.held:
            return []
        verb = "hold" if a.held else "unhold"
        return [
            Change(Action.UPDATE, f"{verb} package {a.package}", (sh("apt-mark", verb, a.package),))
        ]

    def effects(self, a: HoldArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        holds = {*f[AptHolds.ref()]} - {a.package}
        return {AptHolds.ref(): sorted(holds | ({a.package} if a.held else set()))}


@dataclass(frozen=True)
class DebArgs:
    path: str = arg(
        doc="The .deb file on the host (download it first with files.download).",
        check=check_absolute,
    )
    package: str = arg(doc="The package it contains.", check=lambda v: check_packages([v]))
    version: str | None = arg(
        None, doc="The version it contains; when set, another installed version is replaced."
    )


@register
class DebFile(Operation[DebArgs]):
    """Ensure a package from a .deb file on the host is installed (dependencies through apt).

    Example: ``[ops.tool] op = "apt.deb"  path = "/opt/tool_1.2_amd64.deb"  package = "tool"
    version = "1.2"``
    """

    kind = "apt.deb"
    declares = Declares(identity=("package",))

    def reach(self, a: DebArgs) -> Reach:
        return PACKAGES

    def facts(self, a: DebArgs) -> list[FactRef[Any]]:
        return [Deb.ref()]

    def plan(self, a: DebArgs, f: Facts) -> list[Change]:
        have = f[Deb.ref()].get(a.package)
        if have is not None and (a.version is None or have == a.version):
            return []
        # apt-get installs a file when the argument contains a slash (and pulls its dependencies).
        cmd = APT_GET + sh("install", "--no-install-recommends", a.path)
        verb = (
            f"install {a.package}"
            if have is None
            else f"replace {a.package} {have} with {a.version}"
        )
        return [
            Change(
                Action.CREATE if have is None else Action.UPDATE, f"{verb} from {a.path}", (cmd,)
            )
        ]

    def effects(self, a: DebArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        installed = f[Deb.ref()].copy()
        installed[a.package] = a.version or installed.get(a.package, "(new)")
        return {Deb.ref(): installed}
