"""The recorder of a Python deploy: each op call, validated, becomes an ``OpNode``.

A call through ``specops.ops`` lands in ``current()``, the ``Recorder`` of the host
being compiled. Its arguments are validated against the catalog exactly like a spec
op's (with Python's octal literals as modes), its ``_options`` as a spec's reserved
keys, and its sensitive values stay marked. An op's id is its ``_id=`` or
``deploy.py:LINE``; one call site recorded again (a loop) gives ``BASE[KEY]`` ids.

The active recorder lives in a context variable: that is the one context the
user-facing API offers (pyinfra users expect module-level calls); the rest of
the compiler never reads it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import messages as m
from .catalog import Catalog, OpType, check_octal_mode, validate_args
from .diagnostics import Collector, diag, suggest
from .facts import HostFacts
from .ir import Connection, HostProgram, OpNode
from .options import KEYWORDS, check, expected
from .pycalls import call_span, keyword_spans, octal_keywords
from .references import expand_refs
from .source import Span
from .values import Sensitive, reveal, sensitive_paths, texts
from .values import kind as kind_of


@dataclass(frozen=True)
class HostInfo:
    """The host a deploy is being compiled for, as deploy code sees it."""

    name: str
    vars: Mapping[str, Any]
    groups: tuple[str, ...] = ()  # every group holding the host, nested ones included
    facts: HostFacts | None = None  # read from the host on first use


@dataclass
class Recorder:
    file: str
    catalog: Catalog
    host: HostInfo
    collector: Collector
    ops: list[OpNode] = field(default_factory=list)
    become: bool | str = False  # the host's (or its groups') default for ops without _become
    before: list[tuple[str, ...]] = field(default_factory=list)  # per op: its _before
    # id base -> (call site, indexes of its ops, their loop keys): loops and duplicates
    sites: dict[str, tuple[tuple[int, int], list[int], list[str | None]]] = field(
        default_factory=dict
    )

    def program(self, name: str, connection: Connection) -> HostProgram:
        """What the deploy recorded for the host, with loop and ``_before`` references
        expanded as a spec's are."""
        nodes = expand_refs(list(zip(self.ops, self.before, strict=True)))
        return HostProgram(name, connection, tuple(nodes))

    def record(self, kind: str, kwargs: dict[str, Any]) -> None:
        span = call_span(self.file)
        where = keyword_spans(self.file, span)
        optype = self.catalog.get(kind)
        if optype is None:
            self.collector.add(
                diag(m.UNKNOWN_OP, span, kind=kind, hint=suggest(kind, self.catalog.kinds()))
            )
            return
        options = self._options(kind, kwargs, span, where)
        if options is None:
            return
        secret = tuple(p for k, v in kwargs.items() for p in sensitive_paths(v, k))
        leaves = sorted(
            {t for v in kwargs.values() for t in _secret_texts(v)}, key=len, reverse=True
        )
        for name in optype.scope_args():  # as in spec files: the host's plain variables
            given = kwargs.get(name)
            plain = {k: v for k, v in self.host.vars.items() if not isinstance(v, Sensitive)}
            given_map = given if isinstance(given, dict) else {}
            kwargs[name] = {**plain, "host": {"name": self.host.name}, **given_map}
        hidden = {k for k, v in kwargs.items() if sensitive_paths(v, k)}
        octal = octal_keywords(self.file, span)
        kwargs = {k: _pythonic(optype, k, reveal(v)[0], k in octal) for k, v in kwargs.items()}
        base = os.path.dirname(os.path.abspath(self.file))
        args, problems = validate_args(
            optype,
            kwargs,
            lambda name: where.get(name, span),
            lambda name: where.get(f"={name}", span),
            span,
            base_dir=base,
            secret=hidden,
        )
        self.collector.extend(problems)
        if args is None:
            return
        for name in optype.secret_args():  # sensitive whatever their source (a password)
            if args[name] not in (None, "") and name not in secret:
                secret += (name,)
                leaves.append(str(args[name]))
        op_id = self._id(options.get("id"), span, optype, args)
        if op_id is None:
            return
        node = OpNode(
            id=op_id,
            kind=kind,
            args=args,
            requires=options.get("requires", ()),
            notify=options.get("notify", ()),
            handler=options.get("handler", False),
            become=options.get("become", self.become),
            tags=options.get("tags", ()),
            desc=options.get("desc"),
            sensitive=secret,
            secrets=tuple(leaves),
            origin=(span,),
        )
        self.ops.append(node)
        self.before.append(options.get("before", ()))

    def _options(
        self, kind: str, kwargs: dict[str, Any], span: Span, where: dict[str, Span]
    ) -> dict[str, Any] | None:
        """The ``_options`` of a call, checked as a spec's reserved keys are; None on error."""
        out: dict[str, Any] = {}
        ok = True
        for k in [k for k in kwargs if k.startswith("_")]:
            value = kwargs.pop(k)
            option = KEYWORDS.get(k)
            if option is None:
                self.collector.add(
                    diag(
                        m.UNKNOWN_ARG,
                        where.get(k, span),
                        kind=kind,
                        name=k,
                        hint=suggest(k, KEYWORDS) or f"options are {', '.join(KEYWORDS)}",
                    )
                )
                ok = False
                continue
            canonical, valid = check(option.name, value)
            if not valid:
                self.collector.add(
                    diag(
                        m.WRONG_TYPE,
                        where.get(f"={k}", span),
                        what=f'"{k}" of {kind}',
                        expected=expected(option.name),
                        got=kind_of(value),
                    )
                )
                ok = False
                continue
            out[option.name] = canonical
        return out if ok else None

    def _id(
        self, given: str | None, span: Span, optype: OpType, args: Mapping[str, Any]
    ) -> str | None:
        """The op's id: ``_id``, else ``FILE:LINE``. One call site recorded again (a loop)
        gives ``BASE[KEY]`` ids, KEY from the op's first identity argument, as a looped
        spec op's ids are; ``_requires=["BASE"]`` then means all of them."""
        base = given or f"{Path(self.file).name}:{span.line}"
        site = (span.line, span.col)
        key = _loop_key(optype, args)
        earlier = self.sites.get(base)
        if earlier is None:
            self.sites[base] = (site, [len(self.ops)], [key])
            return base
        first_site, indexes, keys = earlier
        if first_site != site:
            self.collector.add(
                diag(m.DUPLICATE_ID, span, id=base, hint="give each op its own _id=")
            )
            return None
        if len(indexes) == 1:  # the first of the loop: name it by its key too
            i = indexes[0]
            self.ops[i] = replace(self.ops[i], id=_item_id(base, keys[0], 0))
        indexes.append(len(self.ops))
        keys.append(key)
        op_id = _item_id(base, key, len(keys) - 1)
        if any(op.id == op_id for op in self.ops):
            op_id = _item_id(base, None, len(keys) - 1)
        return op_id


