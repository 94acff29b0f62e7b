"""Variables: the one precedence stack, with where every value came from.

Lowest to highest (a later layer overrides an earlier one):

1. include defaults   the ``[vars]`` of an included file, for its own ops
2. spec vars          the top-level file's ``[vars]``
3. include params     ``vars`` given on the ``include`` entry, outermost first
4. secrets            values from the ``secrets`` files (sensitive)
5. group vars         outermost group first, nested groups override
6. host vars          the host's ``vars``
7. --var              the command line

The highest layer that defines a name wins. Values are evaluated lazily, on
first use, in the final scope: any variable may use any other (a role default
may use a spec var; ``host.name`` is available), and a variable that needs
itself is a cycle error. ``host``, ``facts``, ``item``, ``key`` and ``env`` are
reserved names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import messages as m
from .diagnostics import Collector, diag
from .source import Document, Path, Span

RESERVED_NAMES = ("host", "facts", "item", "key", "env")


@dataclass(frozen=True)
class Layer:
    """Values from one source; ``doc`` and ``prefix`` locate them (None: command line)."""

    label: str
    values: Mapping[str, Any]
    doc: Document | None = None
    prefix: Path = ()
    sensitive: bool = False


@dataclass(frozen=True)
class Origin:
    label: str
    span: Span | None


def parse_var(text: str) -> tuple[str, Any]:
    """``--var name=value``: JSON when it parses (8080, true, [1,2]), else the text itself."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"--var {text!r}: write it as NAME=VALUE")
    try:
        parsed: Any = json.loads(value)
    except ValueError:
        parsed = value
    return name.strip(), parsed


def check_names(layer: Layer, c: Collector) -> None:
    for name in layer.values:
        if name in RESERVED_NAMES:
            span = layer.doc.key_span((*layer.prefix, name)) if layer.doc else None
            c.add(diag(m.RESERVED_NAME, span, name=name, hint="choose another name"))
