"""Load a YAML spec file into a ``Document``: plain values plus a span for every key and value.

ruamel.yaml's round-trip loader reads the file as YAML 1.2, so ``NO``, ``yes``
and ``on`` stay strings and ``0755`` is the integer 755. Its result is turned
into plain Python values (dict, list, str, int, float, bool, None, and the
dates and datetimes YAML's timestamps give), and every key and value gets a
span: starts from ruamel's ``.lc`` data, ends from the parser's events, which
measure every scalar and flow collection exactly. A block collection ends
where its last child ends.

Before anything is built, one pass over the parser's events (the parser is
iterative, the composer recursive) refuses what a spec file must not hold:
nesting deeper than ``MAX_DEPTH``, custom or non-core tags (``!foo``,
``!!binary``), recursive aliases, a ``%YAML`` version other than 1.2, and a
second document. Aliases are expanded into copies, and a document that
expands past ``MAX_NODES`` values (an alias bomb) is refused too.

It does not validate the spec's shape beyond "the top level is a mapping with
string keys"; that is the next stage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

from .diagnostics import Diagnostic, SpecError, diag
from .messages import WRONG_SHAPE, YAML_DUPLICATE_KEY, YAML_SYNTAX, YAML_UNSUPPORTED
from .source import Document, Path, Span

# ruamel's composer spends about four Python frames per nesting level; 100
# levels keeps it far from the default recursion limit of 1000, wherever the
# caller is. No spec needs more than a dozen.
MAX_DEPTH = 100
MAX_NODES = 100_000

Pos = tuple[int, int]  # ruamel's 0-based (line, column)

_CORE = "tag:yaml.org,2002:"
# What a plain scalar ruamel builds as a number or a date looks like, by its resolved tag.
_LOOKS_LIKE = {
    f"{_CORE}int": "a number",
    f"{_CORE}float": "a number",
    f"{_CORE}timestamp": "a date",
}
_BARE_ERRORS = (ValueError, KeyError, TypeError, IndexError)
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null")}
_TAG_HINT = "spec files use plain YAML values; the tags allowed are !!str, !!int, !!float, \
!!bool, !!null, !!map and !!seq"
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # as ruamel counts lines
_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S+)", re.MULTILINE)

# ruamel's problem text -> a hint at the usual fix (the table can grow by example).
_HINTS: list[tuple[str, str]] = [
    ("mapping values are not allowed", 'quote a value containing ": ", or check indentation'),
    ("found character '\\t'", "indent with spaces; YAML does not allow tabs there"),
    ("could not find expected ':'", 'a key needs ": " after it'),
    ("did not find expected key", "check this line's indentation against the lines above"),
    ("expected <block end>", "check this line's indentation against the lines above"),
    ("did not find expected '-'", "items of one list must start in the same column"),
    ("found unexpected end of stream", "close the quote"),
    ("found undefined alias", "define the anchor (&name) before the alias (*name) uses it"),
    ("expected ',' or ']'", "separate items with commas and close the list with ']'"),
    ("expected ',' or '}'", "separate pairs with commas and close the mapping with '}'"),
    ("that cannot start any token", "quote a value that starts with this character"),
    ("unacceptable character", "remove the control character, or write it as an escape"),
]


def load_yaml(text: str, file: str) -> Document:
    """Parse YAML ``text`` (read from ``file``) into a ``Document``.

    Raises ``SpecError`` for invalid YAML, a duplicate key, a non-string key,
    a top level that is not a mapping, and whatever the event pass refuses.
    """
    lines = _LINE_BREAK.split(text)
    events = _scan_events(text, file)
    try:
        loaded = YAML(typ="rt").load(text)
    except YAMLError as e:
        raise SpecError([_yaml_error(e, text, file, events)]) from None
    except RecursionError:
        raise SpecError([_too_deep(file, events.deepest)]) from None
    except _BARE_ERRORS as e:  # ruamel fails this way on a few number-like scalars
        raise SpecError([_unreadable(text, file, e)]) from None
    conv = _Converter(file, lines, events)
    if loaded is None:  # an empty document is an empty mapping
        loaded = CommentedMap()
    if not isinstance(loaded, CommentedMap):
        start = _lc_start(loaded) if isinstance(loaded, CommentedSeq) else (0, 0)
        got = "a list" if isinstance(loaded, list) else "a single value"
        what = "the top level of a spec file"
        span = conv.span(start, start)
        raise SpecError([diag(WRONG_SHAPE, span, what=what, expected="a mapping", got=got)])
    data, _ = conv.mapping(loaded, (), 0)
    if conv.diagnostics:
        raise SpecError(conv.diagnostics)
    doc = Document(file, text, "yaml", data, conv.spans, conv.key_spans)
    doc.spans[()] = Span.point(file, 1, 1)
    return doc


# -- the event pass ---------------------------------------------------------------


@dataclass
class _Open:
    """A collection the event pass is inside."""

    start: Pos
    mapping: bool
    flow: bool
    anchor: str | None
    children: int = 0
    keys: dict[str, Pos] = field(default_factory=dict)  # scalar key text -> first start


@dataclass
class _Events:
    """What the event pass learned: where things end, and duplicate keys' first twins."""

    ends: dict[Pos, Pos] = field(default_factory=dict)  # scalars (key: start)
    flow_ends: dict[Pos, Pos] = field(default_factory=dict)  # flow collections
    empty: set[Pos] = field(default_factory=set)  # scalars with no text (implicit nulls)
    key_text: dict[Pos, str] = field(default_factory=dict)
    first_key: dict[Pos, Pos] = field(default_factory=dict)  # a repeated key -> its first
    deepest: Pos = (0, 0)


