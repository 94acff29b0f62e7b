"""A YAML spec's ruamel tree as plain values, with a span for every key and value.

A part of ``load_yaml`` (see ``yaml_diagnostics``). ruamel's scalar types become
the plain types they extend (str, int, float, bool, None, dates and datetimes);
aliases are expanded into copies, and a document that expands past ``MAX_NODES``
values (an alias bomb) is refused. Starts come from ruamel's ``.lc`` data, ends
from what the event pass measured: a flow collection ends at its bracket, a block
one where its last child ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.scalarbool import ScalarBoolean

from .diagnostics import Diagnostic, SpecError, diag
from .messages import YAML_DUPLICATE_KEY, YAML_UNSUPPORTED
from .source import Path, Span
from .yaml_diagnostics import _CORE, _TAG_HINT, MAX_DEPTH, _Events, _too_deep
from .yaml_positions import Pos, _lc_data, _lc_start, _point, _span

MAX_NODES = 100_000


class _Converter:
    """Copies ruamel's tree into plain values, expanding aliases, recording spans."""

    def __init__(self, file: str, lines: list[str], events: _Events) -> None:
        self.file = file
        self.lines = lines
        self.events = events
        self.spans: dict[Path, Span] = {}
        self.key_spans: dict[Path, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self.count = 0

    def span(self, start: Pos, end: Pos | None) -> Span:
        if end is None or end <= start:
            return _point(self.file, start)
        if end[1] == 0 and end[0] > start[0]:  # a block scalar ends at the next line: trim
            line = min(end[0], len(self.lines)) - 1
            while line > start[0] and not self.lines[line].strip():
                line -= 1
            end = (line, len(self.lines[line]))
        return _span(self.file, start, end)

    def value(self, obj: Any, path: Path, start: Pos | None, depth: int) -> tuple[Any, Pos | None]:
        """The plain value of ``obj`` and where it ends (None if unknown)."""
        self.count += 1
        where = _point(self.file, start or (0, 0))
        if self.count > MAX_NODES:
            detail = f"the document expands to more than {MAX_NODES} values through its aliases"
            hint = "an alias (*name) copies its anchor's whole value; use fewer of them"
            raise SpecError([diag(YAML_UNSUPPORTED, where, detail=detail, hint=hint)])
        if depth > MAX_DEPTH:  # reachable only through aliases: the event pass checked the rest
            raise SpecError([_too_deep(self.file, start or (0, 0))])
        if isinstance(obj, CommentedMap):
            return self.mapping(obj, path, depth)
        if isinstance(obj, CommentedSeq):
            return self.sequence(obj, path, depth)
        end = self.events.ends.get(start) if start is not None else None
        plain = _plain_scalar(obj)
        if plain is _UNSUPPORTED:
            detail = f"a {type(obj).__name__} value is not supported in a spec file"
            self.diagnostics.append(diag(YAML_UNSUPPORTED, where, detail=detail, hint=_TAG_HINT))
        return plain, end

    def mapping(self, obj: CommentedMap, path: Path, depth: int) -> tuple[dict[str, Any], Pos]:
        start = _lc_start(obj)
        out: dict[str, Any] = {}
        ends: list[Pos] = []
        for raw_key, raw_value in obj.items():
            where = _lc_data(obj).get(raw_key)  # absent for keys merged in with "<<"
            key_start = (where[0], where[1]) if where else None
            value_start = (where[2], where[3]) if where else None
            key_end = self.events.ends.get(key_start) if key_start else None
            key_span = self.span(key_start, key_end) if key_start else None
            key = _plain_key(raw_key)
            if key is None:
                got = _describe(raw_key)
                detail = f"mapping keys must be strings, and this one is {got}"
                hint = None if got in ("a list", "a mapping") else 'quote it: "1": value'
                self.diagnostics.append(diag(YAML_UNSUPPORTED, key_span, detail=detail, hint=hint))
                continue
            if key in out:  # two keys ruamel tells apart (say !!str a and a) but we cannot
                self.diagnostics.append(diag(YAML_DUPLICATE_KEY, key_span, key=key))
                continue
            child = (*path, key)
            out[key], end = self.value(raw_value, child, value_start, depth + 1)
            if key_span is not None and key_start is not None and value_start is not None:
                self.key_spans[child] = key_span
                if raw_value is None and value_start in self.events.empty:  # "key:" alone
                    self.spans[child] = self._after_colon(key_end or key_start)
                    end = key_end
                else:
                    self.spans[child] = self.span(value_start, end)
            ends += [p for p in (key_end, end) if p is not None]
        return out, self._end(start, ends)

    def sequence(self, obj: CommentedSeq, path: Path, depth: int) -> tuple[list[Any], Pos]:
        start = _lc_start(obj)
        out: list[Any] = []
        ends: list[Pos] = []
        for i, raw in enumerate(obj):
            where = _lc_data(obj).get(i)
            item_start = (where[0], where[1]) if where else None
            plain, end = self.value(raw, (*path, i), item_start, depth + 1)
            out.append(plain)
            if item_start is not None:
                self.spans[(*path, i)] = self.span(item_start, end)
            ends += [end] if end is not None else []
        return out, self._end(start, ends)

    def _end(self, start: Pos, child_ends: list[Pos]) -> Pos:
        """A flow collection ends at its bracket; a block one where its last child ends."""
        flow_end = self.events.flow_ends.get(start)
        if flow_end is not None:
            return flow_end
        return max(child_ends, default=(start[0], start[1] + 1))

    def _after_colon(self, key_end: Pos) -> Span:
        line, col = key_end
        text = self.lines[line] if line < len(self.lines) else ""
        colon = text.find(":", col)
        return _point(self.file, (line, colon + 1 if colon >= 0 else col))


_UNSUPPORTED = object()


def _plain_scalar(obj: Any) -> Any:
    """ruamel's scalar types as the plain types they extend (or ``_UNSUPPORTED``)."""
    if obj is None or type(obj) in (str, int, float, bool, dt.date):
        return obj
    if isinstance(obj, ScalarBoolean | bool):  # ScalarBoolean extends int, so first
        return bool(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, TaggedScalar) and str(obj.tag) == f"{_CORE}str":
        return str(obj.value)
    if isinstance(obj, dt.datetime):  # ruamel's TimeStamp
        return dt.datetime.combine(obj.date(), obj.timetz())
    if isinstance(obj, dt.date):
        return dt.date(obj.year, obj.month, obj.day)
    return _UNSUPPORTED


def _plain_key(obj: Any) -> str | None:
    plain = _plain_scalar(obj)
    return plain if isinstance(plain, str) else None


_KINDS: list[tuple[type | tuple[type, ...], str]] = [
    ((type(None),), "null"),
    ((ScalarBoolean, bool), "a boolean"),  # before int, which they extend
    ((int, float), "a number"),
    ((tuple, list), "a list"),
    (Mapping, "a mapping"),  # a mapping as a key is ruamel's CommentedKeyMap, not a dict
    (dt.date, "a date"),
]


def _describe(obj: Any) -> str:
    return next((name for t, name in _KINDS if isinstance(obj, t)), f"a {type(obj).__name__}")
