"""Operations: typed arguments, the facts they need, and a pure plan.

An operation class binds an ``Args`` dataclass (the compiler validates spec
values against it and ``schemas/`` is generated from it), lists the facts it
reads, and plans: ``plan(args, facts) -> list[Change]`` is a pure function.
Each change carries a human summary, an optional diff, and shell commands
that are guarded themselves, so an apply stays correct if the host drifted
after the plan. ``effects`` predicts the facts after the op ran, so ops later
in the same run plan against the state the earlier ones leave behind.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from specops.compiler.catalog import DECLARES, Catalog, Declares, OpType, PathAttrs
from specops.compiler.errors import SpecopsError
from specops.runtime.core.command import Command
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.reach import ANYTHING, NOTHING, Reach


class Action(enum.Enum):
    """What a change does; the value is the symbol a plan shows."""

    CREATE = "+"
    UPDATE = "~"
    DELETE = "-"
    RUN = "!"  # a command whose effect specops cannot see (server.shell)


@dataclass(frozen=True)
class Change:
    action: Action
    summary: str
    commands: tuple[Command, ...]
    diff: str | None = None
    hidden: bool = False  # commands carry sensitive values: never show them
    # The id of an earlier op whose outcome this change depends on but that
    # specops cannot predict: the plan shows it as uncertain, never as certain.
    depends_on: str | None = None
    # (host path, controller path): copied to the controller after the script ran.
    fetch: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        shown = ["(hidden: sensitive)"] if self.hidden else [c.display() for c in self.commands]
        out: dict[str, Any] = {
            "action": self.action.name.lower(),
            "summary": self.summary,
            "commands": shown,
        }
        if self.diff is not None:
            out["diff"] = self.diff
        if self.depends_on is not None:
            out["uncertain"] = {"depends_on": self.depends_on}
        if self.fetch is not None:
            out["fetch"] = {"from": self.fetch[0], "to": self.fetch[1]}
        return out


def attrs_of(
    path: str,
    mode: str | None = None,
    user: str | None = None,
    group: str | None = None,
    *,
    is_dir: bool = False,
) -> list[PathAttrs]:
    """What an op that writes ``path`` says of its mode and owner (``Operation.attributes``)."""
    values = {"mode": format(int(mode, 8), "04o")} if mode else {}
    values |= {k: v for k, v in (("user", user), ("group", group)) if v}
    return [PathAttrs(path, values, is_dir=is_dir)] if values else []


class PlanError(SpecopsError):
    """The host is in a state this op refuses to change (reported against the op)."""


A = TypeVar("A")


class Operation(Generic[A]):
    """Base class of operations: ``class Directory(Operation[DirectoryArgs])`` names its
    arguments' dataclass once, as the type parameter; the subclass sets ``kind`` and,
    for the optimizer, ``declares`` (compiler/catalog.py ``Declares``)."""

    kind: ClassVar[str]
    Args: ClassVar[type]  # from the type parameter
    declares: ClassVar[Declares] = Declares()

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        old = sorted(set(DECLARES) & set(vars(cls)))
        if old:
            raise TypeError(f"{cls.__qualname__}: {', '.join(old)} go in declares = Declares(...)")
        for base in cls.__dict__.get("__orig_bases__", ()):
            origin = get_origin(base)
            if isinstance(origin, type) and issubclass(origin, Operation):
                (args,) = get_args(base)
                if dataclasses.is_dataclass(args) and isinstance(args, type):
                    cls.Args = args

    def facts(self, a: A) -> list[FactRef[Any]]:
        return []

    def plan(self, a: A, f: Facts) -> list[Change]:
        raise NotImplementedError

    def effects(self, a: A, f: Facts) -> Mapping[FactRef[Any], Any]:
        """Fact values once this op has run (only the ones later ops may read)."""
        return {}

    def attributes(self, a: A) -> list[PathAttrs]:
        """The files this op writes and the mode and owner it gives them (conflict checks)."""
        return []

    def reads(self, a: A) -> list[str]:
        """Paths this op's guard reads to decide whether it runs (optimizer ordering)."""
        return []

    def reach(self, a: A) -> Reach:
        """What this op may change, when it runs, beyond what ``effects`` predicts.

        Later ops reading facts inside it are planned again after it ran
        (``runtime/core/reach.py``). Built-in ops declare theirs; an op of a user's
        module that declares none is assumed to reach anything.
        """
        return NOTHING if type(self).__module__.startswith("specops.") else ANYTHING

    def args(self, raw: Mapping[str, Any]) -> A:
        value: A = self.Args(**raw)
        return value


CATALOG = Catalog()
OPERATIONS: dict[str, Operation[Any]] = {}

OpClass = TypeVar("OpClass", bound=type[Operation[Any]])


def register(cls: OpClass) -> OpClass:
    """Add an operation class to the catalog; returns the class unchanged."""
    builtin = cls.__module__.startswith("specops.")
    old = OPERATIONS.get(cls.kind)
    # The same class imported twice (by [python] modules and by a deploy that
    # imports the module itself) is one op, not a clash.
    again = (
        old is not None
        and _source(type(old)) == _source(cls)
        and (type(old).__qualname__ == cls.__qualname__)
    )
    op = cls()
    attributes = reads = None
    if cls.attributes is not Operation.attributes:

        def attributes(raw: Mapping[str, Any]) -> list[PathAttrs]:
            return op.attributes(op.args(raw))

    if cls.reads is not Operation.reads:

        def reads(raw: Mapping[str, Any]) -> list[str]:
            return op.reads(op.args(raw))

    if not isinstance(getattr(cls, "Args", None), type):
        raise TypeError(f"{cls.__qualname__}: name its arguments, Operation[ArgsDataclass]")
    optype = OpType(cls.kind, cls.Args, cls.__doc__ or "", builtin, cls.declares, attributes, reads)
    CATALOG.register(optype, again)
    OPERATIONS[cls.kind] = op
    return cls


def _source(cls: type) -> str | None:
    try:
        return inspect.getfile(cls)
    except (TypeError, OSError):
        return None
