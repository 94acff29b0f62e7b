"""Facts: a command plus a pure parser, and the one batched read that gathers them.

A fact class names a shell command (built from quoted parts) and a pure
``parse(output) -> T``. Its registry name comes from its module and class
(``files.FileInfo``) and is never typed twice. Its parameters are a frozen dataclass
of ``arg()`` fields (``Params``, e.g. ``PathParams``): typed, documented and checked
like an op's arguments (``specops facts`` validates them with ``validate_args``).
``FactRef`` is a fact with its parameters: hashable, and the key of the ``Facts``
mapping. All facts a host needs are read with one command (``engine/gather.py``),
delimited by markers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from specops.compiler.catalog import Signature
from specops.compiler.errors import SpecopsError
from specops.compiler.facts import FactKey
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.words import path_arg

T = TypeVar("T")


@dataclass(frozen=True)
class NoParams:
    """The parameters of a fact that takes none."""


@dataclass(frozen=True)
class PathParams:
    """The parameters of a fact about one path on the host."""

    path: str = path_arg("Absolute path on the host.")


class Fact(Generic[T]):
    """Base class of facts; subclasses define ``command`` and ``parse``, and ``Params``
    when they take parameters (``command`` then receives them typed)."""

    name: ClassVar[str]
    Params: ClassVar[type] = NoParams
    registry: ClassVar[dict[str, type[Fact[Any]]]] = {}

    def __init_subclass__(cls) -> None:
        family = cls.__module__.rsplit(".", 1)[-1].removesuffix("_facts")
        cls.name = f"{family}.{cls.__name__}"
        Fact.registry[cls.name] = cls

    @classmethod
    def ref(cls: type[Fact[T]], **params: str) -> FactRef[T]:
        return FactRef(cls, tuple(sorted(params.items())))

    @classmethod
    def command(cls, p: Any) -> Command:
        """The command printing what ``parse`` reads; ``p`` is a ``Params``."""
        raise NotImplementedError(f"{cls.name} defines no command")

    @classmethod
    def signature(cls) -> Signature:
        """The fact's name and parameters, as ``validate_args`` checks them."""
        return Signature(cls.name, cls.Params, cls.__doc__ or "")

    @classmethod
    def parse(cls, output: str) -> T:
        raise NotImplementedError(f"{cls.name} defines no parser")


@dataclass(frozen=True)
class FactRef(Generic[T]):
    fact: type[Fact[T]]
    params: tuple[tuple[str, str], ...]

    def command(self) -> Command:
        return self.fact.command(self.fact.Params(**dict(self.params)))

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
