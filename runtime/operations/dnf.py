"""dnf: dnf.packages and dnf.repository (Fedora, RHEL, Rocky, Alma).

dnf cannot run on the Debian hosts this project tests on: its commands and the
``packages.Rpm`` parser are tested from fixtures (docs/operations.md says so);
the repository file is written on a Debian host for real.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Change, Operation, register
from specops.runtime.core.words import check_one_line
from specops.runtime.kit.content import content_effects, content_facts, ensure_content
from specops.runtime.kit.packages import ManagerPackages


@register
class DnfPackages(ManagerPackages):
    """Ensure RPM packages are installed with dnf (Fedora, RHEL, Rocky, Alma), or removed.

    Tested from fixtures only: no dnf host runs here.
    Example: ``[ops.web] op = "dnf.packages"  packages = ["nginx"]``
    """

    kind = "dnf.packages"
    manager = "dnf"


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
