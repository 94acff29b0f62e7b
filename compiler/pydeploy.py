"""Python deploys: run ``deploy.py`` once per host and record the ops it calls.

The deploy calls operations through ``specops.ops`` (``files.directory(...)``);
each call lands in the ``Recorder`` (``pyrecorder``) of the host being compiled,
is validated against the catalog exactly like a spec op, and becomes an
``OpNode``. The result is the same ``Program`` a spec file produces, so it goes
through the same optimizer and runtime.

This module runs the deploy: once per host, with the host's variables and facts,
its ``print()`` sent to stderr, and every exception of deploy code turned into a
located error (the same mistake on every host is said once); then it checks the
references between the recorded ops.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import messages as m
from .catalog import Catalog
from .diagnostics import Collector, Diagnostic, SpecError, diag, suggest
from .facts import FactCache, HostFacts
from .inventory import Host, Inventory, select
from .ir import HostProgram, Program
from .pyrecorder import HostInfo, Recorder, recording
from .source import Span
from .userframes import frame_span, full_traceback, user_frames


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
