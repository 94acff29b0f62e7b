"""Text from specs and hosts made safe to print on a terminal.

A spec, a file on a host or a command's output may hold terminal control
sequences (ESC, CR, BS…) or bidirectional overrides (U+202E): printed raw they
could erase or fake the lines of a plan an operator approves. ``printable``
shows every such character escaped, visibly (``\\x1b``, ``\\u202e``); tabs and
line breaks stay. ``clip`` shortens a line too long to read. Everything the
renderers print that came from a spec or a host goes through them; JSON output
is escaped by JSON itself.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and the invisible characters
# that reorder or hide text (bidi embeddings, overrides, isolates, marks).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_LINE = 500


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """``text`` with every control or bidi character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def clip(line: str, width: int = MAX_LINE) -> str:
    """``line`` cut to ``width`` characters, saying how many were left out."""
    if len(line) <= width:
        return line
    return f"{line[:width]}… ({len(line) - width} more characters)"