def _loop_key(optype: OpType, args: Mapping[str, Any]) -> str | None:
    value = args.get(optype.declares.identity[0]) if optype.declares.identity else None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, str) and value else None


def _item_id(base: str, key: str | None, index: int) -> str:
    return f"{base}[{key if key is not None else index}]"


def _pythonic(optype: OpType, name: str, value: Any, octal: bool) -> Any:
    """Python's unambiguous forms of spec values: a mode written as an octal literal
    (``0o755``; a plain ``755`` is still the mistake it is in a spec)."""
    f = next((x for x in optype.fields() if x.name == name), None)
    if (
        octal
        and f is not None
        and f.metadata.get("check") is check_octal_mode
        and isinstance(value, int)
        and 0 <= value <= 0o7777
    ):
        return format(value, "04o")
    return value


def _secret_texts(v: Any) -> list[str]:
    if isinstance(v, Sensitive):
        return [t for t in texts(v) if t]
    if isinstance(v, list):
        return [t for x in v for t in _secret_texts(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _secret_texts(x)]
    return []


_current: ContextVar[Recorder | None] = ContextVar("specops_recorder", default=None)


def current() -> Recorder:
    rec = _current.get()
    if rec is None:
        raise RuntimeError(
            "specops operations record into a deploy: run this file with "
            "`specops plan deploy.py` or `specops apply deploy.py`"
        )
    return rec


@contextmanager
def recording(rec: Recorder) -> Iterator[Recorder]:
    token = _current.set(rec)
    try:
        yield rec
    finally:
        _current.reset(token)
