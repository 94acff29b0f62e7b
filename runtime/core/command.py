"""Shell commands as data built from quoted parts.

``sh("mkdir", "-p", path)`` quotes every part; ``raw("&&")`` opts out for shell
syntax we write ourselves; ``secret(v)`` is quoted when run and shown as
``***`` to people. Never build a command with an f-string: user values must
only ever reach the shell through ``shlex.quote``.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

# Set while an op whose arguments hold sensitive values is planned: its commands keep
# them off command lines (``ps`` shows those to every local user) and the files it
# creates default to mode 0600.
SENSITIVE: ContextVar[bool] = ContextVar("specops_sensitive", default=False)


@dataclass(frozen=True)
class Raw:
    text: str


@dataclass(frozen=True)
class Secret:
    value: str


@dataclass(frozen=True)
class Staged:
    """A file uploaded (SFTP) before the script runs; rendered as its path on the host."""

    name: str


Part = str | Raw | Secret | Staged


@dataclass(frozen=True)
class Command:
    parts: tuple[Part, ...]
    # Content too large to travel inside the script: (name, bytes) uploaded first.
    uploads: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)

    def render(self, stage: str | None = None) -> str:
        """The command as the shell will run it (``stage``: where uploads were put)."""
        return " ".join(self._part(p, stage) for p in self.parts)

    @staticmethod
    def _part(p: Part, stage: str | None) -> str:
        if isinstance(p, Raw):
            return p.text
        if isinstance(p, Staged):
            if stage is None:
                raise ValueError("a command with uploads rendered without a staging directory")
            return shlex.quote(f"{stage}/{p.name}")
        return shlex.quote(p.value if isinstance(p, Secret) else p)

    def display(self) -> str:
        """The command as shown to people: secrets masked, uploads named."""
        return " ".join(
            p.text
            if isinstance(p, Raw)
            else "***"
            if isinstance(p, Secret)
            else f"<upload {p.name[:12]}>"
            if isinstance(p, Staged)
            else shlex.quote(p)
            for p in self.parts
        )

    def __add__(self, other: Command) -> Command:
        return Command(self.parts + other.parts, self.uploads + other.uploads)

    def __str__(self) -> str:
        return self.display()


def sh(*parts: Part) -> Command:
    return Command(tuple(parts))


def raw(text: str) -> Raw:
    return Raw(text)


def secret(value: str) -> Secret:
    return Secret(value)


def join(cmds: Iterable[Command], sep: str = "&&") -> Command:
    out: list[Part] = []
    for c in cmds:
        if out:
            out.append(Raw(sep))
        out.extend(c.parts)
    return Command(tuple(out))
