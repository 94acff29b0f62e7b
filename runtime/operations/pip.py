"""Python packages: pip.venv and pip.packages.

Debian 12 and later refuse ``pip install`` into the system Python (PEP 668),
so ``pip.packages`` installs into a virtualenv named by ``venv``; without one
it uses ``python3 -m pip`` with ``--break-system-packages`` only when told to.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.core.reach import PACKAGES, Reach, of_paths
from specops.runtime.core.words import check_absolute
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.pip import Packages, canonical

REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9,._-]+\])?(==([A-Za-z0-9.+!_-]+))?$")


def check_requirements(v: Any) -> str | None:
    bad = [p for p in v if not REQ.match(p)]
    return f"not name or name==version: {', '.join(map(repr, bad))}" if bad else None


@dataclass(frozen=True)
class VenvArgs:
    path: str = arg(doc="Directory of the virtualenv.", check=check_absolute)
    python: str = arg("python3", doc="The interpreter that creates it.")
    system_site_packages: bool = arg(False, doc="Let it see the system's site-packages.")
    user: str | None = arg(None, doc="Owner of the virtualenv's files.")


@register
class Venv(Operation[VenvArgs]):
    """Ensure a Python virtualenv exists (``python3 -m venv``); needs python3-venv on Debian.

    Example: ``[ops.venv] op = "pip.venv"  path = "/srv/app/venv"``
    """

    kind = "pip.venv"
    declares = Declares(
        identity=("path",),
        resource="path",
        container=True,
        tree=True,
        refers=(("user", "user"),),
    )

    def reach(self, a: VenvArgs) -> Reach:
        return of_paths(a.path)

    def facts(self, a: VenvArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=f"{a.path}/bin/python"), FileContent.ref(path=_cfg(a))]

    def plan(self, a: VenvArgs, f: Facts) -> list[Change]:
        opts = ["--system-site-packages"] if a.system_site_packages else []
        if f[FileInfo.ref(path=f"{a.path}/bin/python")] is not None:
            have = _sees_system(f[FileContent.ref(path=_cfg(a))])
            if have is None or have == a.system_site_packages:
                return []
            # venv --upgrade writes pyvenv.cfg again, with the option as given now
            cmd = sh(a.python, "-m", "venv", "--upgrade", *opts, "--", a.path)
            word = "true" if a.system_site_packages else "false"
            return [Change(Action.UPDATE, f"set system site-packages {word} in {a.path}", (cmd,))]
        cmds = [sh(a.python, "-m", "venv", *opts, "--", a.path)]
        if a.user:
            cmds.append(sh("chown", "-R", a.user, "--", a.path))
        return [Change(Action.CREATE, f"create virtualenv {a.path}", tuple(cmds))]

    def effects(self, a: VenvArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        py = f"{a.path}/bin/python"
        out: dict[FactRef[Any], Any] = {
            FileInfo.ref(path=py): FileStat("link", "0777", "root", "root", 7, a.python)
        }
        out[Packages.ref(python=py)] = {"pip": "(new)"}
        cfg = f"include-system-site-packages = {str(a.system_site_packages).lower()}\n".encode()
        out[FileContent.ref(path=_cfg(a))] = Content(hashlib.sha256(cfg).hexdigest(), cfg)
        return out


def _cfg(a: VenvArgs) -> str:
    return f"{a.path}/pyvenv.cfg"


def _sees_system(cfg: Content | None) -> bool | None:
    """``include-system-site-packages`` of a pyvenv.cfg (None: unknown)."""
    if cfg is None or cfg.data is None:
        return None
    for line in cfg.data.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "include-system-site-packages":
            return value.strip().lower() == "true"
    return None


@dataclass(frozen=True)
class PackagesArgs:
    packages: list[str] = arg(
        doc='Requirements: "name" or "name==version".', check=check_requirements
    )
    venv: str | None = arg(
        None, doc="Install into this virtualenv (its bin/python).", check=check_absolute
    )
    present: bool = arg(True, doc="false uninstalls them.")
    index_url: str | None = arg(None, doc="Package index to use instead of PyPI.")
    break_system_packages: bool = arg(
        False, doc="Without venv: allow installing into the system Python."
    )


def _python(a: PackagesArgs) -> str:
    return f"{a.venv}/bin/python" if a.venv else "python3"


def _todo(a: PackagesArgs, have: dict[str, str]) -> list[str]:
    out = []
    for req in a.packages:
        m = REQ.match(req)
        assert m is not None  # checked by check_requirements
        name, version = canonical(m.group(1)), m.group(4)
        if a.present and (name not in have or (version and have[name] != version)):
            out.append(req)
        elif not a.present and name in have:
            out.append(m.group(1))
    return out


@register
class PipPackages(Operation[PackagesArgs]):
    """Ensure Python packages are installed with pip (pinned versions are enforced), or removed.

    Example: ``[ops.deps] op = "pip.packages"  venv = "/srv/app/venv"
    packages = ["gunicorn==22.0.0", "flask"]``
    """

    kind = "pip.packages"
    declares = Declares(identity=("venv", "packages"), refers=(("venv", "path"),))

    def reach(self, a: PackagesArgs) -> Reach:
        return PACKAGES if a.venv is None else Reach(paths=(a.venv,), facts=("pip",))

    def facts(self, a: PackagesArgs) -> list[FactRef[Any]]:
        return [Packages.ref(python=_python(a))]

    def plan(self, a: PackagesArgs, f: Facts) -> list[Change]:
        have = f[Packages.ref(python=_python(a))] or {}
        todo = _todo(a, have)
        if not todo:
            return []
        pip = sh(_python(a), "-m", "pip", "--disable-pip-version-check", "-q")
        extra = ["--break-system-packages"] if a.break_system_packages and not a.venv else []
        if not a.present:
            return [
                Change(
                    Action.DELETE,
                    f"uninstall {', '.join(todo)}",
                    (pip + sh("uninstall", "-y", *extra, *todo),),
                )
            ]
        index = ["--index-url", a.index_url] if a.index_url else []
        where = f" into {a.venv}" if a.venv else ""
        return [
            Change(
                Action.CREATE,
                f"pip install {', '.join(todo)}{where}",
                (pip + sh("install", *extra, *index, *todo),),
            )
        ]

    def effects(self, a: PackagesArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        cur: dict[str, str] | None = f[Packages.ref(python=_python(a))]
        have = dict(cur or {})
        for req in _todo(a, have):
            m = REQ.match(req)
            assert m is not None  # _todo returns requirements or their names, all matching
            if a.present:
                have[canonical(m.group(1))] = m.group(4) or "(new)"
            else:
                have.pop(canonical(m.group(1)), None)
        return {Packages.ref(python=_python(a)): have}
