"""Numeric command-line options checked before anything runs, located in the command line.

``--serial 0`` would apply nothing forever, ``--timeout -1`` would time out at once,
``--fail-percent 150`` could never be reached: each is a diagnostic with a caret
under the value, like any other mistake.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence

from specops.compiler import messages as m
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Diagnostic, diag
from specops.compiler.source import Span


def _positive(v: float) -> str | None:
    return None if v > 0 and math.isfinite(v) else "must be more than 0"


def _at_least_one(v: float) -> str | None:
    return None if v >= 1 else "must be 1 or more"


def _not_negative(v: float) -> str | None:
    return None if v >= 0 and math.isfinite(v) else "must be 0 or more"


def _percent(v: float) -> str | None:
    return None if 0 <= v <= 100 else "must be a percentage from 0 to 100"


def _serial(v: str) -> str | None:
    text = v.strip()
    try:
        n = float(text[:-1]) if text.endswith("%") else int(text)
    except ValueError:
        return "is not N or N%"
    if text.endswith("%"):
        return None if 0 < n <= 100 else "must be a percentage above 0 and at most 100"
    return None if n >= 1 else "must be 1 or more hosts"


# option -> (attribute, check, example)
CHECKS: dict[str, tuple[str, Callable[..., str | None], str]] = {
    "--parallel": ("parallel", _at_least_one, "--parallel 8"),
    "--timeout": ("timeout", _positive, "--timeout 30"),
    "--lock-wait": ("lock_wait", _not_negative, "--lock-wait 60"),
    "--fail-percent": ("fail_percent", _percent, "--fail-percent 25"),
    "--serial": ("serial", _serial, "--serial 2 or --serial 25%"),
}


def check(args: argparse.Namespace, argv: Sequence[str]) -> tuple[list[Diagnostic], CommandLine]:
    """Diagnostics for numeric options out of their range (empty when all are fine)."""
    cl = CommandLine.of(argv)
    out = []
    for option, (attr, test, example) in CHECKS.items():
        value = getattr(args, attr, None)
        if value is None:
            continue
        problem = test(value)
        if problem is None:
            continue
        out.append(
            diag(
                m.BAD_VALUE,
                _where(cl, option),
                what=option,
                detail=f"{value!r} {problem}" if isinstance(value, str) else f"{value:g} {problem}",
                hint=f"e.g. {example}",
            )
        )
    return out, cl


def _where(cl: CommandLine, option: str) -> Span | None:
    for i, a in enumerate(cl.args):
        if a == option and i + 1 < len(cl.args):
            return cl.span(i + 1)
        if a.startswith(option + "="):
            return cl.span(i, len(option) + 1)
    return None
