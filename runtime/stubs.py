"""specops/ops.pyi, generated from the catalog: typed signatures for Python deploys.

    python -m specops.runtime.stubs > specops/ops.pyi

``from specops.ops import files`` then completes ``files.directory(`` in an editor, and
mypy flags an argument that the op does not take or a value of the wrong type, from
the same ``Args`` dataclasses the compiler validates against. Each family is a class
whose methods are its ops (keyword-only: the op's arguments, then the ``_``-prefixed
options of ``compiler/options.py``). A family that only user modules add stays open
(``Family``, any op). A test fails when the checked-in file differs from what this prints.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
from collections.abc import Iterable
from typing import Any, Literal, Union, get_args, get_origin

from specops.compiler.catalog import Catalog, OpType, check_octal_mode
from specops.compiler.options import OPTIONS, Shape
from specops.runtime.catalog import CATALOG

HEADER = '''\
"""Typed operations for Python deploys (generated: python -m specops.runtime.stubs)."""

from collections.abc import Callable, Sequence
from typing import Any, Literal

class Family:
    """The ops of a family no stub describes (one a user module adds): any op, any argument."""

    def __init__(self, name: str) -> None: ...
    def __getattr__(self, op: str) -> Callable[..., None]: ...
'''

QUOTES = '"' * 3

# The type of each shape of op option, as a deploy passes it.
_OPTION_TYPES: dict[Shape, str] = {
    "names": "str | Sequence[str]",
    "bool": "bool",
    "text": "str",
    "id": "str",
    "become": "bool | str",
}


def annotation(t: Any) -> str:
    """``t`` written as a Python annotation (``list[str] | None``)."""
    origin = get_origin(t)
    if t is type(None):
        return "None"
    if t is Any:
        return "Any"
    if origin in (Union, types.UnionType):
        return " | ".join(annotation(a) for a in get_args(t))
    if origin is Literal:
        return "Literal[" + ", ".join(repr(a) for a in get_args(t)) + "]"
    if origin in (list, dict, tuple, set, frozenset):
        inner = ", ".join(annotation(a) for a in get_args(t))
        return f"{origin.__name__}[{inner}]" if inner else origin.__name__
    if isinstance(t, type):
        return t.__name__
    raise ValueError(f"no stub annotation for {t!r}")


def method(op: OpType) -> list[str]:
    """``def name(self, *, ARGUMENTS, OPTIONS) -> None:`` with the op's docstring."""
    name = op.kind.split(".", 1)[1]
    hints = op.hints()
    params = []
    for f in op.fields():
        optional = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        typed = annotation(hints[f.name])
        if f.metadata.get("check") is check_octal_mode:  # a deploy may write 0o750
            typed = typed.replace("str", "str | int", 1)
        params.append(f"{f.name}: {typed}" + (" = ..." if optional else ""))
    params += [f"{o.keyword}: {_OPTION_TYPES[o.shape]} = ..." for o in OPTIONS if o.python]
    head = f"    def {name}(self, *, {', '.join(params)}) -> None:"
    doc = inspect.cleandoc(op.doc).replace(QUOTES, "'" * 3).splitlines()
    if not doc:
        return [head + " ..."]
    body = [f"        {ln}".rstrip() for ln in doc]
    body[0] = f"        r{QUOTES}{doc[0]}"
    return [head, *body, f"        {QUOTES}"] if len(doc) > 1 else [head, body[0] + QUOTES]


def families(catalog: Catalog) -> dict[str, list[OpType]]:
    out: dict[str, list[OpType]] = {}
    for op in catalog.builtins():
        out.setdefault(op.kind.split(".", 1)[0], []).append(op)
    return out


def stubs(catalog: Catalog = CATALOG) -> str:
    lines = [HEADER]
    fams = families(catalog)
    for fam, ops in fams.items():
        lines += ["", f"class _{fam.capitalize()}:", f'    """The {fam}.* operations."""', ""]
        for op in ops:
            lines += method(op)
    lines.append("")
    lines += [f"{fam}: _{fam.capitalize()}" for fam in fams]
    lines += ["", "def __getattr__(name: str) -> Family: ...", ""]
    return "\n".join(lines)


def main(argv: Iterable[str] = ()) -> int:
    sys.stdout.write(stubs())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
