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

It does not validate the spec's shape; that is the next stage.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass

import tomli

from .diagnostics import Diagnostic, SpecError, diag
from .messages import TOML_SYNTAX
from .source import Document, Path, Span

# Literals whose end a scanner must find: strings (multi-line first; the first
# three closing quotes end one, and up to two more belong to it) and key parts.
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_ML_BASIC = r'"""(?:[^"\\]|\\[\s\S]|""?(?!"))*"""(?:""?)?'
_ML_LITERAL = r"'''[\s\S]*?'''(?:''?)?"
_STRING = re.compile("|".join([_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL]))
_KEY_PART = re.compile(rf"[A-Za-z0-9_-]+|{_BASIC}|{_LITERAL}")
# Any other scalar: number, boolean, date or time. TOML allows one space
# between a date and a time, the only scalar that contains a space.
_SCALAR = re.compile(r"[^\s,\[\]{}#]+")
_DATE_SPACE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:")
_WS = re.compile(r"[ \t]*")
_WS_COMMENT = re.compile(r"[ \t]*(?:#[^\n]*)?")  # the rest of a statement's line
_BLANK = re.compile(r"(?:[ \t\n]|#[^\n]*)*")  # between array items: newlines and comments too

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


class _ScanError(Exception):
    """The scanner met text it does not understand (never on a document tomli accepts)."""


@dataclass
class _KeyEntry:
    """One written key: where it starts, where its statement ends, what it names."""

    start: int
    stmt_end: int  # the offset just past its value (or header); len(src) until known
    path: Path
    span: Span
    text: str  # the key as written
    is_header: bool


@dataclass
class _Frame:
    """An open array or inline table in the value being scanned."""

    is_array: bool
    path: Path
    start: int
    count: int = 0
    entry: _KeyEntry | None = None  # an inline table's current key, until its value ends


