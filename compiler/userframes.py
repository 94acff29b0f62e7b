"""Where in the user's own code an exception came from (deploys, modules, custom ops).

A traceback through specops is noise to the person whose deploy failed; what they
need is each of *their* frames: their deploy, their helper modules. ``user_frames``
keeps the frames of files outside specops, the standard library and installed
packages, outermost first. ``SPECOPS_TRACEBACK=1`` (``--traceback``) asks for the
whole traceback as well.
"""

from __future__ import annotations

import os
import sysconfig
import traceback
from pathlib import Path

from .source import Span

_SPECOPS = str(Path(__file__).resolve().parents[1])  # the checkout, or the installed package
_LIBS = {
    str(Path(p).resolve())
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
}


def _is_user(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    p = str(Path(filename).resolve())
    if p.startswith(_SPECOPS + os.sep) and "/tests/" not in p:
        return False
    return not any(p.startswith(lib + os.sep) for lib in _LIBS)


def user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The exception's frames in the user's files, outermost first."""
    return [f for f in traceback.extract_tb(exc.__traceback__) if _is_user(f.filename)]


def frame_span(f: traceback.FrameSummary) -> Span:
    line = f.lineno or 1
    col = (f.colno or 0) + 1
    end = (f.end_colno or col) + 1 if f.end_lineno == f.lineno and f.end_colno else col + 1
    return Span(f.filename, line, col, line, end)


def where(exc: BaseException) -> str:
    """`` (FILE:LINE)`` of the innermost user frame, for one-line messages; or ''."""
    frames = user_frames(exc)
    if not frames:
        return ""
    return f" ({frames[-1].filename}:{frames[-1].lineno})"


def full_traceback(exc: BaseException) -> str | None:
    """The whole traceback, when ``SPECOPS_TRACEBACK`` asks for it."""
    if os.environ.get("SPECOPS_TRACEBACK", "") in ("", "0"):
        return None
    return "".join(traceback.format_exception(exc)).rstrip()
