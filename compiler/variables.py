"""Variables and values for one host: evaluating spec strings, and the lazy scope.

``Evaluator`` renders every ``${…}`` in a spec value and evaluates bare
expressions, collecting diagnostics; ``LazyScope`` resolves variables on first
use in their final scope (``scope`` documents the precedence stack), so any
variable may use any other, and a variable that needs itself is a cycle.
``locator`` maps offsets inside a string back to file positions.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import messages as m
from .diagnostics import Collector, SpecError, diag
from .evaluate import Env, evaluate, render
from .expr import Locator, parse_expression, parse_template, template_errors
from .scope import Layer, Origin, check_names
from .source import Document, Path, Span, line_of
from .values import Function, Pending, Sensitive, texts


def locator(doc: Document, path: Path, value: str) -> Locator:
    """Map offsets in the string at ``path`` to file spans, exactly when the source allows."""
    span = doc.span(path)
    whole: Locator = lambda start, end: span  # noqa: E731
    if span.line != span.end_line:
        return _multiline(doc, span, value) or whole
    raw = line_of(doc.text, span.line)[span.col - 1 : span.end_col - 1]
    if raw == value:
        base = span.col
    elif len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'" and raw[1:-1] == value:
        base = span.col + 1
    else:
        return whole
    return lambda start, end: Span(span.file, span.line, base + start, span.line, base + end)


def _multiline(doc: Document, span: Span, value: str) -> Locator | None:
    """A locator for a TOML multi-line string (three quotes, literal or basic) whose
    text is written as is (no escapes, no line-ending backslash), else None."""
    lines = doc.text.split("\n")
    if span.end_line > len(lines):
        return None
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    a = starts[span.line - 1] + span.col - 1
    b = starts[span.end_line - 1] + span.end_col - 1
    raw = doc.text[a:b]
    for quote in ("'''", '"""'):
        if raw.startswith(quote) and raw.endswith(quote):  # raw has a line break: no overlap
            inner, base = raw[3:-3], a + 3
            if inner.startswith("\n"):  # TOML drops a line break right after the quotes
                inner, base = inner[1:], base + 1
            if inner == value:
                return lambda start, end: _span_at(span.file, starts, base + start, base + end)
    return None


def _span_at(file: str, starts: list[int], a: int, b: int) -> Span:
    """The span of characters ``a:b`` of a text whose lines start at ``starts``."""
    la = bisect.bisect_right(starts, a) - 1
    lb = bisect.bisect_right(starts, b) - 1
    return Span(file, la + 1, a - starts[la] + 1, lb + 1, b - starts[lb] + 1)


@dataclass
class Evaluator:
    """Evaluates spec values for one host, collecting diagnostics."""

    functions: Mapping[str, Function]
    c: Collector
    secrets: set[str] = field(default_factory=set)  # every secret value met so far
    # Parsed templates by (document, path, text): a spec string is parsed once,
    # not once per host (parsing dominated compiling large inventories).
    parsed: dict[tuple[int, Path, str], tuple[Any, Locator]] = field(default_factory=dict)

    def _parsed(
        self, doc: Document, path: Path, text: str, expression: bool
    ) -> tuple[Any, Locator]:
        key = (id(doc), (*path, expression), text)
        hit = self.parsed.get(key)
        if hit is None:
            loc = locator(doc, path, text)
            if not expression:
                self.c.extend(template_errors(text, loc))
            tree = parse_expression(text, loc) if expression else parse_template(text, loc)
            hit = self.parsed[key] = (tree, loc)
        return hit

    def tree(self, doc: Document, path: Path, text: str, expression: bool) -> Any:
        """The parsed template (or expression) of the spec string at ``path``."""
        return self._parsed(doc, path, text, expression)[0]

    def value(self, doc: Document, path: Path, v: Any, scope: Mapping[str, Any]) -> Any:
        """Render every template inside ``v`` (strings, lists, maps)."""
        if isinstance(v, str):
            template, loc = self._parsed(doc, path, v, expression=False)
            return render(template, Env(scope, loc, self.functions))
        if isinstance(v, list):
            return [self.value(doc, (*path, i), x, scope) for i, x in enumerate(v)]
        if isinstance(v, dict):
            return {k: self.value(doc, (*path, k), x, scope) for k, x in v.items()}
        return v

    def expression(self, doc: Document, path: Path, text: str, scope: Mapping[str, Any]) -> Any:
        tree, loc = self._parsed(doc, path, text, expression=True)
        return evaluate(tree, Env(scope, loc, self.functions))

    def guarded(self, f: Callable[[], Any]) -> tuple[bool, Any]:
        """Run ``f``; a diagnostic is collected and reported as (False, None)."""
        try:
            return True, f()
        except SpecError as e:
            self.c.extend(e.diagnostics)
            return False, None


