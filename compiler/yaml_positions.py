"""Positions in a YAML text: ruamel's 0-based marks and ``.lc`` data as 1-based spans.

A part of ``load_yaml`` (see ``yaml_diagnostics``); lines are counted as ruamel counts
them, so a mark and a span agree on every line break YAML knows.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .source import Span

Pos = tuple[int, int]  # ruamel's 0-based (line, column)

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # as ruamel counts lines


def _lc_start(obj: CommentedMap | CommentedSeq) -> Pos:
    line, col = obj.lc.line, obj.lc.col
    return (line, col) if isinstance(line, int) and isinstance(col, int) else (0, 0)


def _lc_data(obj: CommentedMap | CommentedSeq) -> dict[Any, list[int]]:
    data = getattr(obj.lc, "data", None)
    return data if isinstance(data, dict) else {}


def _pos(mark: Any) -> Pos:
    return (int(mark.line), int(mark.column))


def _point(file: str, p: Pos) -> Span:
    return Span.point(file, p[0] + 1, p[1] + 1)


def _span(file: str, start: Pos, end: Pos) -> Span:
    return Span(file, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1)


def _clamp(text: str, p: Pos) -> Pos:
    """Keep an end-of-stream mark on the last line that exists."""
    lines = _LINE_BREAK.split(text)
    line, col = p
    if line >= len(lines):
        line, col = len(lines) - 1, len(lines[-1])
    if line > 0 and line == len(lines) - 1 and not lines[line]:
        line, col = line - 1, len(lines[line - 1])
    return (line, col)


def _offset_pos(text: str, offset: int) -> Pos:
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    return (len(breaks), offset - (breaks[-1].end() if breaks else 0))