class _Scanner:
    def __init__(self, src: str, file: str) -> None:
        self.src = src
        self.file = file
        self.pos = 0
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(src) if ch == "\n"]
        self.spans: dict[Path, Span] = {}
        self.key_spans: dict[Path, Span] = {}
        self.keys: list[_KeyEntry] = []
        self.aot_counts: dict[Path, int] = {}  # [[array.of.tables]] path -> items so far

    def run(self) -> None:
        """Scan the whole document, stopping quietly where it stops making sense."""
        with contextlib.suppress(_ScanError):
            self._document()

    # -- positions --------------------------------------------------------------

    def at(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.line_starts, pos) - 1
        return i + 1, pos - self.line_starts[i] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.at(start)
        end_line, end_col = self.at(end)
        return Span(self.file, line, col, end_line, end_col)

    # -- low-level reading --------------------------------------------------------

    def peek(self, n: int = 1) -> str:
        return self.src[self.pos : self.pos + n]

    def skip_ws(self) -> None:
        self.pos = _match(_WS, self.src, self.pos)

    def skip_blank(self) -> None:
        self.pos = _match(_BLANK, self.src, self.pos)

    def expect(self, s: str) -> None:
        if not self.src.startswith(s, self.pos):
            raise _ScanError(s)
        self.pos += len(s)

    # -- statements ---------------------------------------------------------------

    def _document(self) -> None:
        header: Path = ()
        while True:
            self.skip_blank()
            if self.pos >= len(self.src):
                return
            if self.peek(2) == "[[":
                header = self._header(array=True)
            elif self.peek() == "[":
                header = self._header(array=False)
            else:
                self._key_value(header)
            self.pos = _match(_WS_COMMENT, self.src, self.pos)
            if self.pos < len(self.src) and self.peek() != "\n":
                raise _ScanError("expected end of line")

    def _header(self, *, array: bool) -> Path:
        start = self.pos
        self.pos += 2 if array else 1
        parts = self._key()
        self.skip_ws()
        self.expect("]]" if array else "]")
        whole = self.span(start, self.pos)
        path: Path = ()
        for i, (name, s, e) in enumerate(parts):
            path += (name,)
            self.key_spans.setdefault(path, self.span(s, e))
            self.spans.setdefault(path, whole)
            if array and i == len(parts) - 1:  # this header adds an item to the array
                index = self.aot_counts.get(path, 0)
                self.aot_counts[path] = index + 1
                path += (index,)
            elif path in self.aot_counts:  # through an array of tables: to its last item
                path += (self.aot_counts[path] - 1,)
        self.spans[path] = whole  # an explicit header wins over an implicit mention
        self.key_spans[path] = self.span(parts[-1][1], parts[-1][2])
        self._record_key(parts, path, header=True).stmt_end = self.pos
        return path

    def _key_value(self, base: Path) -> None:
        """``key = value`` at top level; inline tables are handled in ``_value``."""
        parts = self._key()
        path = self._key_paths(base, parts)
        entry = self._record_key(parts, path, header=False)
        self.skip_ws()
        self.expect("=")
        self.skip_ws()
        self._value(path)
        entry.stmt_end = self.pos

    def _key(self) -> list[tuple[str, int, int]]:
        """A possibly dotted key: its parts as (name, start, end)."""
        parts: list[tuple[str, int, int]] = []
        while True:
            self.skip_ws()
            start = self.pos
            self.pos = _match(_KEY_PART, self.src, start)
            parts.append((_key_name(self.src[start : self.pos]), start, self.pos))
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.pos += 1

    def _key_paths(self, base: Path, parts: list[tuple[str, int, int]]) -> Path:
        """Record key spans for a dotted key under ``base``; return the full path."""
        path = base
        for i, (name, s, e) in enumerate(parts):
            path += (name,)
            if i < len(parts) - 1:  # a table created implicitly by the dotted key
                self.key_spans.setdefault(path, self.span(s, e))
                self.spans.setdefault(path, self.span(s, e))
            else:
                self.key_spans[path] = self.span(s, e)
        return path

    def _record_key(
        self, parts: list[tuple[str, int, int]], path: Path, *, header: bool
    ) -> _KeyEntry:
        start, end = parts[0][1], parts[-1][2]
        entry = _KeyEntry(
            start, len(self.src), path, self.span(start, end), self.src[start:end], header
        )
        self.keys.append(entry)
        return entry

    # -- values -------------------------------------------------------------------

    def _value(self, path: Path) -> None:
        """Scan one value at ``self.pos``, recording spans; nesting uses a stack, not recursion."""
        stack: list[_Frame] = []
        while True:
            start = self.pos
            ch = self.peek()
            if ch in ("[", "{"):
                stack.append(_Frame(ch == "[", path, start))
                self.pos += 1
                self.skip_blank()
                if self.peek() not in ("]", "}"):
                    path = self._next_item(stack[-1])
                    continue
            else:
                self.pos = self._scalar_end(start)
                self.spans[path] = self.span(start, self.pos)
            # The value just scanned may end one or more open containers.
            while stack:
                frame = stack[-1]
                if frame.entry is not None:
                    frame.entry.stmt_end = self.pos
                self.skip_blank()
                if self.peek() == ",":
                    self.pos += 1
                    self.skip_blank()
                    if self.peek() not in ("]", "}"):
                        path = self._next_item(frame)
                        break
                self.expect("]" if frame.is_array else "}")
                self.spans[frame.path] = self.span(frame.start, self.pos)
                stack.pop()
            else:
                return

    def _next_item(self, frame: _Frame) -> Path:
        """Start the next array item or inline ``key = value``; return its path."""
        if frame.is_array:
            frame.count += 1
            return (*frame.path, frame.count - 1)
        parts = self._key()
        path = self._key_paths(frame.path, parts)
        frame.entry = self._record_key(parts, path, header=False)
        self.skip_ws()
        self.expect("=")
        self.skip_ws()
        return path

    def _scalar_end(self, start: int) -> int:
        m = _STRING.match(self.src, start)
        if m is not None:
            return m.end()
        if _DATE_SPACE_TIME.match(self.src, start):
            start += 11  # past "YYYY-MM-DD "
        return _match(_SCALAR, self.src, start)


def _match(pattern: re.Pattern[str], src: str, pos: int) -> int:
    """The end of ``pattern`` matched at ``pos``; a scan error if it does not match there."""
    m = pattern.match(src, pos)
    if m is None:
        raise _ScanError(f"expected {pattern.pattern!r} at {pos}")
    return m.end()


def _key_name(part: str) -> str:
    """A key part's name: bare as written, literal unquoted, basic decoded by tomli itself."""
    if part[:1] == "'" or (part[:1] == '"' and "\\" not in part):
        return part[1:-1]
    if part[:1] == '"':
        try:
            return str(tomli.loads(f"k = {part}")["k"])
        except tomli.TOMLDecodeError as e:
            raise _ScanError("bad escape in key") from e
    return part


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
