"""Load a TOML spec file into a ``Document``: tomli's values plus a span for every key and value.

tomli decides what the document means; it is the only judge of validity and of
every value. It records no positions, so a small scanner walks the same source
afterwards and recovers, for each path tomli produced, where its key and its
value are written. The scanner trusts tomli's verdict: it runs only on text
tomli accepted (or, to place a conflict error, on text tomli rejected late), and
if it ever loses its way it stops and keeps what it located, so a value without
a span of its own falls back to its nearest located ancestor.

Spans, 1-based, end exclusive, columns in characters:

- a value: the whole literal (a string with its quotes, an array or inline
  table from bracket to bracket); array items are addressed by index;
- a key: the key part naming that path, so in ``a.b = 1`` the path ``("a",)``
  has key ``a`` and ``("a", "b")`` has key ``b``;
- a ``[table]`` or ``[[array.of.tables]]``: the value is the whole header, the
  key its last part; each ``[[...]]`` header is one item, ``("a", 0)``;
- the root ``()``: the start of the file.

The scanner is ``toml_spans``. It does not validate the spec's shape; that is the
next stage.
"""

from __future__ import annotations

import re

import tomli

from .diagnostics import Diagnostic, SpecError, diag
from .messages import TOML_SYNTAX
from .source import Document, Path, Span
from .toml_spans import _KeyEntry, _Scanner

# tomli's message prefix -> a hint at the usual fix (the table can grow by example).
_HINTS: list[tuple[str, str]] = [
    ("Invalid statement", "each line is a key = value pair, a [table] header or a # comment"),
    ("Expected newline or end of document", "put each key = value pair on its own line"),
    ("Unclosed array", "separate items with commas and close the array with ']'"),
    ("Unclosed inline table", "separate pairs with commas and close the table with '}'"),
    ("Unterminated string", "close the string with the same quote it opens with"),
    ("Unescaped '\\'", "write \\\\ for a backslash, or use a 'literal string'"),
    ("Expected ']'", "a table header looks like [name] or [name.sub]"),
    ("Invalid initial character for a key", 'quote keys that are not a-z, 0-9, "_" or "-"'),
    ("Cannot mutate immutable namespace", "an inline table or array is complete as written"),
    ("Cannot redefine namespace", "this table has a [header]; add the key under it instead"),
]
# tomli's conflict messages -> ours, for a key that clashes with an earlier one.
_CONFLICTS = {
    "Cannot overwrite a value": "{key} would overwrite an earlier value",
    "Cannot declare": "table {key} is already defined",
    "Duplicate inline table key": "{key} is defined twice",
    "Cannot redefine namespace": "{key} reopens a table that has its own [header]",
    "Cannot mutate immutable namespace": "{key} adds to an inline table or array",
}
_BOOL_LOOKALIKES = {"True", "False", "TRUE", "FALSE", "yes", "no", "Yes", "No", "on", "off"}


def load_toml(text: str, file: str) -> Document:
    """Parse TOML ``text`` (read from ``file``) into a ``Document``.

    Raises ``SpecError`` with one ``toml-syntax`` diagnostic if tomli rejects it.
    """
    src = text.replace("\r\n", "\n")  # as tomli does; columns are unchanged
    try:
        data = tomli.loads(src)
    except tomli.TOMLDecodeError as e:
        raise SpecError([_syntax_error(e, src, file)]) from None
    except RecursionError:  # tomli's guard against pathological nesting
        detail = "the document nests arrays, inline tables or dotted keys too deeply"
        raise SpecError([diag(TOML_SYNTAX, Span.point(file, 1, 1), detail=detail)]) from None
    except ValueError as e:  # an integer of more digits than Python converts (4300)
        raise SpecError([_huge_number(src, file, e)]) from None
    scanner = _Scanner(src, file)
    scanner.run()
    doc = Document(file=file, text=text, format="toml", data=data)
    doc.spans.update(scanner.spans)
    doc.key_spans.update(scanner.key_spans)
    doc.spans[()] = Span.point(file, 1, 1)
    return doc


