"""The command line as a source: spans over the joined argv, so errors get a caret.

Ad-hoc commands (``specops run TARGETS files.directory path=/srv/x``) are
checked with the same diagnostics as spec files. Their "file" is the command
line itself, shown as the user could have typed it (each argument quoted the
way a shell needs it) with spans into that text:

    <command line>:1:44: error[unknown-argument]: files.directory has no argument "mdoe"
       1 | specops run @local files.directory path=/srv/x mdoe=0755
         |                                                ^^^^
    hint: did you mean "mode"?
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from .source import Span

COMMAND_LINE = "<command line>"


@dataclass(frozen=True)
class CommandLine:
    """``args`` (argv without the program) joined into ``text``, each at ``starts[i]``."""

    args: tuple[str, ...]
    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, args: Sequence[str], prog: str = "specops") -> CommandLine:
        text = prog
        starts: list[int] = []
        for a in args:
            text += " "
            starts.append(len(text))
            text += shlex.quote(a)
        return cls(tuple(args), text, tuple(starts))

    def span(self, i: int, start: int = 0, end: int | None = None) -> Span:
        """The span of characters ``start:end`` of argument ``i`` (the whole of it by default)."""
        arg = self.args[i]
        quoted = shlex.quote(arg)
        base = self.starts[i]
        stop = len(arg) if end is None else end
        if quoted == arg:
            a, b = base + start, base + stop
        elif quoted == f"'{arg}'":
            a, b = base + 1 + start, base + 1 + stop
        else:  # quoting changed the text inside: point at the whole argument
            a, b = base, base + len(quoted)
        return Span(COMMAND_LINE, 1, a + 1, 1, max(b, a + 1) + 1)

    def find(self, value: str, after: int = 0) -> int | None:
        """The index of the first argument equal to ``value`` at or after ``after``."""
        for i in range(after, len(self.args)):
            if self.args[i] == value:
                return i
        return None

    @property
    def sources(self) -> dict[str, str]:
        """What ``diagnostics.render_all`` needs to show the line."""
        return {COMMAND_LINE: self.text}
