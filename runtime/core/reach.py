"""What an op may change on its host beyond what its ``effects`` predict.

A plan is made from facts read before anything ran, with each op's
``effects`` carried forward to the ops after it. Some ops change the host in
ways no plan can know: a package install writes hundreds of files (and adds
users and units), a shell command may do anything, a checkout brings whatever
the repository holds. Such an op declares its ``Reach``; a later op that reads
a fact inside that reach is planned again, from facts read after the op ran
(the apply proceeds in phases, see ``executor``), and the first plan marks it
"known after apply" with the op it waits on.

A reach is made of paths (a fact with a ``path`` parameter is inside when its
path is at or below one of them, and not at or below one of ``outside``) and
fact families or names (``"packages"``, ``"systemd.Unit"``; ``"*"`` for every
fact that has no path). Facts of the ``host`` and ``notify`` families are
never inside: no op changes the OS release, and notifications are specops' own.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from specops.runtime.core.fact import FactRef

_NEVER = ("host", "notify")


def below(path: str, roots: tuple[str, ...]) -> bool:
    """Whether ``path`` is one of ``roots`` or inside one of them."""
    p = posixpath.normpath(path)
    for root in roots:
        r = posixpath.normpath(root)
        if r == "/" or p == r or p.startswith(r + "/"):
            return True
    return False


@dataclass(frozen=True)
class Reach:
    paths: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.paths or self.facts)

    def covers(self, ref: FactRef[Any]) -> bool:
        """Whether this reach may change the value of ``ref``."""
        path = dict(ref.params).get("path")
        if path is not None:
            return below(path, self.paths) and not below(path, self.outside)
        family = ref.fact.name.partition(".")[0]
        if family in _NEVER:
            return False
        return "*" in self.facts or family in self.facts or ref.fact.name in self.facts


NOTHING = Reach()
ANYTHING = Reach(paths=("/",), facts=("*",))
# A package manager writes under /etc, /usr, /var, /opt, /lib… and adds users, groups,
# units and alternatives; it leaves homes, /srv and scratch space alone.
PACKAGES = Reach(
    paths=("/",), outside=("/home", "/root", "/srv", "/tmp", "/mnt", "/media"), facts=("*",)
)
# A service that starts writes its state and logs and may make a database server answer.
SERVICE = Reach(paths=("/var/lib", "/var/log", "/var/cache", "/run"), facts=("mysql",))


def of_paths(*paths: str | None) -> Reach:
    """The files at or below ``paths`` (None entries are left out)."""
    return Reach(paths=tuple(p for p in paths if p))
