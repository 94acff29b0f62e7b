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

The parts: ``yaml_diagnostics`` (the event pass, and ruamel's errors as
diagnostics), ``yaml_values`` (ruamel's tree to plain values and spans),
``yaml_positions`` (ruamel's marks to spans). This module puts them in order.

It does not validate the spec's shape beyond "the top level is a mapping with
string keys"; that is the next stage.
"""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .diagnostics import SpecError, diag
from .messages import WRONG_SHAPE
from .source import Document, Span
from .yaml_diagnostics import _BARE_ERRORS, _scan_events, _too_deep, _unreadable, _yaml_error
from .yaml_positions import _LINE_BREAK, _lc_start
from .yaml_values import _Converter


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
