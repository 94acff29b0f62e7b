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

import ast
import contextlib
import functools
import io
import os
import runpy
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from . import messages as m
from .catalog import Catalog, OpType, check_octal_mode, validate_args
from .diagnostics import Collector, Diagnostic, SpecError, diag, suggest
from .evaluate import kind as kind_of
from .facts import FactCache, HostFacts
from .inventory import Host, Inventory, select
from .ir import Connection, HostProgram, OpNode, Program
from .options import KEYWORDS, check, expected
from .references import expand_refs
from .source import Span
from .userframes import frame_span, full_traceback, user_frames
from .values import Sensitive, reveal, sensitive_paths, texts


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
        where = _keyword_spans(self.file, span)
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
        octal = _octal_keywords(self.file, span)
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


class _Prefixed(io.TextIOBase):
    """A stdout for deploy code: each line to stderr, with the host it was printed for."""

    def __init__(self, host: str) -> None:
        self.host, self.part = host, ""

    def write(self, text: str) -> int:
        self.part += text
        *lines, self.part = self.part.split("\n")
        for line in lines:
            sys.stderr.write(f"[{self.host}] {line}\n")
        return len(text)

    def flush(self) -> None:
        if self.part:
            sys.stderr.write(f"[{self.host}] {self.part}\n")
            self.part = ""
        sys.stderr.flush()


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


def _octal_keywords(file: str, call: Span) -> set[str]:
    """The call's keywords whose value is written as an octal literal (``0o750``)."""
    out = set()
    for node in _calls(file).get((call.line, call.col - 1), ()):
        for kw in node.keywords:
            v = kw.value
            if kw.arg and isinstance(v, ast.Constant) and type(v.value) is int:
                text = _source(file, v)
                if text.lower().startswith("0o"):
                    out.add(kw.arg)
    return out


def _source(file: str, node: ast.AST) -> str:
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        line = lines[node.lineno - 1]  # type: ignore[attr-defined]
        return line[node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
    except (OSError, IndexError, AttributeError):
        return ""


def _keyword_spans(file: str, call: Span) -> dict[str, Span]:
    """Spans of the call's keywords (``NAME``) and their values (``=NAME``)."""
    for node in _calls(file).get((call.line, call.col - 1), ()):
        out: dict[str, Span] = {}
        for kw in node.keywords:
            if kw.arg is None:
                continue
            out[kw.arg] = _node_span(file, kw)
            out[f"={kw.arg}"] = _node_span(file, kw.value)
        return out
    return {}


def _node_span(file: str, node: ast.AST) -> Span:
    line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
    end_line = getattr(node, "end_lineno", None) or line
    end_col = getattr(node, "end_col_offset", None)
    if end_line != line or end_col is None:
        return Span.point(file, line, col + 1)
    return Span(file, line, col + 1, line, end_col + 1)


@functools.lru_cache(maxsize=64)
def _calls(file: str) -> dict[tuple[int, int], list[ast.Call]]:
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"), file)
    except (OSError, SyntaxError, ValueError):
        return {}
    out: dict[tuple[int, int], list[ast.Call]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            out.setdefault((node.lineno, node.col_offset), []).append(node)
    return out


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
    """A located error for an exception of deploy code: at the innermost of the user's
    own frames, with each outer one as a note (the deploy's line that called a helper)."""
    if isinstance(exc, SyntaxError) and exc.lineno:
        at = Span.point(exc.filename or file, exc.lineno, exc.offset or 1)
        return SpecError([diag(m.PYTHON_ERROR, at, detail=f"syntax error: {exc.msg}")])
    frames = user_frames(exc)
    span = frame_span(frames[-1]) if frames else None
    notes = [
        (f"called from {f.name}()" if f.name != "<module>" else "called from here", frame_span(f))
        for f in reversed(frames[:-1])
    ]
    detail = f"{type(exc).__name__}: {exc}"
    hint = "the deploy raised this while it was being compiled"
    if exiting:
        code = exc.code if isinstance(exc, SystemExit) else None
        detail = f"the deploy called sys.exit({'' if code is None else repr(code)})"
        hint = "a deploy only declares ops; nothing was applied. Raise an exception to stop it"
    whole = full_traceback(exc)
    if whole:
        hint += "\n" + whole
    elif frames:
        hint += " (SPECOPS_TRACEBACK=1 or --traceback shows every frame)"
    return SpecError([diag(m.PYTHON_ERROR, span, detail=detail, hint=hint, notes=notes)])


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
    seen: dict[Diagnostic, list[str]] = {}  # each distinct error, and the hosts it is on
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
            mine = Collector()  # this host's: the same mistake on every host is said once
            rec = Recorder(file, catalog, HostInfo(host.name, hvars, groups, view), mine)
            rec.become = inventory.become_of(host.name)
            # print() in a deploy goes to stderr, by host: stdout is for specops' own
            # output (compile --emit ir, --json), which it would corrupt.
            printed = _Prefixed(host.name)
            with recording(rec), contextlib.redirect_stdout(printed):
                try:
                    runpy.run_path(file, run_name="__specops_deploy__")
                except SpecError as e:
                    mine.extend(e.diagnostics)
                except KeyboardInterrupt:
                    raise
                except SystemExit as e:  # sys.exit() would end specops with the deploy's code
                    mine.extend(_python_error(file, e, exiting=True).diagnostics)
                except BaseException as e:  # user code: located, never a traceback
                    mine.extend(_python_error(file, e).diagnostics)
            printed.flush()
            _check_refs(rec, mine)
            for d in mine.diagnostics:
                seen.setdefault(d, []).append(host.name)
            out.append(rec.program(host.name, host.connection))
    finally:
        sys.path.remove(str(Path(file).resolve().parent))
    for d, on in seen.items():
        if len(hosts) > 1:  # one error said once, with the hosts it is on
            which = "every host" if len(on) == len(hosts) else "host " + ", ".join(on)
            d = replace(d, hint=f"{d.hint + '; ' if d.hint else ''}on {which}")
        c.add(d)
    c.check()
    return Program(tuple(out))


def _check_refs(rec: Recorder, c: Collector) -> None:
    """References to ids the deploy never recorded (a looped op's base id counts)."""
    bases = {op.id.split("[", 1)[0] if op.id.endswith("]") else op.id for op in rec.ops}
    ids = {op.id for op in rec.ops} | bases
    handlers = {op.id for op in rec.ops if op.handler}
    handlers |= {h.split("[", 1)[0] for h in handlers}
    for op, before in zip(rec.ops, rec.before, strict=True):
        span = op.origin[0] if op.origin else None
        for ref in (*op.requires, *before):
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
