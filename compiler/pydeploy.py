"""Python deploys: run ``deploy.py`` once per host and record the ops it calls.

The deploy calls operations through ``specops.ops`` (``files.directory(...)``);
each call lands here, in the ``Recorder`` of the host being compiled, is
validated against the catalog exactly like a spec op, and becomes an
``OpNode``. The result is the same ``Program`` a spec file produces, so it goes
through the same optimizer and runtime.

The active recorder lives in a context variable: that is the one context the
user-facing API offers (pyinfra users expect module-level calls); the rest of
the compiler never reads it. An op's id is its ``_id=`` or ``deploy.py:LINE``.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from . import messages as m
from .catalog import Catalog, validate_args
from .diagnostics import Collector, SpecError, diag, suggest
from .facts import FactCache, HostFacts
from .inventory import Host, Inventory, select
from .ir import HostProgram, OpNode, Program
from .source import Span
from .values import Sensitive, reveal, sensitive_paths, texts

OPTIONS = ("_id", "_requires", "_notify", "_handler", "_become", "_tags", "_desc")


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

    def record(self, kind: str, kwargs: dict[str, Any]) -> None:
        span = call_span(self.file)
        optype = self.catalog.get(kind)
        if optype is None:
            self.collector.add(
                diag(m.UNKNOWN_OP, span, kind=kind, hint=suggest(kind, self.catalog.kinds()))
            )
            return
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in OPTIONS}
        for k in list(kwargs):
            if k.startswith("_"):
                self.collector.add(
                    diag(
                        m.UNKNOWN_ARG,
                        span,
                        kind=kind,
                        name=k,
                        hint=suggest(k, OPTIONS) or f"options are {', '.join(OPTIONS)}",
                    )
                )
                kwargs.pop(k)
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
        kwargs = {k: reveal(v)[0] for k, v in kwargs.items()}
        base = os.path.dirname(os.path.abspath(self.file))
        args, problems = validate_args(
            optype, kwargs, lambda _: span, lambda _: span, span, base_dir=base, secret=hidden
        )
        self.collector.extend(problems)
        if args is None:
            return
        for name in optype.secret_args():  # sensitive whatever their source (a password)
            if args[name] not in (None, "") and name not in secret:
                secret += (name,)
                leaves.append(str(args[name]))
        op_id = options.get("_id") or self._default_id(span)
        if any(op.id == op_id for op in self.ops):
            self.collector.add(
                diag(m.DUPLICATE_ID, span, id=op_id, hint="give each op its own _id=")
            )
            return
        self.ops.append(
            OpNode(
                id=op_id,
                kind=kind,
                args=args,
                requires=tuple(_as_list(options.get("_requires"))),
                notify=tuple(_as_list(options.get("_notify"))),
                handler=bool(options.get("_handler", False)),
                become=options.get("_become", self.become),
                tags=tuple(_as_list(options.get("_tags"))),
                desc=options.get("_desc"),
                sensitive=secret,
                secrets=tuple(leaves),
                origin=(span,),
            )
        )

    def _default_id(self, span: Span) -> str:
        base = f"{Path(self.file).name}:{span.line}"
        taken = {op.id for op in self.ops}
        if base not in taken:
            return base
        n = 1
        while f"{base}[{n}]" in taken:
            n += 1
        return f"{base}[{n}]"


def _secret_texts(v: Any) -> list[str]:
    if isinstance(v, Sensitive):
        return [t for t in texts(v) if t]
    if isinstance(v, list):
        return [t for x in v for t in _secret_texts(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _secret_texts(x)]
    return []


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


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


def _frame_in(file: str) -> FrameType | None:
    target = str(Path(file).resolve())
    f: FrameType | None = sys._getframe(1)
    while f is not None:
        if str(Path(f.f_code.co_filename).resolve()) == target:
            return f
        f = f.f_back
    return None


def call_span(file: str) -> Span:
    """The span of the call expression in ``file`` that is running right now."""
    f = _frame_in(file)
    if f is None:
        return Span.point(file, 1, 1)
    positions = list(f.f_code.co_positions())
    idx = f.f_lasti // 2
    if 0 <= idx < len(positions):
        line, end_line, col, end_col = positions[idx]
        if line is not None and col is not None:
            end = end_col if end_line == line and end_col is not None else col + 1
            return Span(file, line, col + 1, line, end + 1)
    return Span.point(file, f.f_lineno, 1)


def _python_error(file: str, exc: BaseException, exiting: bool = False) -> SpecError:
    span: Span | None = None
    if isinstance(exc, SyntaxError) and exc.lineno:
        span = Span.point(file, exc.lineno, exc.offset or 1)
        return SpecError([diag(m.PYTHON_ERROR, span, detail=f"syntax error: {exc.msg}")])
    target = str(Path(file).resolve())
    for fs in traceback.extract_tb(exc.__traceback__):
        if str(Path(fs.filename).resolve()) == target and fs.lineno:
            col = (fs.colno or 0) + 1
            end = (fs.end_colno or col) + 1 if fs.end_lineno == fs.lineno else col + 1
            span = Span(file, fs.lineno, col, fs.lineno, end)
    detail = f"{type(exc).__name__}: {exc}"
    hint = "the deploy raised this while it was being compiled"
    if exiting:
        code = exc.code if isinstance(exc, SystemExit) else None
        detail = f"the deploy called sys.exit({'' if code is None else repr(code)})"
        hint = "a deploy only declares ops; nothing was applied. Raise an exception to stop it"
    return SpecError([diag(m.PYTHON_ERROR, span, detail=detail, hint=hint)])


def run_deploy(
    file: str,
    inventory: Inventory,
    catalog: Catalog,
    limit: list[str] | None = None,
    variables: Mapping[str, Any] | None = None,
    facts: FactCache | None = None,
) -> Program:
    """Run the deploy once per host of ``inventory`` and return the recorded program.

    ``facts`` answers ``host().facts``; without it, reading a fact is an error.
    """
    facts = facts or FactCache(None)
    if not Path(file).is_file():  # a FIFO would block forever
        raise SpecError(
            [diag(m.FILE_NOT_FOUND, None, path=file, reason="no such file, or not a regular file")]
        )
    hosts: list[Host] = list(inventory.hosts)
    c = Collector()
    if limit is not None:
        names, unknown = select(inventory, limit)
        for name in unknown:
            c.add(diag(m.UNKNOWN_HOST, None, name=name, hint=suggest(name, inventory.names())))
        hosts = [h for h in hosts if h.name in names]
    out: list[HostProgram] = []
    sys.path.insert(0, str(Path(file).resolve().parent))
    try:
        for host in hosts:
            hvars: dict[str, Any] = {}
            for g in inventory.groups_of(host.name):
                hvars.update(g.vars)
            hvars.update(host.vars)
            hvars.update(variables or {})
            groups = tuple(g.name for g in inventory.groups_of(host.name))
            view = HostFacts(facts, host.name)
            rec = Recorder(file, catalog, HostInfo(host.name, hvars, groups, view), c)
            rec.become = inventory.become_of(host.name)
            with recording(rec):
                try:
                    runpy.run_path(file, run_name="__specops_deploy__")
                except SpecError as e:
                    c.extend(e.diagnostics)
                except KeyboardInterrupt:
                    raise
                except SystemExit as e:  # sys.exit() would end specops with the deploy's code
                    c.extend(_python_error(file, e, exiting=True).diagnostics)
                except BaseException as e:  # user code: located, never a traceback
                    c.extend(_python_error(file, e).diagnostics)
            out.append(HostProgram(host.name, host.connection, tuple(rec.ops)))
    finally:
        sys.path.remove(str(Path(file).resolve().parent))
    for hp in out:
        _check_refs(hp, c)
    c.check()
    return Program(tuple(out))


def _check_refs(hp: HostProgram, c: Collector) -> None:
    ids = {op.id for op in hp.ops}
    handlers = {op.id for op in hp.ops if op.handler}
    for op in hp.ops:
        span = op.origin[0] if op.origin else None
        for ref in op.requires:
            if ref not in ids:
                c.add(diag(m.UNKNOWN_REF, span, name=ref, hint=suggest(ref, ids)))
        for ref in op.notify:
            if ref not in handlers:
                c.add(
                    diag(
                        m.UNKNOWN_REF,
                        span,
                        name=ref,
                        hint=suggest(ref, handlers) or "declare it with _handler=True",
                    )
                )
