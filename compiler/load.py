"""The first stage: read a spec file and hand it to the loader its extension names.

``load(path)`` reads the file as UTF-8 (a leading byte-order mark is dropped)
and returns the ``Document`` of ``load_toml`` or ``load_yaml``; ``load_text``
does the same for text already in hand. ``Document.file`` is the path exactly
as the caller gave it, since that is what diagnostics show.

It does not look inside the file to guess a format: ``.toml`` is TOML,
``.yaml`` and ``.yml`` are YAML, anything else is an ``unknown-format`` error.
Python deploys are not spec files and are loaded elsewhere.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from .diagnostics import Diagnostic, SpecError, diag
from .load_toml import load_toml
from .load_yaml import load_yaml
from .messages import BAD_VALUE, FILE_NOT_FOUND, FILE_NOT_UTF8, UNKNOWN_FORMAT
from .source import Document, Span
from .source import Path as DocPath

Loader = Callable[[str, str], Document]

LOADERS: dict[str, Loader] = {
    ".toml": load_toml,
    ".yaml": load_yaml,
    ".yml": load_yaml,
}


# A spec is hand-written text; a bigger file is a mistake (or an attack on memory).
MAX_SPEC_BYTES = 10 * 1024 * 1024


def load(path: str | os.PathLike[str]) -> Document:
    """Read the spec file at ``path`` and load it by its extension.

    Raises ``SpecError``: ``unknown-format`` for another extension,
    ``file-not-found`` if it cannot be read, ``file-encoding`` if it is not
    UTF-8, and whatever the loader reports.
    """
    file = os.fspath(path)
    loader = _loader_for(file)
    try:
        st = Path(file).stat()
        if not stat.S_ISREG(st.st_mode):  # reading a FIFO or a device would wait forever
            reason = "it is not a regular file (a directory, a FIFO or a device)"
            raise SpecError([diag(FILE_NOT_FOUND, None, path=file, reason=reason)])
        size = st.st_size
        if size > MAX_SPEC_BYTES:
            reason = f"it is {size} bytes; spec files are read up to {MAX_SPEC_BYTES}"
            raise SpecError(
                [
                    diag(
                        FILE_NOT_FOUND,
                        None,
                        path=file,
                        reason=reason,
                        hint="split it with include, or load data with file()",
                    )
                ]
            )
        raw = Path(file).read_bytes()
    except OSError as e:
        reason = e.strerror or str(e)
        raise SpecError([diag(FILE_NOT_FOUND, None, path=file, reason=reason)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SpecError([_not_utf8(file, e)]) from None
    return _checked(loader(text, file))


def load_text(text: str, file: str) -> Document:
    """Load ``text`` as the spec file named ``file``, by that name's extension."""
    return _checked(_loader_for(file)(text, file))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _checked(doc: Document) -> Document:
    """Refuse strings no file or command can hold: a lone surrogate (YAML's "\\ud800")."""
    problems = []
    for path, value, is_key in _strings(doc.data, ()):
        if _SURROGATE.search(value):
            problems.append(
                diag(
                    BAD_VALUE,
                    doc.key_span(path) if is_key else doc.span(path),
                    what="this text",
                    detail="it holds a lone surrogate (a \\ud800-\\udfff escape), "
                    "which is not a character",
                    hint="escape the whole character, e.g. \\U0001F600, not half of it",
                )
            )
    if problems:
        raise SpecError(problems)
    return doc


def _strings(v: object, path: DocPath) -> Iterator[tuple[DocPath, str, bool]]:
    """Every string in ``v``: its path, its text, and whether it is a mapping key."""
    if isinstance(v, str):
        yield path, v, False
    elif isinstance(v, dict):
        for k, x in v.items():
            if isinstance(k, str):
                yield (*path, k), k, True
            yield from _strings(x, (*path, k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _strings(x, (*path, i))


def _loader_for(file: str) -> Loader:
    loader = LOADERS.get(Path(file).suffix.lower())
    if loader is None:
        hint = "spec files end in " + ", ".join(LOADERS)
        raise SpecError([diag(UNKNOWN_FORMAT, None, path=file, hint=hint)])
    return loader


def _not_utf8(file: str, e: UnicodeDecodeError) -> Diagnostic:
    """Point at the first byte that is not UTF-8.

    ``e.start`` counts from ``e.object``, the bytes after a leading byte-order mark."""
    raw = e.object
    before = raw[: e.start].decode("utf-8")  # valid up to the error: no error handler needed
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    reason = f"byte 0x{raw[e.start]:02x} is not valid UTF-8"
    return diag(FILE_NOT_UTF8, Span.point(file, line, col), path=file, reason=reason)