def _huge_number(src: str, file: str, e: ValueError) -> Diagnostic:
    """tomli's int() refused a number: point at the first run of over 4300 digits."""
    m = re.search(r"[0-9_]{4301,}", src)
    start = m.start() if m else 0
    line = src.count("\n", 0, start) + 1
    col = start - (src.rfind("\n", 0, start) + 1) + 1
    span = Span(file, line, col, line, col + min(len(m.group()) if m else 1, 20))
    return diag(
        TOML_SYNTAX,
        span,
        detail="a number of more than 4300 digits" if m else str(e),
        hint="write it as a string if it is data, not a number",
    )


# -- syntax errors ----------------------------------------------------------------


def _syntax_error(e: tomli.TOMLDecodeError, src: str, file: str) -> Diagnostic:
    msg, pos = _message_and_pos(e, src)
    if pos >= len(src) and src.endswith("\n"):
        pos = len(src) - 1  # the end of the last line, not a line past the end
    scanner = _Scanner(src, file)
    if msg.startswith(tuple(_CONFLICTS)):
        scanner.run()
        found = _conflict(msg, pos, scanner.keys)
        if found is not None:
            return found
    word = re.match(r"[A-Za-z_][\w-]*", src[pos:])
    line, col = scanner.at(pos)
    length = len(word.group()) if word and msg.startswith("Invalid value") else 1
    span = Span.point(file, line, col, length)
    detail = msg[:1].lower() + msg[1:]
    return diag(TOML_SYNTAX, span, detail=detail, hint=_hint(msg, src, pos))


def _message_and_pos(e: tomli.TOMLDecodeError, src: str) -> tuple[str, int]:
    """tomli's bare message and error offset (tomli < 2.1 has them only in the text)."""
    text = str(e)
    msg = getattr(e, "msg", None)
    if not isinstance(msg, str):
        msg = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", text)
    pos = getattr(e, "pos", None)
    if not isinstance(pos, int):
        pos = len(src)
        m = re.search(r"\(at line (\d+), column (\d+)\)$", text)
        if m:
            starts = [0] + [i + 1 for i, ch in enumerate(src) if ch == "\n"]
            line = min(int(m.group(1)), len(starts))
            pos = starts[line - 1] + int(m.group(2)) - 1
    return msg, max(0, min(pos, len(src)))


def _hint(msg: str, src: str, pos: int) -> str | None:
    if msg.startswith("Invalid value"):
        word = re.match(r"[A-Za-z_][\w-]*", src[pos:])
        if word is not None:
            if word.group() in _BOOL_LOOKALIKES:
                return "booleans are lowercase: true or false"
            return 'strings need quotes: key = "value"'
        return "a value is missing after '='" if src[pos : pos + 1] in ("", "\n", "#") else None
    if msg.startswith("Expected '=' after a key"):
        if src[pos : pos + 1] == ":":
            return 'TOML uses "=", not ":": key = value'
        return 'write key = value; a key with spaces needs quotes: "my key" = 1'
    for prefix, hint in _HINTS:
        if msg.startswith(prefix):
            return hint
    return None


def _conflict(msg: str, pos: int, keys: list[_KeyEntry]) -> Diagnostic | None:
    """A duplicate or conflicting key, pointed at the later key, with a note at the earlier one."""
    # tomli reports these at the end of the offending statement (after its value,
    # or after a header's key); the innermost statement around that point is it.
    around = [k for k in keys if k.start <= pos <= k.stmt_end]
    if not around:
        return None
    key = max(around, key=lambda k: k.start)
    earlier = [k for k in keys if k.start < key.start]
    same = [k for k in earlier if k.path == key.path]
    related = (
        same[:1]
        or sorted(
            (k for k in earlier if _prefix_related(k.path, key.path)),
            key=lambda k: (-len(k.path), k.start),
        )[:1]
    )
    if same and key.is_header and same[0].is_header:
        detail = f"table [{key.text}] is declared twice"
    elif same:
        detail = f'"{key.text}" is defined twice'
    else:
        template = next((t for p, t in _CONFLICTS.items() if msg.startswith(p)), "{key} conflicts")
        detail = template.format(key=f'"{key.text}"')
    notes = [("first defined here" if same else "defined here", related[0].span)] if related else []
    hint = _hint(msg, "", 0) or "each key and table can be defined only once"
    return diag(TOML_SYNTAX, key.span, detail=detail, hint=hint, notes=notes)


def _prefix_related(a: Path, b: Path) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]
