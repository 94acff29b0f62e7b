"""compiler/scope.py: ``--var NAME=VALUE`` parsing and the reserved variable names."""

from __future__ import annotations

from typing import Any

import pytest

from specops.compiler.diagnostics import Collector, Diagnostic
from specops.compiler.load import load_text
from specops.compiler.scope import RESERVED_NAMES, Layer, check_names, parse_var
from specops.compiler.source import Span

# -- parse_var ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("port=8080", ("port", 8080)),
        ("ratio=0.5", ("ratio", 0.5)),
        ("debug=true", ("debug", True)),
        ("nothing=null", ("nothing", None)),
        ("xs=[1, 2]", ("xs", [1, 2])),
        ('m={"a": 1}', ("m", {"a": 1})),
        ('quoted="8080"', ("quoted", "8080")),
        ("app=shop", ("app", "shop")),  # not JSON: the text itself
        ("empty=", ("empty", "")),
        ("url=a=b", ("url", "a=b")),  # the first "=" splits
        ("  app  =x", ("app", "x")),  # the name is stripped, the value is not
        ("app= x ", ("app", " x ")),
    ],
)
def test_a_var_is_json_when_it_parses_else_text(text: str, want: tuple[str, Any]) -> None:
    assert parse_var(text) == want


@pytest.mark.parametrize("text", ["port", "=8080", "  =8080", ""])
def test_a_var_without_a_name_or_an_equals_sign_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_var(text)
    assert str(e.value) == f"--var {text!r}: write it as NAME=VALUE"


# -- check_names ----------------------------------------------------------------------


def test_the_reserved_names() -> None:
    assert RESERVED_NAMES == ("host", "facts", "item", "key", "env")


def test_a_reserved_name_is_reported_at_its_key() -> None:
    doc = load_text("[vars]\napp = 1\nitem = 2\nenv = 3\n", "s.toml")
    c = Collector()
    check_names(Layer("spec vars", doc.data["vars"], doc, ("vars",)), c)
    assert c.diagnostics == [
        Diagnostic(
            "reserved-name",
            '"item" is a reserved name and cannot be a variable',
            Span("s.toml", 3, 1, 3, 5),
            "choose another name",
        ),
        Diagnostic(
            "reserved-name",
            '"env" is a reserved name and cannot be a variable',
            Span("s.toml", 4, 1, 4, 4),
            "choose another name",
        ),
    ]


@pytest.mark.parametrize("name", RESERVED_NAMES)
def test_every_reserved_name_from_the_command_line_has_no_span(name: str) -> None:
    c = Collector()
    check_names(Layer("--var", {"ok": 1, name: 2}), c)
    assert c.diagnostics == [
        Diagnostic(
            "reserved-name",
            f'"{name}" is a reserved name and cannot be a variable',
            None,
            "choose another name",
        )
    ]


def test_names_that_only_look_reserved_are_allowed() -> None:
    c = Collector()
    check_names(Layer("--var", {"hosts": 1, "Host": 2, "keys": 3, "items": 4, "fact": 5}), c)
    assert c.diagnostics == []
