"""Hostile strings for every string argument position of every op kind.

Shared by the pure check (``tests/unit/test_op_injection.py``: every command an
op plans keeps each hostile string inside one shell word) and the real-host one
(``tests/integration/test_injection_all_ops.py``: nothing the strings say runs).

A position is every argument whose declared type holds text: ``str`` and
``str | None`` arguments, one item of ``list[str]`` arguments and one value of
``dict`` arguments, whether or not the op's fixture sets it. Each payload would
create ``MARK + tag`` if a shell, or the program it names, ever ran it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specops.compiler.catalog import OpType, validate_args

ROOT = Path(__file__).resolve().parents[1]
MARK = "/tmp/pwned-"  # every payload tries to create MARK + its tag
INJECT_DIR = (
    "/tmp/inject"  # where path positions put their payload (validation wants them absolute)
)

# Arguments that are shell code by design: running them is the op's job.
CODE = {
    ("server.shell", "command"): "the command the op runs",
    ("server.shell", "unless"): "a guard command, run with sh -c",
    ("server.script", "unless"): "a guard command, run with sh -c",
}


def payloads(tag: str) -> list[tuple[str, str]]:
    """(name, text) of each hostile string; every one would run ``touch MARK+tag``."""
    cmd = f"touch {MARK}{tag}"
    return [
        # Shell syntax, in and out of quotes.
        ("subst", f"x$({cmd})`{cmd}`"),
        ("quotes", f"x'\";{cmd}; #"),
        ("dquote", f"'\"; {cmd} #"),
        ("newline", f"x\n{cmd}\n"),
        ("pipe", f"-x | {cmd} & * é"),
        # Options that make the program they reach run a command, if a value is
        # ever taken as an option (no ``--`` before it).
        ("git-option", f"--upload-pack={cmd}"),
        ("tar-option", f"--to-command={cmd}"),
        ("ssh-option", f"-oProxyCommand={cmd}"),
        ("apt-option", f"-oAPT::Update::Pre-Invoke::={cmd}"),
    ]


@dataclass(frozen=True)
class Position:
    arg: str
    item: int | str | None  # None: the argument itself; int: a list item; str: a dict key

    @property
    def label(self) -> str:
        if self.item is None:
            return self.arg
        if isinstance(self.item, int):
            return f"{self.arg}[{self.item}]"
        return f"{self.arg}.{self.item}"


def _shape(t: Any) -> str | None:
    """'str', 'list' or 'dict' when the type can hold text there, else None."""
    if t is str:
        return "str"
    origin = typing.get_origin(t)
    if origin in (typing.Union, types.UnionType):
        shapes = [_shape(o) for o in typing.get_args(t) if o is not type(None)]
        return next((s for s in shapes if s), None)
    if origin is list and typing.get_args(t)[0] in (str, Any):
        return "list"
    if origin is dict:
        return "dict"
    return None


def positions(op: OpType, args: dict[str, Any]) -> Iterator[Position]:
    """Every position of ``op`` that takes text, given base arguments ``args``."""
    hints = op.hints()
    for f in op.fields():
        shape = _shape(hints[f.name])
        if shape == "str":
            yield Position(f.name, None)
        elif shape == "list":
            yield Position(f.name, len(args.get(f.name) or []) - 1 if args.get(f.name) else 0)
        elif shape == "dict":
            old = args.get(f.name) or {}
            text = [k for k, v in old.items() if isinstance(v, str)]
            yield Position(f.name, text[0] if text else "extra")


def put(args: dict[str, Any], p: Position, value: str) -> dict[str, Any]:
    out = dict(args)
    if p.item is None:
        out[p.arg] = value
    elif isinstance(p.item, int):
        items = list(args.get(p.arg) or [])
        out[p.arg] = [*items[: p.item], value, *items[p.item + 1 :]]
    else:
        out[p.arg] = {**(args.get(p.arg) or {}), p.item: value}
    return out


def fixture_args(kind: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(case name, args, whole case) of every fixture case of ``kind``."""
    out = []
    for case in sorted((ROOT / "tests" / "ops" / kind).glob("*.json")):
        data: dict[str, Any] = json.loads(case.read_text())
        out.append((case.stem, dict(data["args"]), data))
    return out


def defaults(op: OpType) -> dict[str, Any]:
    return {f.name: f.default for f in op.fields() if f.default is not dataclasses.MISSING}


Validated = tuple[dict[str, Any] | None, list[str]]


def hostile(
    op: OpType, args: dict[str, Any], p: Position, payload: str, base_dir: str
) -> Validated:
    """Put ``payload`` at ``p``: as it is, or else under INJECT_DIR (for arguments that
    must be absolute paths). Returns the canonical arguments, or the diagnostics of
    validation refusing both."""
    nowhere: Callable[[str], None] = lambda n: None  # noqa: E731
    problems: list[str] = []
    for value in (payload, f"{INJECT_DIR}/{payload}"):
        valid, diags = validate_args(
            op, put(args, p, value), nowhere, nowhere, None, base_dir=base_dir
        )
        if valid is not None:
            return valid, []
        # A refusal must be a diagnostic (it names the problem), never an exception.
        assert diags, (op.kind, p.label, value)
        problems += [d.message for d in diags]
    return None, problems
