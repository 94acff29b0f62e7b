"""Shell commands as data built from quoted parts.

``sh("mkdir", "-p", path)`` quotes every part; ``raw("&&")`` opts out for shell
syntax we write ourselves; ``secret(v)`` is quoted when run and shown as
``***`` to people. Never build a command with an f-string: user values must
only ever reach the shell through ``shlex.quote``.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Raw:
    text: str


@dataclass(frozen=True)
class Secret:
    value: str


Part = str | Raw | Secret


@dataclass(frozen=True)
class Command:
    parts: tuple[Part, ...]

    def render(self) -> str:
        """The command as the shell will run it."""
        return " ".join(
            p.text if isinstance(p, Raw) else shlex.quote(p.value if isinstance(p, Secret) else p)
            for p in self.parts
        )

    def display(self) -> str:
        """The command as shown to people: secrets masked."""
        return " ".join(
            p.text if isinstance(p, Raw) else "***" if isinstance(p, Secret) else shlex.quote(p)
            for p in self.parts
        )

    def __add__(self, other: Command) -> Command:
        return Command(self.parts + other.parts)

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
