"""User errors as data, and their one rendering.

Every user error is a ``Diagnostic``: a registry code, a message, a span, a
hint. Stages collect as many as they can and raise one ``SpecError`` holding
them all, so a run reports every mistake it can find, not just the first.
Rendering is done once, here:

    site.toml:14:19: error[undefined-name]: name "ap" is not defined
       14 | path = "/srv/${ap}"
          |                ^^
    hint: did you mean "app"?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SpecopsError
from .messages import Message
from .source import Span, line_of
from .terminal import clip, printable


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None
    hint: str | None = None
    notes: tuple[tuple[str, Span], ...] = ()


def diag(
    msg: Message,
    span: Span | None,
    *,
    hint: str | None = None,
    notes: Iterable[tuple[str, Span]] = (),
    **fields: object,
) -> Diagnostic:
    """Build a diagnostic from a registry message and its template fields."""
    return Diagnostic(msg.code, msg.template.format(**fields), span, hint, tuple(notes))


@dataclass
class SpecError(SpecopsError):
    """One or more user errors; the CLI renders them and exits non-zero."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return render_all(self.diagnostics)


class Collector:
    """Gathers diagnostics across a stage; ``check()`` raises if any were found."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add(self, d: Diagnostic) -> None:
        # The same mistake evaluated for many hosts is reported once.
        if d not in self.diagnostics:
            self.diagnostics.append(d)

    def extend(self, ds: Iterable[Diagnostic]) -> None:
        for d in ds:
            self.add(d)

    def check(self) -> None:
        if self.diagnostics:
            raise SpecError(sorted(self.diagnostics, key=_position))


def _position(d: Diagnostic) -> tuple[int, str, int, int]:
    if d.span is None:
        return (1, "", 0, 0)
    return (0, d.span.file, d.span.line, d.span.col)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for ``name`` among ``candidates``, or None."""
    if len(name) > 200:  # no name is that long; matching it would take quadratic time
        return None
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f'did you mean "{close[0]}"?' if close else None


def _snippet(span: Span, sources: Mapping[str, str]) -> list[str]:
    if str(Path(span.file).resolve()) in _SECRET_FILES:
        return ["   (the line is not shown: this file holds secrets)"]
    text = sources.get(span.file)
    if text is None:
        try:
            text = Path(span.file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
    src = line_of(text, span.line)
    if not src and span.line > len(text.splitlines()):
        return []
    width = len(str(span.line))
    gutter = " " * (width + 4)
    col = max(span.col, 1)
    if span.end_line == span.line:
        length = max(span.end_col - col, 1)
    else:
        length = max(len(src) - col + 1, 1)
    if len(src) > 2 * WINDOW:  # a very long line: the part around the caret
        start = max(0, col - 1 - WINDOW // 2)
        end = start + WINDOW
        src = ("…" if start else "") + src[start:end] + ("…" if end < len(src) else "")
        col -= start  # at most WINDOW // 2 + 1: the caret line fits in the window
        length = min(length, WINDOW - col + 1)
        col += 1 if start else 0
    # Tabs before the caret keep their width so the caret lines up; an escaped
    # character is as wide as its escape.
    pad = "".join("\t" if ch == "\t" else " " * len(printable(ch)) for ch in src[: col - 1])
    return [f"   {span.line} | {src}", f"{gutter}| {pad}{'^' * length}"]


WINDOW = 120


# Files whose lines are never shown under a diagnostic: they hold secrets.
_SECRET_FILES: set[str] = set()


def hide_source(path: str) -> None:
    """Never print ``path``'s lines in a diagnostic (a secrets file)."""
    _SECRET_FILES.add(str(Path(path).resolve()))


def render(d: Diagnostic, sources: Mapping[str, str] | None = None) -> str:
    srcs = sources or {}
    where = f"{d.span}: " if d.span else ""
    out = [f"{where}error[{d.code}]: {clip(d.message)}"]
    if d.span:
        out += _snippet(d.span, srcs)
    for text, span in d.notes:
        out.append(f"{span}: note: {clip(text)}")
        out += _snippet(span, srcs)
    if d.hint:
        out.append(f"hint: {clip(d.hint)}")
    return printable("\n".join(out))


def render_all(ds: Iterable[Diagnostic], sources: Mapping[str, str] | None = None) -> str:
    items = list(ds)
    body = "\n\n".join(render(d, sources) for d in items)
    n = len(items)
    return f"{body}\n\n{n} errors" if n > 1 else body
