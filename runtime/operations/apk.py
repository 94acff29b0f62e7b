"""apk: apk.packages and apk.repository (Alpine).

apk cannot run on the Debian hosts this project tests on: its commands and the
``packages.Apk`` parser are tested from fixtures (docs/operations.md says so);
/etc/apk/repositories is edited on a Debian host for real.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Change, Operation, register
from specops.runtime.core.words import check_one_line
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)
from specops.runtime.kit.packages import ManagerPackages


@register
class ApkPackages(ManagerPackages):
    """Ensure Alpine packages are installed with apk, or removed.

    Tested from fixtures only: no Alpine host runs here.
    Example: ``[ops.web] op = "apk.packages"  packages = ["nginx"]``
    """

    kind = "apk.packages"
    manager = "apk"


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
