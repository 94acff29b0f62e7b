"""git: git.repo (a checkout at a ref) and git.config (one option).

A checkout is detached at the commit its ref names, so "where is it" has one
answer: the commit. The plan reads the checkout's HEAD and asks the remote
what the ref points at (``git ls-remote``, read-only); the apply fetches and
resolves the ref again on the host, so it lands on what the remote says then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.reach import Reach, of_paths
from specops.runtime.core.words import check_absolute
from specops.runtime.facts.git import Checkout, Config, Head, Remote

SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class RepoArgs:
    url: str = arg(doc="The repository to clone (any URL git understands).")
    path: str = arg(doc="Where the checkout goes.", check=check_absolute)
    ref: str = arg("HEAD", doc="Branch, tag or full commit id to check out.")
    force: bool = arg(False, doc="Discard local changes to tracked files instead of refusing.")


def _checkout(a: RepoArgs) -> Command:
    """Fetch and detach at the ref, resolved on the host at apply time."""
    ref = a.ref
    return sh(
        raw("git -C"), a.path, raw("fetch --quiet --tags --force origin &&"),
        raw("c=$(git -C"), a.path, raw("rev-parse --verify -q"), f"origin/{ref}^{{commit}}",
        raw("|| git -C"), a.path, raw("rev-parse --verify"), f"{ref}^{{commit}}", raw(") &&"),
        raw("git -C"), a.path, raw("checkout --quiet --force --detach \"$c\""),
    )  # fmt: skip


@register
class Repo(Operation[RepoArgs]):
    """Ensure a git checkout of a repository at a branch, tag or commit (detached HEAD).

    Needs git on the host (it may be installed earlier in the same run). Local
    changes to tracked files make the op fail unless ``force = true``.
    Example: ``[ops.app] op = "git.repo"  url = "https://example.org/app.git"
    path = "/srv/app"  ref = "v1.4.2"``
    """

    kind = "git.repo"
    declares = Declares(identity=("path",), resource="path", container=True, tree=True)

    def reach(self, a: RepoArgs) -> Reach:
        return of_paths(a.path)

    def facts(self, a: RepoArgs) -> list[FactRef[Any]]:
        refs: list[FactRef[Any]] = [Head.ref(path=a.path)]
        if not SHA.match(a.ref):
            refs.append(Remote.ref(url=a.url, ref=a.ref))
        return refs

    def _want(self, a: RepoArgs, f: Facts) -> str | None:
        return a.ref if SHA.match(a.ref) else f[Remote.ref(url=a.url, ref=a.ref)]

    def plan(self, a: RepoArgs, f: Facts) -> list[Change]:
        head = f[Head.ref(path=a.path)]
        want = self._want(a, f)
        if want == "":
            raise PlanError(f"{a.ref!r} is not a branch or tag of {a.url}")
        if head is None:
            clone = sh("git", "clone", "--quiet", "--", a.url, a.path)
            return [
                Change(
                    Action.CREATE, f"clone {a.url} at {a.ref} into {a.path}", (clone, _checkout(a))
                )
            ]
        if head.remote and head.remote != a.url:
            raise PlanError(f"{a.path} is a clone of {head.remote}, not {a.url}")
        if want is not None and head.commit == want:
            return []
        if head.dirty and not a.force:
            raise PlanError(f"{a.path} has local changes (force = true discards them)")
        to = want[:12] if want else a.ref
        return [
            Change(
                Action.UPDATE,
                f"check out {a.ref} ({head.commit[:12]} → {to}) in {a.path}",
                (_checkout(a),),
            )
        ]

    def effects(self, a: RepoArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {Head.ref(path=a.path): Checkout(self._want(a, f) or "(new)", a.url, False)}


def check_option(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*(\.[^\s=]+)+", v)
    return None if ok else f"{v!r} is not section.key"


@dataclass(frozen=True)
class ConfigArgs:
    name: str = arg(doc="Option, e.g. user.email or safe.directory.", check=check_option)
    value: str = arg(doc="Its value.")
    repo: str | None = arg(
        None, doc="A checkout whose own config to change; default: --system.", check=check_absolute
    )


@register
class GitConfig(Operation[ConfigArgs]):
    """Ensure a git option in the system config (/etc/gitconfig) or a checkout's config.

    Example: ``[ops.safe] op = "git.config"  name = "safe.directory"  value = "/srv/app"``
    """

    kind = "git.config"
    declares = Declares(identity=("repo", "name"), refers=(("repo", "path"),))

    def _ref(self, a: ConfigArgs) -> FactRef[str | None]:
        return Config.ref(name=a.name, repo=a.repo or "")

    def facts(self, a: ConfigArgs) -> list[FactRef[Any]]:
        return [self._ref(a)]

    def plan(self, a: ConfigArgs, f: Facts) -> list[Change]:
        cur = f[self._ref(a)]
        if cur == a.value:
            return []
        where = ["--system"] if not a.repo else ["--local"]
        git = sh("git", "-C", a.repo, "config") if a.repo else sh("git", "config")
        cmd = git + sh(*where, "--replace-all", "--", a.name, a.value)
        act = Action.CREATE if cur is None else Action.UPDATE
        return [Change(act, f"git config {a.name} = {a.value!r}", (cmd,))]

    def effects(self, a: ConfigArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {self._ref(a): a.value}
