"""One op from the command line: ``files.directory path=/srv/x mode=0755`` -> a ``Program``.

Each ``NAME=VALUE`` is parsed by the type the op declares for ``NAME``, so the
shell's strings become the values a spec would hold:

| declared type | ``VALUE`` |
|---|---|
| ``str`` | as written (``mode=0755`` stays ``"0755"``) |
| ``bool`` | ``true``/``false`` (also ``yes``/``no``, ``on``/``off``, ``1``/``0``) |
| ``int``, ``float`` | a number |
| ``list[...]`` | a JSON list, or items separated by commas (``packages=nginx,curl``) |
| ``dict[...]``, anything else | JSON (a bare word is a string) |

The arguments are then validated by ``catalog.validate_args`` exactly as a
spec op's are (unknown names with "did you mean", missing ones, wrong types,
custom checks), and the op is placed on every target and optimized like any
other program. Nothing here touches a host.
"""

from __future__ import annotations

import json
import types
from collections.abc import Sequence
from typing import Any, Literal, Union, get_args, get_origin

from . import messages as m
from .catalog import Catalog, Signature, type_name, validate_args
from .cmdline import CommandLine
from .diagnostics import Collector, diag, suggest
from .inventory import Inventory
from .ir import HostProgram, OpNode, Program
from .optimize import optimize
from .source import Span

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class _NoParse(Exception):
    pass


def _members(t: Any) -> list[Any]:
    if get_origin(t) in (Union, types.UnionType):
        return [a for a in get_args(t) if a is not type(None)]
    return [t]


def parse_value(text: str, t: Any) -> Any:
    """``text`` read as a value of annotation ``t``; raises ``ValueError`` when it cannot be."""
    members = _members(t)
    if len(members) > 1:
        for member in members:  # the first reading that fits wins
            try:
                return parse_value(text, member)
            except ValueError:
                continue
        raise ValueError(text)
    (t,) = members
    origin = get_origin(t)
    if t is str:
        return text
    if t is bool:
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(text)
    if t is int:
        return int(text)
    if t is float:
        return float(text)
    if origin is Literal:
        # A choice that is not offered stays a string; validate_args lists the choices.
        return next((a for a in get_args(t) if str(a) == text), text)
    if origin is list:
        if text.lstrip().startswith("["):
            return json.loads(text)  # a JSON text that starts with "[" is a list
        (inner,) = get_args(t) or (str,)
        items = [] if text == "" else text.split(",")
        return [parse_value(i.strip(), inner) for i in items]
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def read_args(
    cl: CommandLine, indices: Sequence[int], op: Signature, c: Collector
) -> tuple[dict[str, Any], dict[str, Span], dict[str, Span], set[str]]:
    """Raw values of the arguments at ``indices`` of ``cl``, with key and value spans."""
    raw: dict[str, Any] = {}
    keys: dict[str, Span] = {}
    values: dict[str, Span] = {}
    failed: set[str] = set()
    hints = op.hints()
    for i in indices:
        word = cl.args[i]
        name, eq, text = word.partition("=")
        if not eq or not name:
            c.add(
                diag(
                    m.BAD_VALUE,
                    cl.span(i),
                    what=f"argument {word!r}",
                    detail="expected NAME=VALUE",
                    hint=f"{op.kind} takes: {', '.join(f.name for f in op.fields())}",
                )
            )
            continue
        key_span = cl.span(i, 0, len(name))
        value_span = cl.span(i, len(name) + 1) if text else cl.span(i)
        if name in raw:
            c.add(
                diag(
                    m.BAD_VALUE,
                    key_span,
                    what=f'argument "{name}"',
                    detail="is given twice",
                    hint="give each argument once",
                )
            )
            continue
        keys[name], values[name] = key_span, value_span
        if name not in hints:
            raw[name] = text  # validate_args reports it, with a suggestion
            continue
        try:
            raw[name] = parse_value(text, hints[name])
        except (ValueError, json.JSONDecodeError):
            failed.add(name)
            c.add(
                diag(
                    m.WRONG_TYPE,
                    value_span,
                    what=f'"{name}" of {op.kind}',
                    expected=type_name(hints[name]),
                    got=json.dumps(text),
                    hint=_type_hint(hints[name]),
                )
            )
    return raw, keys, values, failed


def _type_hint(t: Any) -> str | None:
    members = _members(t)
    if bool in members:
        return "write true or false"
    if any(get_origin(x) is list for x in members):
        return 'separate items with commas (a,b) or write a JSON list (["a","b"])'
    if int in members or float in members:
        return "write a number"
    return None


def build_program(
    cl: CommandLine,
    words: Sequence[int],
    catalog: Catalog,
    inventory: Inventory,
    c: Collector,
) -> Program | None:
    """The op named by ``cl.args[words[0]]``, arguments at ``words[1:]``, on every host."""
    kind_index = words[0]
    kind = cl.args[kind_index]
    op = catalog.get(kind)
    if op is None:
        hint = suggest(kind, catalog.kinds())
        if hint is None and "." not in kind:
            hint = f'to run a shell command, put it after "--": specops run TARGETS -- {kind}'
        c.add(diag(m.UNKNOWN_OP, cl.span(kind_index), kind=kind, hint=hint or "`specops ops`"))
        return None
    raw, keys, values, failed = read_args(cl, words[1:], op, c)
    op_span = cl.span(kind_index)
    args, problems = validate_args(
        op,
        raw,
        key_span=keys.__getitem__,  # validate_args locates only the names given
        value_span=values.__getitem__,
        op_span=op_span,
        failed=failed,
    )
    c.extend(problems)
    if args is None or c.diagnostics:
        return None
    node = OpNode(id=kind, kind=kind, args=args, origin=(op_span,))
    hosts = tuple(HostProgram(h.name, h.connection, (node,)) for h in inventory.hosts)
    return optimize(Program(hosts), catalog)
