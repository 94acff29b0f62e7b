"""Apache on Debian: apache.site, apache.module, apache.conf.

Each is a symbolic link in /etc/apache2/*-enabled that Debian's a2en*/a2dis*
tools manage; the plan reads the link, the apply runs the tool. Apache must be
reloaded for a change to take effect: notify a ``systemd.service`` handler
with ``reloaded = true``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.facts.files import FileInfo, FileStat


def check_name(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", v) and not v.startswith(".")
    return None if ok else f"{v!r} is not a plain name"


@dataclass(frozen=True)
class EnableArgs:
    name: str = arg(
        doc="Name without suffix (the file in *-available is NAME.conf / NAME.load).",
        check=check_name,
    )
    enabled: bool = arg(True, doc="false disables it.")


class _Toggle(Operation[EnableArgs]):
    """Enabled means a link in /etc/apache2/WHAT-enabled; a2enWHAT / a2disWHAT switch it."""

    what: ClassVar[str]  # site, mod, conf
    dir: ClassVar[str]
    suffix: ClassVar[str]
    declares = Declares(identity=("name",))

    def _link(self, a: EnableArgs) -> str:
        return f"/etc/apache2/{self.dir}-enabled/{a.name}{self.suffix}"

    def facts(self, a: EnableArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=self._link(a))]

    def plan(self, a: EnableArgs, f: Facts) -> list[Change]:
        on = f[FileInfo.ref(path=self._link(a))] is not None
        if on == a.enabled:
            return []
        tool = f"a2en{self.what}" if a.enabled else f"a2dis{self.what}"
        verb = "enable" if a.enabled else "disable"
        return [
            Change(Action.UPDATE, f"{verb} apache {self.what} {a.name}", (sh(tool, "-q", a.name),))
        ]

    def effects(self, a: EnableArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        target = f"../{self.dir}-available/{a.name}{self.suffix}"
        st = FileStat("link", "0777", "root", "root", len(target), target) if a.enabled else None
        return {FileInfo.ref(path=self._link(a)): st}


@register
class Site(_Toggle):
    """Ensure an Apache site (/etc/apache2/sites-available/NAME.conf) is enabled, or disabled.

    Example: ``[ops.vhost_on] op = "apache.site"  name = "shop"  notify = ["reload_apache"]``
    """

    kind = "apache.site"
    what, dir, suffix = "site", "sites", ".conf"


@register
class Module(_Toggle):
    """Ensure an Apache module is enabled (a2enmod), or disabled.

    Example: ``[ops.rewrite] op = "apache.module"  name = "rewrite"  notify = ["restart_apache"]``
    """

    kind = "apache.module"
    what, dir, suffix = "mod", "mods", ".load"


@register
class Conf(_Toggle):
    """Ensure an Apache configuration snippet (conf-available/NAME.conf) is enabled, or disabled.

    Example: ``[ops.security] op = "apache.conf"  name = "security"``
    """

    kind = "apache.conf"
    what, dir, suffix = "conf", "conf", ".conf"
