"""Typed argument validation against a toy catalog (no runtime involved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pytest

from specops.compiler.catalog import (
    MODE_HINT,
    Catalog,
    OpType,
    arg,
    check_octal_mode,
    conforms,
    type_name,
    validate_args,
)
from specops.compiler.source import Span


@dataclass(frozen=True)
class ToyArgs:
    path: str = arg(doc="a path")
    mode: str | None = arg(None, check=check_octal_mode, type_hint=MODE_HINT)
    count: int = arg(1)
    names: list[str] = arg(default_factory=list)
    state: Literal["present", "absent"] = arg("present")


TOY = OpType("toy.thing", ToyArgs, "A toy.\n\nMore.")
SPAN = Span("s.toml", 1, 1, 1, 2)


def check(raw: dict[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[str, str | None]]]:
    args, ds = validate_args(TOY, raw, lambda k: SPAN, lambda k: SPAN, SPAN)
    return args, [(d.code, d.hint) for d in ds]


def test_defaults_are_filled_in_field_order() -> None:
    args, problems = check({"path": "/x", "count": 3})
    assert problems == []
    assert args == {"path": "/x", "mode": None, "count": 3, "names": [], "state": "present"}
    assert list(args) == ["path", "mode", "count", "names", "state"]


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ({}, [("missing-argument", None)]),
        ({"path": "/x", "pth": 1}, [("unknown-argument", 'did you mean "path"?')]),
        ({"path": "/x", "mode": 644}, [("wrong-type", MODE_HINT)]),
        ({"path": "/x", "mode": "999"}, [("bad-value", None)]),
        ({"path": "/x", "count": True}, [("wrong-type", None)]),
        ({"path": "/x", "names": ["a", 2]}, [("wrong-type", None)]),
        ({"path": "/x", "state": "gone"}, [("wrong-type", None)]),
    ],
)
def test_errors(raw: dict[str, Any], want: list[tuple[str, str | None]]) -> None:
    args, problems = check(raw)
    assert args is None and problems == want


@pytest.mark.parametrize(
    ("value", "t", "ok"),
    [
        (1, int, True),
        (True, int, False),
        (1.5, float, True),
        (1, float, True),
        ("a", str | None, True),
        (None, str | None, True),
        (["a"], list[str], True),
        ({"a": 1}, dict[str, int], True),
        ({"a": "b"}, dict[str, int], False),
    ],
)
def test_conforms(value: Any, t: Any, ok: bool) -> None:
    assert conforms(value, t) is ok


def test_type_names_read_as_english() -> None:
    assert type_name(list[str]) == "a list of strings"
    assert type_name(str | None) == "a string"
    assert type_name(Literal["a", "b"]) == "one of 'a', 'b'"


def test_catalog_registry() -> None:
    c = Catalog()
    c.register(TOY)
    c.register(TOY)  # the same registration twice is harmless
    assert c.kinds() == ["toy.thing"] and "toy.thing" in c and TOY.summary == "A toy."
    with pytest.raises(ValueError):
        c.register(OpType("toy.thing", ToyArgs, "other"))


def test_every_op_on_a_host_path_tells_the_optimizer_so() -> None:
    """Ops whose identity starts with a host path share the "path" resource, so
    conflicts and the inside/home edges see them; what they refer to exists as a thing."""
    from specops.runtime.catalog import CATALOG

    ops = CATALOG.builtins()  # not the ops other tests' [python] modules registered
    resources = {t.declares.resource for t in ops if t.declares.resource}
    missing = []
    for t in ops:
        hints = {f.name: f for f in t.fields()}
        first = t.declares.identity[0] if t.declares.identity else None
        if first == "path" and t.declares.resource != "path":
            missing.append(t.kind)
        for name, resource in t.declares.refers:
            assert name in hints, (t.kind, name)
            assert resource in resources, (t.kind, resource)
        if t.declares.part_of:
            assert t.declares.part_of[0] in {x.kind for x in ops}, t.kind
    assert missing == []


@pytest.mark.parametrize(
    ("kind", "args", "arg"),
    [
        ("systemd.timer", {"name": "t", "command": "true", "on_calendar": "daily",
                           "description": "x\nExecStartPre=/bin/touch /pwned"}, "description"),
        ("ssh.sshd_option", {"name": "PermitRootLogin", "value": "no\nPasswordAuthentication yes"},
         "value"),
        ("files.ini", {"path": "/etc/x.ini", "section": "s", "key": "k", "value": "v\r\n[t]"},
         "value"),
        ("server.mount", {"path": "/mnt/x", "options": "defaults\n/dev/sdb /root ext4"},
         "options"),
    ],
)  # fmt: skip
def test_one_line_values_refuse_line_breaks(kind: str, args: dict[str, Any], arg: str) -> None:
    """A line break in a value written as one config line would add a line nobody
    declared (a unit's ExecStartPre= runs a command): validation refuses it."""
    from specops.runtime.catalog import CATALOG

    optype = CATALOG.get(kind)
    assert optype is not None
    valid, problems = validate_args(optype, args, lambda n: None, lambda n: None, None)
    assert valid is None
    assert [d.code for d in problems] == ["bad-value"], problems
    assert f'"{arg}"' in problems[0].message and "one line" in problems[0].message
