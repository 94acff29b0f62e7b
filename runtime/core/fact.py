"""Facts: a command plus a pure parser, and the one batched read that gathers them.

A fact class names a shell command (built from quoted parts) and a pure
``parse(output) -> T``. Its registry name comes from its module and class
(``files.FileInfo``) and is never typed twice. ``FactRef`` is a fact with its
parameters: hashable, typed, and the key of the ``Facts`` mapping. All facts a
host needs are read with one command (``gather``), delimited by markers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from specops.compiler.errors import SpecopsError
from specops.compiler.facts import FactKey
from specops.runtime.core.command import Command, raw, sh

T = TypeVar("T")


class Fact(Generic[T]):
    """Base class of facts; subclasses define ``command`` and ``parse``."""

    name: ClassVar[str]
    registry: ClassVar[dict[str, type[Fact[Any]]]] = {}

    def __init_subclass__(cls) -> None:
        family = cls.__module__.rsplit(".", 1)[-1].removesuffix("_facts")
        cls.name = f"{family}.{cls.__name__}"
        Fact.registry[cls.name] = cls

    @classmethod
    def ref(cls: type[Fact[T]], **params: str) -> FactRef[T]:
        return FactRef(cls, tuple(sorted(params.items())))

    @classmethod
    def command(cls, **params: str) -> Command:
        raise NotImplementedError(f"{cls.name} defines no command")

    @classmethod
    def parse(cls, output: str) -> T:
        raise NotImplementedError(f"{cls.name} defines no parser")


@dataclass(frozen=True)
class FactRef(Generic[T]):
    fact: type[Fact[T]]
    params: tuple[tuple[str, str], ...]

    def command(self) -> Command:
        return self.fact.command(**dict(self.params))

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.fact.name}({args})"


@dataclass(frozen=True)
class Guess:
    """An effect an op expects but cannot promise (``server.shell`` … ``creates``)."""

    value: Any


class Facts:
    """Fact values by reference; a later op sees the predicted effects of earlier ones.

    Effects given as ``Guess`` are remembered with the op that guessed them: an op
    that reads one is planned against it, and its changes are marked uncertain.
    """

    def __init__(self, values: Mapping[FactRef[Any], Any] | None = None) -> None:
        self._values: dict[FactRef[Any], Any] = dict(values or {})
        self.guessed: dict[FactRef[Any], str] = {}  # ref -> id of the op that guessed it

    def __getitem__(self, ref: FactRef[T]) -> T:
        value: T = self._values[ref]
        return value

    def __contains__(self, ref: object) -> bool:
        return ref in self._values

    def get(self, ref: FactRef[T], default: T) -> T:
        return self[ref] if ref in self._values else default

    def update(self, values: Mapping[FactRef[Any], Any], by: str | None = None) -> None:
        for ref, value in values.items():
            if isinstance(value, Guess):
                self._values[ref] = value.value
                self.guessed[ref] = by or "an earlier op"
            else:
                self._values[ref] = value
                self.guessed.pop(ref, None)

    def items(self) -> Iterable[tuple[FactRef[Any], Any]]:
        return self._values.items()


class FactError(SpecopsError):
    def __init__(self, ref: FactRef[Any], detail: str) -> None:
        super().__init__(f"reading {ref}: {detail}")
        self.ref = ref


def batch_script(refs: list[FactRef[Any]], nonce: str) -> str:
    """One shell script that prints every fact's output between markers."""
    lines = []
    for i, ref in enumerate(refs):
        lines.append(f"printf '%s\\n' '@@specops:{nonce}:fact:{i}'")
        lines.append(f"( {ref.command().render()} ) </dev/null 2>/dev/null")
        lines.append(f"printf '\\n@@specops:{nonce}:end:{i} %d\\n' \"$?\"")
    return "\n".join(lines) + "\n"


def split_batch(stdout: str, count: int, nonce: str) -> list[tuple[str, int] | None]:
    """Each fact's (output, exit code) from a batch run; None where output is missing."""
    out: list[tuple[str, int] | None] = [None] * count
    for i in range(count):
        start = f"@@specops:{nonce}:fact:{i}\n"
        end = f"\n@@specops:{nonce}:end:{i} "
        a = stdout.find(start)
        b = stdout.find(end, a + len(start))
        if a < 0 or b < 0:
            continue
        rest = stdout[b + len(end) :].split("\n", 1)[0]
        out[i] = (stdout[a + len(start) : b], int(rest) if rest.strip().isdigit() else 255)
    return out


def guard(test: Command, then: Command) -> Command:
    """``then`` runs only when ``test`` fails: ``test || then``."""
    return test + sh(raw("||"), raw("{")) + then + sh(raw(";"), raw("}"))


@dataclass(frozen=True)
class SpecFacts:
    """For each spec fact (name, params): the fact that answers it and its value as shown."""

    ref: Callable[[FactKey], FactRef[Any]]
    value: Callable[[FactKey, Any], Any]
