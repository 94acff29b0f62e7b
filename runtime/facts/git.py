"""Facts about git: a checkout's HEAD (``git.Head``), the commit a remote ref names
(``git.Remote``, read with ``git ls-remote``, read-only) and one config option
(``git.Config``). Every command prints a marker instead of failing when git is missing."""

from __future__ import annotations

from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, PathParams


@dataclass(frozen=True)
class Checkout:
    commit: str
    remote: str  # url of origin
    dirty: bool  # tracked files changed


class Head(Fact[Checkout | None]):
    """HEAD commit, origin URL and dirtiness of a git checkout; None if it is not one."""

    Params = PathParams

    @classmethod
    def command(cls, params: PathParams) -> Command:
        p = params.path
        return sh(
            raw("if command -v git >/dev/null && [ -d"), f"{p}/.git", raw("]; then"),
            raw("git -C"), p, raw("rev-parse HEAD;"),
            raw("git -C"), p, raw("config --get remote.origin.url;"),
            raw("if git -C"), p, raw("diff --quiet HEAD 2>/dev/null;"),
            raw("then echo clean; else echo dirty; fi;"),
            raw("else echo absent; fi"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> Checkout | None:
        lines = [x.strip() for x in output.splitlines()]
        if not lines or lines[0] == "absent":
            return None
        if len(lines) == 2:  # no origin configured
            lines.insert(1, "")
        return Checkout(lines[0], lines[1], lines[2] == "dirty")


@dataclass(frozen=True)
class RemoteParams:
    """The parameters of ``Remote``."""

    url: str = arg(doc="Repository URL.")
    ref: str = arg(doc="Branch or tag name.")


class Remote(Fact[str | None]):
    """The commit a ref names on a remote (``git ls-remote``): '' if none, None if no git."""

    Params = RemoteParams

    @classmethod
    def command(cls, p: RemoteParams) -> Command:
        return sh(
            raw("if command -v git >/dev/null; then GIT_TERMINAL_PROMPT=0 git ls-remote --"),
            p.url, p.ref, f"refs/tags/{p.ref}^{{}}",
            raw("2>/dev/null | head -n 50; true; else echo @@nogit; fi"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> str | None:
        if output.strip() == "@@nogit":
            return None
        refs: dict[str, str] = {}
        for line in output.splitlines():
            sha, sep, name = line.partition("\t")
            if sep:
                refs[name.strip()] = sha.strip()
        for name, sha in refs.items():
            if name.endswith("^{}"):
                return sha  # an annotated tag: the commit it points to
        for name in ("HEAD", *sorted(refs)):
            if name in refs:
                return refs[name]
        return ""


@dataclass(frozen=True)
class ConfigParams:
    """The parameters of ``Config``."""

    name: str = arg(doc='Option name, e.g. "user.email".')
    repo: str | None = arg(
        None, doc="A repository's path; unset: the global (--system) configuration."
    )


class Config(Fact[str | None]):
    """One git option from a config file (--system, or a repository's); None when unset."""

    Params = ConfigParams

    @classmethod
    def command(cls, p: ConfigParams) -> Command:
        repo = p.repo
        git = (
            sh("git", "-C", repo, "config", "--local") if repo else sh("git", "config", "--system")
        )
        return (
            sh(raw("if command -v git >/dev/null && v=$("))
            + git
            + sh(raw("--get --"), p.name, raw("); then printf 'value:%s\\n' \"$v\";"))
            + sh(raw("else echo unset; fi"))
        )

    @classmethod
    def parse(cls, output: str) -> str | None:
        text = output.rstrip("\n")
        return text[6:] if text.startswith("value:") else None
