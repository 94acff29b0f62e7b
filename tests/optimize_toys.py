"""A toy catalog for the optimizer tests: files-like and package-like kinds, no runtime."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specops.compiler.catalog import Catalog, Declares, OpType
from specops.compiler.ir import LOCAL, HostProgram, OpNode, Program
from specops.compiler.source import Span


@dataclass(frozen=True)
class DirArgs:
    path: str
    mode: str | None = None


@dataclass(frozen=True)
class FileArgs:
    path: str
    content: str | None = None
    user: str | None = None


@dataclass(frozen=True)
class UserArgs:
    name: str
    home: str | None = None
    present: bool = True
    group: str | None = None


@dataclass(frozen=True)
class LineArgs:
    path: str
    line: str
    present: bool = True


@dataclass(frozen=True)
class AbsentArgs:
    path: str


@dataclass(frozen=True)
class PkgArgs:
    packages: list[str] = field(default_factory=list)
    state: str = "present"


def catalog(merge: bool = True) -> Catalog:
    c = Catalog()
    for op in (
        OpType(
            "t.dir", DirArgs, declares=Declares(identity=("path",), resource="path", container=True)
        ),
        OpType(
            "t.file",
            FileArgs,
            declares=Declares(identity=("path",), resource="path", refers=(("user", "user"),)),
        ),
        OpType(
            "t.user",
            UserArgs,
            declares=Declares(
                identity=("name",),
                resource="user",
                refers=(("group", "group"),),
                makes_dir=("home", "/home/{name}"),
            ),
        ),
        OpType("t.group", UserArgs, declares=Declares(identity=("name",), resource="group")),
        OpType(
            "t.sync",
            DirArgs,
            declares=Declares(identity=("path",), resource="path", container=True, tree=True),
        ),
        OpType(
            "t.attrs", DirArgs, declares=Declares(identity=("path",), resource="path", tree=True)
        ),
        OpType(
            "t.line",
            LineArgs,
            declares=Declares(
                identity=("path", "line"), resource="path", part_of=("t.file", "content")
            ),
        ),
        OpType("t.absent", AbsentArgs, declares=Declares(identity=("path",), resource="path")),
        OpType(
            "t.pkgs",
            PkgArgs,
            declares=Declares(identity=("packages",), merge="packages" if merge else None),
        ),
        OpType("t.shell", AbsentArgs),
    ):
        c.register(op)
    return c


def node(
    i: str,
    kind: str,
    at: int = 1,
    requires: tuple[str, ...] = (),
    notify: tuple[str, ...] = (),
    handler: bool = False,
    **args: Any,
) -> OpNode:
    return OpNode(
        i,
        kind,
        args,
        requires=requires,
        notify=notify,
        handler=handler,
        origin=(Span("s.toml", at, 1, at, 2),),
    )


def program(*ops: OpNode) -> Program:
    return Program((HostProgram("h", LOCAL, ops),))


def ids(p: Program) -> list[str]:
    return [o.id for o in p.hosts[0].ops]
