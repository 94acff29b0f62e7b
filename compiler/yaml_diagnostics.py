"""What a YAML spec file must not hold, and ruamel's errors as located diagnostics.

A part of ``load_yaml``, like ``yaml_values`` and ``yaml_positions``: the names with an
underscore are shared among these parts only.

Before anything is built, one pass over the parser's events (the parser is
iterative, the composer recursive) refuses nesting deeper than ``MAX_DEPTH``,
custom or non-core tags (``!foo``, ``!!binary``), recursive aliases, a ``%YAML``
version other than 1.2, and a second document; on the way it measures where every
scalar and flow collection ends, and remembers repeated keys' first twins, which
both the spans of values and the duplicate-key diagnostic need.

ruamel's own errors (a ``MarkedYAMLError``, a ``ReaderError``, or a bare Python
error on a few number-like scalars) become diagnostics with a span and, where the
usual fix is known, a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError

from .diagnostics import Diagnostic, SpecError, diag
from .messages import YAML_DUPLICATE_KEY, YAML_SYNTAX, YAML_UNSUPPORTED
from .yaml_positions import Pos, _clamp, _offset_pos, _point, _pos, _span

# ruamel's composer spends about four Python frames per nesting level; 100
# levels keeps it far from the default recursion limit of 1000, wherever the
# caller is. No spec needs more than a dozen.
MAX_DEPTH = 100

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
