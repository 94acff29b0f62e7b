"""Where a Python deploy's op call is, in its source: the call that is running, the
spans of its keywords and their values, and which values are octal literals.

The recorder (``pyrecorder``) locates every diagnostic of an op call with these, as
a spec file's are located by its loader: the running call from the interpreter's
frames, the rest from the deploy file's syntax tree (parsed once per file).
"""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path
from types import FrameType

from .source import Span


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


def _frame_in(file: str) -> FrameType | None:
    target = str(Path(file).resolve())
    f: FrameType | None = sys._getframe(1)
    while f is not None:
        if str(Path(f.f_code.co_filename).resolve()) == target:
            return f
        f = f.f_back
    return None


def keyword_spans(file: str, call: Span) -> dict[str, Span]:
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


def octal_keywords(file: str, call: Span) -> set[str]:
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