@dataclass
class Scope:
    values: Mapping[str, Any]
    origins: dict[str, Origin] = field(default_factory=dict)


class LazyScope(Mapping[str, Any]):
    """Variables resolved on first use: a value may use any other, whatever its layer.

    The highest layer that defines a name wins; its value is evaluated (once)
    in this same scope, so role defaults can refer to spec vars. A variable
    that needs itself is a cycle diagnostic.
    """

    def __init__(self, ev: Evaluator, layers: Iterable[Layer], base: Mapping[str, Any]) -> None:
        self.ev = ev
        self.base = dict(base)
        self.winner: dict[str, Layer] = {}
        for layer in layers:
            check_names(layer, ev.c)
            for name in layer.values:
                self.winner[name] = layer
        self.done: dict[str, Any] = {}
        self.failed: set[str] = set()
        self.stack: list[str] = []

    def __getitem__(self, name: str) -> Any:
        if name in self.done:
            return self.done[name]
        if name not in self.winner:
            return self.base[name]
        layer = self.winner[name]
        path: Path = (*layer.prefix, name)
        span = layer.doc.key_span(path) if layer.doc else None
        if name in self.stack:
            cycle = " -> ".join([*self.stack[self.stack.index(name) :], name])
            raise SpecError(
                [
                    diag(
                        m.CYCLE,
                        span,
                        what="variables",
                        cycle=cycle,
                        hint="a variable cannot use itself",
                    )
                ]
            )
        if name in self.failed:
            raise SpecError([])  # already reported where the variable is defined
        raw = layer.values[name]
        self.stack.append(name)
        try:
            value = raw if layer.doc is None else self.ev.value(layer.doc, path, raw, self)
        except SpecError as e:
            self.failed.add(name)
            self.ev.c.extend(e.diagnostics)
            raise SpecError([]) from None
        finally:
            self.stack.pop()
        if layer.sensitive:
            self.ev.secrets.update(t for t in texts(value) if t)
        self.done[name] = Sensitive(value) if layer.sensitive else value
        return self.done[name]

    def __contains__(self, name: object) -> bool:
        return name in self.winner or name in self.base

    def __iter__(self) -> Iterator[str]:
        return iter({**self.base, **self.winner})

    def __len__(self) -> int:
        return len({**self.base, **self.winner})

    def origins(self) -> dict[str, Origin]:
        out = {}
        for name, layer in self.winner.items():
            span = layer.doc.key_span((*layer.prefix, name)) if layer.doc else None
            out[name] = Origin(layer.label, span)
        return out

    def resolve_all(self) -> None:
        """Evaluate every variable, so a mistake in an unused one is still reported.

        Variables that read facts not fetched yet are all tried first, so one round
        records every fact they need; then ``Pending`` is raised for the caller.
        """
        waiting: Pending | None = None
        for name in self.winner:
            try:
                self.ev.guarded(partial(self.__getitem__, name))
            except Pending as e:
                waiting = waiting or e
        if waiting is not None:
            raise waiting