def _scan_events(text: str, file: str) -> _Events:
    found = _Events()
    problems: list[Diagnostic] = []
    stack: list[_Open] = []
    documents = depth = 0
    try:
        for event in YAML(typ="rt").parse(text):
            start = _pos(event.start_mark)
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                problems += _check_document(event, documents, file)
            if isinstance(event, ev.NodeEvent):
                problems += _check_node(event, stack, file)
                _note_child(event, start, stack, found)
            if isinstance(event, ev.ScalarEvent):
                if event.value == "" and event.style is None:
                    found.empty.add(start)  # shares its start with the next node: no end
                else:
                    found.ends[start] = _pos(event.end_mark)
            elif isinstance(event, ev.CollectionStartEvent):
                mapping = isinstance(event, ev.MappingStartEvent)
                stack.append(_Open(start, mapping, bool(event.flow_style), event.anchor))
                if len(stack) > depth:
                    depth, found.deepest = len(stack), start
                if depth > MAX_DEPTH:
                    raise SpecError([*problems, _too_deep(file, start)])
            elif isinstance(event, ev.CollectionEndEvent) and stack:
                done = stack.pop()
                if done.flow:
                    found.flow_ends[done.start] = _pos(event.end_mark)
    except YAMLError as e:
        raise SpecError([*problems, _yaml_error(e, text, file, found)]) from None
    except AssertionError:  # ruamel asserts on a %YAML 1.x other than 1.1 and 1.2
        m = next((m for m in _DIRECTIVE.finditer(text) if m[1] not in ("1.1", "1.2")), None)
        if m is None:
            raise
        detail = f"YAML {m[1]} is not supported; spec files are YAML 1.2"
        span = _point(file, _offset_pos(text, m.start()))
        bad = diag(YAML_UNSUPPORTED, span, detail=detail, hint="remove the %YAML line")
        raise SpecError([*problems, bad]) from None
    if problems:
        raise SpecError(problems)
    return found


def _check_document(event: ev.DocumentStartEvent, n: int, file: str) -> list[Diagnostic]:
    span = _point(file, _pos(event.start_mark))
    out = []
    if n == 2:
        detail = "a spec file holds one YAML document, and this starts a second"
        hint = "remove the '---' line, or move the second document to its own file"
        out.append(diag(YAML_UNSUPPORTED, span, detail=detail, hint=hint))
    version = getattr(event, "version", None)
    if version is not None and tuple(version) != (1, 2):
        detail = f"YAML {'.'.join(map(str, version))} is not supported; spec files are YAML 1.2"
        out.append(diag(YAML_UNSUPPORTED, span, detail=detail, hint="remove the %YAML line"))
    return out


def _check_node(event: ev.NodeEvent, stack: list[_Open], file: str) -> list[Diagnostic]:
    where = _point(file, _pos(event.start_mark))
    out = []
    tag = getattr(event, "tag", None)
    problem = _tag_problem(event, str(tag)) if tag not in (None, "!") else None
    if problem is not None:
        detail, hint = problem
        out.append(diag(YAML_UNSUPPORTED, where, detail=detail, hint=hint))
    if isinstance(event, ev.AliasEvent) and any(o.anchor == event.anchor for o in stack):
        detail = f"the alias *{event.anchor} refers to a collection that contains it"
        out.append(diag(YAML_UNSUPPORTED, where, detail=detail))
    return out


