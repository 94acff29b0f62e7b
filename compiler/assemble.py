"""Includes: gather the spec files (and Python deploys) a spec pulls in, in run order.

The one rule for includes, as the docs state it:

- an included file's ops run before the including file's own ops, in the
  order of the ``include`` list (nested includes expand in place);
- their ids are prefixed with the include's ``name`` (default: the file stem):
  ``web/nginx``; inside the file, ``requires``/``before``/``notify`` name ops
  by their own ids, and may name outer ops by full id;
- ``hosts`` on the entry narrows the hosts of every included op (both must
  allow a host), ``when`` must also be true, ``tags`` are added;
- the file's ``[vars]`` are defaults for its own ops only; the entry's ``vars``
  are parameters that override spec vars (see ``scope``);
- an included file may not declare hosts, groups or secrets: inventory and
  secrets belong to the top-level spec.

This stage reads files; it evaluates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import messages as m
from .diagnostics import Collector, SpecError, diag
from .load import load
from .scope import Layer
from .spec import IncludeDecl, SpecFile, read_spec

MAX_DEPTH = 20


@dataclass(frozen=True)
class Context:
    """Where a file's ops sit: the include chain that reached it."""

    prefix: str = ""
    defaults: Layer | None = None
    params: tuple[Layer, ...] = ()
    includes: tuple[IncludeDecl, ...] = ()  # outermost first

    def full_id(self, op_id: str) -> str:
        return f"{self.prefix}/{op_id}" if self.prefix else op_id

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t for inc in self.includes for t in inc.tags)


@dataclass(frozen=True)
class Unit:
    """One spec file's ops and handlers in one include context."""

    spec: SpecFile
    context: Context


@dataclass(frozen=True)
class PyUnit:
    """A Python deploy included from a spec."""

    file: str
    context: Context


def assemble(top: SpecFile, c: Collector) -> list[Unit | PyUnit]:
    out: list[Unit | PyUnit] = []
    _expand(top, Context(), [top.doc.file], out, c)
    return out


def _expand(
    spec: SpecFile, ctx: Context, chain: list[str], out: list[Unit | PyUnit], c: Collector
) -> None:
    for inc in spec.includes:
        span = inc.span
        if str(Path(inc.file).resolve()) in [str(Path(f).resolve()) for f in chain]:
            cycle = " -> ".join(Path(f).name for f in [*chain, inc.file])
            c.add(
                diag(
                    m.CYCLE, span, what="includes", cycle=cycle, hint="a spec cannot include itself"
                )
            )
            continue
        if len(chain) > MAX_DEPTH:
            c.add(diag(m.BAD_VALUE, span, what="include", detail=f"nested deeper than {MAX_DEPTH}"))
            continue
        params = Layer(f"include {inc.name} vars", inc.vars, inc.doc, (*inc.path, "vars"))
        sub = Context(
            prefix=f"{ctx.prefix}/{inc.name}" if ctx.prefix else inc.name,
            params=(*ctx.params, params),
            includes=(*ctx.includes, inc),
        )
        if inc.file.endswith(".py"):
            if not Path(inc.file).is_file():
                c.add(diag(m.FILE_NOT_FOUND, span, path=inc.file, reason="no such file"))
                continue
            out.append(PyUnit(inc.file, sub))
            continue
        try:
            child = read_spec(load(inc.file))
        except SpecError as e:
            # A file that cannot be read is reported where the include names it.
            c.extend(replace(d, span=d.span or span) for d in e.diagnostics)
            continue
        for section, present in (
            ("hosts", "hosts" in child.doc.data),
            ("groups", "groups" in child.doc.data),
            ("secrets", bool(child.secrets)),
        ):
            if present:
                c.add(
                    diag(
                        m.BAD_VALUE,
                        child.doc.key_span((section,)),
                        what=f"[{section}]",
                        detail="belongs to the top-level spec, not an included file",
                        hint="move it to the spec that includes this file",
                    )
                )
        if child.modules:
            c.add(
                diag(
                    m.BAD_VALUE,
                    child.doc.key_span(("python",)),
                    what="[python]",
                    detail="belongs to the top-level spec, not an included file",
                )
            )
        defaults = Layer(f"defaults of {Path(inc.file).name}", child.vars, child.doc, ("vars",))
        child_ctx = Context(sub.prefix, defaults, sub.params, sub.includes)
        _expand(child, child_ctx, [*chain, inc.file], out, c)
    out.append(Unit(spec, ctx))
