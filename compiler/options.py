"""The options of an op that are not its arguments, declared once for both front ends.

A spec writes them as reserved keys of the op (``requires = ["dir"]``), a Python
deploy as keyword arguments with a leading underscore (``_requires=["dir"]``).
Both read them through ``check``: the same shapes, the same errors, and the
reference (docs/spec-language.md, README) is generated from ``OPTIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Shape = Literal["names", "expression", "become", "bool", "text", "id", "loop", "kind"]


@dataclass(frozen=True)
class Option:
    name: str
    shape: Shape
    doc: str
    spec: bool = True  # a key of a spec op
    python: bool = True  # a _keyword of a deploy call

    @property
    def keyword(self) -> str:
        return f"_{self.name}"


OPTIONS: tuple[Option, ...] = (
    Option("op", "kind", "The operation, `family.name`.", python=False),
    Option(
        "id",
        "id",
        "The op's id (default in a deploy: `FILE:LINE`; in a loop `…[KEY]`, KEY from the "
        "op's first identity argument). In a spec, the table's name is the id.",
        spec=False,
    ),
    Option(
        "hosts",
        "names",
        "Where it runs: host and group names, globs (`web*`), exclusions (`!web2`); "
        "default all. (A deploy chooses with `host().name` and `host().groups`.)",
        python=False,
    ),
    Option(
        "when",
        "expression",
        "An expression; the op runs only where it is `true`. (A deploy uses `if`.)",
        python=False,
    ),
    Option(
        "for_each",
        "loop",
        "A list or map, or an expression giving one; the op repeats for each item. "
        "(A deploy uses `for`.)",
        python=False,
    ),
    Option(
        "requires",
        "names",
        "Op ids that must run before this one; the id of a looped op means all its items.",
    ),
    Option("before", "names", "Op ids that must run after this one."),
    Option("notify", "names", "Handlers to run when this op changes something."),
    Option(
        "handler",
        "bool",
        "`true`: the op is a handler, run only when an op that notifies it changed. "
        "(A spec puts handlers in `[handlers]`.)",
        spec=False,
    ),
    Option("tags", "names", "Names for `--tags` / `--skip-tags`."),
    Option("desc", "text", "A description for people."),
    Option(
        "become",
        "become",
        '`true` runs the op as root through sudo, `"name"` as that user, `false` as the '
        "login user; default: the host's `become`, else its innermost group's, else false.",
    ),
)

SPEC_KEYS = tuple(o.name for o in OPTIONS if o.spec)
KEYWORDS = {o.keyword: o for o in OPTIONS if o.python}
BY_NAME = {o.name: o for o in OPTIONS}

_EXPECTED = {
    "names": "a string or a list of strings",
    "become": "true, false or a user name",
    "bool": "true or false",
    "text": "a string",
    "id": "a non-empty string",
    "expression": "an expression in a string",
    "loop": "a list, a map, or an expression in a string",
    "kind": 'an operation name, "family.name"',
}


def expected(name: str) -> str:
    return _EXPECTED[BY_NAME[name].shape]


def check(name: str, value: Any) -> tuple[Any, bool]:
    """Whether ``value`` fits option ``name``, and its canonical form (names as a tuple,
    a boolean ``when`` as its expression); an invalid value is returned as it is."""
    shape = BY_NAME[name].shape
    if shape == "names":
        if isinstance(value, str):
            return (value,), True
        ok = isinstance(value, list | tuple) and all(isinstance(x, str) for x in value)
        return (tuple(value) if ok else value), ok
    if shape == "expression" and isinstance(value, bool):  # `when = true` is a constant
        return ("true" if value else "false"), True
    return value, _FITS[shape](value)


_FITS = {
    "become": lambda v: isinstance(v, bool) or (isinstance(v, str) and v != ""),
    "bool": lambda v: isinstance(v, bool),
    "text": lambda v: isinstance(v, str),
    "kind": lambda v: isinstance(v, str),
    "id": lambda v: isinstance(v, str) and v.strip() != "",
    "expression": lambda v: isinstance(v, str),
    "loop": lambda v: isinstance(v, str | list | dict),
}


def markdown(python: bool) -> str:
    """The reference table of the options, for a spec (keys) or a deploy (keywords)."""
    rows = [o for o in OPTIONS if (o.python if python else o.spec)]
    head = "| keyword | takes | meaning |" if python else "| key | takes | meaning |"
    lines = [head, "|---|---|---|"]
    for o in rows:
        name = o.keyword if python else o.name
        lines.append(f"| `{name}` | {_EXPECTED[o.shape]} | {o.doc} |")
    return "\n".join(lines) + "\n"