def _tag_problem(event: ev.NodeEvent, tag: str) -> tuple[str, str | None] | None:
    """What is wrong with an explicit tag (detail, hint), or None if it is fine."""
    short = tag.replace(_CORE, "!!")
    if isinstance(event, ev.ScalarEvent):
        if tag == f"{_CORE}str":
            return None
        if tag not in _SCALAR_TAGS:
            return f"the tag {short} is not supported", _TAG_HINT
        # An explicit !!int etc. must agree with how the plain text reads (ruamel
        # would otherwise fail with a bare ValueError, or quietly convert).
        resolver = YAML(typ="rt").resolver
        resolved = str(resolver.resolve(ScalarNode, event.value, (True, False)))
        if resolved == tag or (tag == f"{_CORE}float" and resolved == f"{_CORE}int"):
            return None
        return f'"{event.value}" is not a valid {short}', f"write the value without {short}"
    wanted = f"{_CORE}map" if isinstance(event, ev.MappingStartEvent) else f"{_CORE}seq"
    return None if tag == wanted else (f"the tag {short} is not supported here", _TAG_HINT)


def _note_child(event: ev.NodeEvent, start: Pos, stack: list[_Open], found: _Events) -> None:
    """Count ``event`` as a child of the open collection; remember repeated scalar keys."""
    if not stack:
        return
    parent = stack[-1]
    parent.children += 1
    if parent.mapping and parent.children % 2 == 1 and isinstance(event, ev.ScalarEvent):
        found.key_text[start] = event.value
        first = parent.keys.setdefault(event.value, start)
        if first != start:
            found.first_key[start] = first


# -- errors -----------------------------------------------------------------------


def _yaml_error(e: YAMLError, text: str, file: str, events: _Events) -> Diagnostic:
    if isinstance(e, ReaderError):
        at = _offset_pos(text, int(e.position))
        detail = f"the character #x{e.character:04x} is not allowed"
        return diag(YAML_SYNTAX, _point(file, at), detail=detail, hint=_hint(str(e)))
    if not isinstance(e, MarkedYAMLError):
        return diag(YAML_SYNTAX, None, detail=str(e).strip())
    problem_at = _mark(text, e.problem_mark)
    context_at = _mark(text, e.context_mark)
    where = problem_at or context_at
    span = _point(file, where) if where is not None else None
    if isinstance(e, DuplicateKeyError) and problem_at is not None:
        key = events.key_text.get(problem_at)  # "" for a repeated empty key
        if key is None or problem_at in events.empty:  # null, list or mapping: as ruamel says
            key = _quoted(str(e.problem)) or "?"
        first = events.first_key.get(problem_at)
        notes = []
        if first is not None:
            end = events.ends.get(first)
            notes = [
                ("first defined here", _span(file, first, end) if end else _point(file, first))
            ]
        if problem_at in events.ends:
            span = _span(file, problem_at, events.ends[problem_at])
        hint = "each key can appear only once in a mapping"
        return diag(YAML_DUPLICATE_KEY, span, key=key, hint=hint, notes=notes)
    problem = str(e.problem or e.context or "unreadable")
    notes = []
    if e.problem and e.context and context_at is not None and context_at != problem_at:
        notes.append((str(e.context), _point(file, context_at)))
    return diag(YAML_SYNTAX, span, detail=problem, hint=_hint(problem), notes=notes)


def _mark(text: str, mark: Any) -> Pos | None:
    return _clamp(text, _pos(mark)) if mark is not None else None


def _unreadable(text: str, file: str, err: Exception) -> Diagnostic:
    """ruamel raised a bare Python error building a value (``-_``, ``0x_``, ``2020-02-30``):
    find the value."""
    resolver = YAML(typ="rt").resolver
    for event in YAML(typ="rt").parse(text):
        if not isinstance(event, ev.ScalarEvent) or event.style or event.tag:
            continue  # only plain, untagged scalars are read as numbers or dates
        looks_like = _LOOKS_LIKE.get(str(resolver.resolve(ScalarNode, event.value, (True, False))))
        if looks_like is None:
            continue
        try:
            YAML(typ="rt").load(f"v: {event.value}")
        except _BARE_ERRORS:
            span = _span(file, _pos(event.start_mark), _pos(event.end_mark))
            detail = f'"{event.value}" looks like {looks_like} but is not one'
            hint = f'quote it to keep it as text: "{event.value}"'
            return diag(YAML_SYNTAX, span, detail=detail, hint=hint)
        except YAMLError:
            continue
    return diag(YAML_SYNTAX, None, detail=f"a value cannot be read ({type(err).__name__}: {err})")


def _too_deep(file: str, where: Pos) -> Diagnostic:
    detail = f"the document nests more than {MAX_DEPTH} levels deep"
    return diag(YAML_UNSUPPORTED, _point(file, where), detail=detail)


def _hint(problem: str) -> str | None:
    return next((hint for prefix, hint in _HINTS if prefix in problem), None)


def _quoted(problem: str) -> str | None:
    m = re.search(r'found duplicate key "(.*)" with value', problem)
    return m.group(1) if m else None


# -- conversion to plain values -----------------------------------------------------


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


# -- positions ----------------------------------------------------------------------


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
