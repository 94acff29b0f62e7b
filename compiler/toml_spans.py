"""Where each key and value of a TOML spec is written: the scanner behind ``load_toml``'s spans.

tomli records no positions, so this small scanner walks the source tomli accepted
and recovers, for each path tomli produced, the span of its key and of its value
(the rules are in ``load_toml``). It trusts tomli's verdict and never judges
validity; if it ever loses its way it raises ``_ScanError`` inside ``run``, which
stops quietly and keeps what was located. Nesting is scanned with a stack, not
recursion. The keys it meets, in order, also place the error of a conflicting key.

A part of ``load_toml``: the names with an underscore are shared with it only.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass

import tomli

from .source import Path, Span

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
