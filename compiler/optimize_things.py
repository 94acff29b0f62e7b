"""What an op manages, as the conflict and order passes see it: its "things".

A thing is (resource, identity values): ``("path", ("/srv/app",))``. The
catalog's ``Declares.resource`` and ``Declares.identity`` define it; see
``optimize_conflicts`` for how two declarations of one thing are judged.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from .catalog import OpType
from .ir import OpNode

Thing = tuple[str, tuple[str, ...]]  # (resource, identity values)


def _text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str)


def is_secret(op: OpNode, name: str) -> bool:
    return any(p == name or p.startswith(name + ".") for p in op.sensitive)


def things(op: OpNode, t: OpType | None) -> list[Thing]:
    """Each thing ``op`` manages (``label`` says it in words, for messages)."""
    if t is None or not t.declares.identity or op.handler:
        return []
    names = t.declares.identity[:1] if t.declares.part_of else t.declares.identity
    args = op.args
    if len(names) == 1:  # the common case, without the product below
        v = args.get(names[0], _ABSENT)
        if v is _ABSENT:
            return []
        kind = t.declares.resource or t.kind
        if isinstance(v, list):
            return [(kind, (_text(x),)) for x in v]
        return [(kind, (v if isinstance(v, str) else _text(v),))]
    if any(n not in args for n in names):
        return []
    choices = [
        [_text(x) for x in v] if isinstance(v, list) else [_text(v)] for v in map(args.get, names)
    ]
    return [(t.declares.resource or t.kind, combo) for combo in itertools.product(*choices)]


_ABSENT = object()


def label(op: OpNode, t: OpType, thing: Thing) -> str:
    """``thing`` of ``op`` in words: ``path "/srv/app"``, ``"curl" (in packages)``."""
    names = t.declares.identity[:1] if t.declares.part_of else t.declares.identity
    out = []
    for n, value in zip(names, thing[1], strict=True):
        secret = is_secret(op, n)
        if isinstance(op.args.get(n), list):
            out.append("(sensitive)" if secret else f'"{value}" (in {n})')
        else:
            out.append(f'{n} "(sensitive)"' if secret else f'{n} "{value}"')
    return ", ".join(out)
