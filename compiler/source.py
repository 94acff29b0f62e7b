"""Source positions and loaded documents: the plain data every stage locates errors with.

A ``Document`` is what a loader returns: the parsed data as plain Python values,
plus a span for every value and every mapping key, addressed by path
(``("ops", "app_dir", "mode")``, list items by index). Keeping positions beside
the data, rather than wrapping every value, lets later stages work on ordinary
dicts and lists and still point at the exact source of any value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True, order=True)
class Span:
    """A range in a source file: 1-based line and column, end exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    @classmethod
    def point(cls, file: str, line: int, col: int, length: int = 1) -> Span:
        return cls(file, line, col, line, col + max(length, 1))

    def to_json(self) -> str:
        return str(self)


@dataclass
class Document:
    """A parsed spec file: plain data plus the span of every value and key."""

    file: str
    text: str
    format: Literal["toml", "yaml", "python"]
    data: dict[str, Any]
    spans: dict[Path, Span] = field(default_factory=dict)
    key_spans: dict[Path, Span] = field(default_factory=dict)

    def span(self, path: Path) -> Span:
        """The span of the value at ``path``, or of its nearest located ancestor."""
        p = tuple(path)
        while p:
            if p in self.spans:
                return self.spans[p]
            p = p[:-1]
        return self.spans.get((), Span.point(self.file, 1, 1))

    def key_span(self, path: Path) -> Span:
        """The span of the key that introduces ``path`` (falls back to the value)."""
        p = tuple(path)
        if p in self.key_spans:
            return self.key_spans[p]
        return self.span(p)


def line_of(text: str, line: int) -> str:
    """The 1-based ``line`` of ``text`` without its newline, or "" past the end."""
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return ""
