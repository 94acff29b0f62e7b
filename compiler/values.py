"""Runtime values of the expression language beyond plain data.

Expressions compute with plain JSON-like values (str, int, float, bool, None,
list, dict) plus three kinds defined here:

- ``Sensitive`` wraps a value that came from a secret source (``env()``, a
  secrets file). Anything computed from it stays sensitive; the IR records
  where such values landed so every output can redact them.
- ``Function`` is a callable the language may call: built-ins, user-registered
  functions and fact accessors. Nothing else is callable.
- ``Namespace`` is an object whose attributes are looked up on demand
  (``facts``): attribute access asks it, and a missing name is an ordinary
  "undefined attribute" error.

And what every value is as words (``kind``, for messages that must not show a
value: it may be sensitive), how it reads inside a string (``to_text``), and the
bounds on what an expression may make (``MAX_ITEMS``, ``MAX_TEXT``, ``MAX_DIGITS``,
checked by ``too_big``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# Bounds on every value an expression makes, so a spec cannot exhaust memory or time.
MAX_ITEMS = 100_000
MAX_TEXT = 1_000_000
# An integer with more digits than Python turns into text could never be printed or saved.
MAX_DIGITS = sys.int_info.default_max_str_digits
TOO_LONG = 10**MAX_DIGITS  # the smallest integer with more digits


@dataclass(frozen=True)
class Sensitive:
    value: Any

    def __repr__(self) -> str:
        return "(sensitive)"


def reveal(v: Any) -> tuple[Any, bool]:
    """The plain value and whether it was (or contained) something sensitive."""
    if isinstance(v, Sensitive):
        inner, _ = reveal(v.value)
        return inner, True
    if isinstance(v, list):
        items = [reveal(x) for x in v]
        return [x for x, _ in items], any(s for _, s in items)
    if isinstance(v, dict):
        pairs = {k: reveal(x) for k, x in v.items()}
        return {k: x for k, (x, _) in pairs.items()}, any(s for _, s in pairs.values())
    return v, False


def sensitive_paths(v: Any, prefix: str = "") -> list[str]:
    """Dotted paths (``env.TOKEN``, ``users.0``) of the sensitive parts of ``v``."""
    if isinstance(v, Sensitive):
        return [prefix]
    out: list[str] = []
    if isinstance(v, list):
        for i, x in enumerate(v):
            out += sensitive_paths(x, f"{prefix}.{i}" if prefix else str(i))
    elif isinstance(v, dict):
        for k, x in v.items():
            out += sensitive_paths(x, f"{prefix}.{k}" if prefix else str(k))
    return out


def texts(v: Any) -> list[str]:
    """The text of every leaf of ``v`` (what must never be printed when ``v`` is secret)."""
    v, _ = reveal(v)
    if isinstance(v, dict):
        return [t for x in v.values() for t in texts(x)]
    if isinstance(v, list):
        return [t for x in v for t in texts(x)]
    return [] if v is None or isinstance(v, bool) else [str(v)]


def wrap(value: Any, sensitive: bool) -> Any:
    return Sensitive(value) if sensitive else value


class Pending(Exception):
    """A fact is not known yet; the op is evaluated again after the next fetch.

    Evaluation carries on through sibling sub-expressions before re-raising, so
    one round discovers every fact an op needs, not just the first one.
    """


@dataclass(frozen=True)
class Function:
    """A function expressions may call.

    ``lazy`` functions receive their arguments as thunks (zero-argument
    callables), so ``default(undefined_name, "x")`` can catch the error of its
    first argument instead of failing before the call.
    """

    name: str
    fn: Callable[..., Any]
    doc: str = ""
    examples: tuple[tuple[str, str], ...] = ()  # (expression, result as written)
    lazy: bool = False


@dataclass
class Namespace:
    """Attributes computed on demand (``facts.os``); ``names`` feed "did you mean"."""

    label: str
    lookup: Callable[[str], Any]
    names: Callable[[], Iterable[str]] = field(default=lambda: ())


def kind(v: Any) -> str:
    """A value's type as words, without the value (it may be sensitive)."""
    v, _ = reveal(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a map"
    if isinstance(v, Function):
        return "a function"
    if isinstance(v, Namespace):
        return v.label
    return type(v).__name__


def to_text(v: Any) -> str:
    """How a value reads inside a larger string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def too_big(v: Any) -> str | None:
    """What is too large about a value a function returned (user functions too)."""
    if isinstance(v, str) and len(v) > MAX_TEXT:
        return f"a string of {len(v)} characters (at most {MAX_TEXT})"
    if is_int(v) and abs(v) >= TOO_LONG:
        return f"an integer of more than {MAX_DIGITS} digits"
    if isinstance(v, list | dict):
        if len(v) > MAX_ITEMS:
            return f"a collection of {len(v)} items (at most {MAX_ITEMS})"
        items = v.values() if isinstance(v, dict) else v
        return next((t for t in map(too_big, items) if t), None)
    return None


def is_int(v: Any) -> bool:
    """An integer, and not a boolean (which Python counts as one)."""
    return isinstance(v, int) and not isinstance(v, bool)
