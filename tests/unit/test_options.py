"""The options of an op (compiler/options.py), shape by shape, expected values by hand."""

from __future__ import annotations

from typing import Any

import pytest

from specops.compiler import options
from specops.compiler.options import check, expected


@pytest.mark.parametrize(
    ("name", "value", "canonical", "ok"),
    [
        ("requires", "dir", ("dir",), True),
        ("requires", ["a", "b"], ("a", "b"), True),
        ("requires", ("a",), ("a",), True),
        ("requires", [], (), True),
        ("requires", ["a", 1], ["a", 1], False),
        ("requires", 5, 5, False),
        ("become", True, True, True),
        ("become", False, False, True),
        ("become", "app", "app", True),
        ("become", "", "", False),
        ("become", 123, 123, False),
        ("handler", True, True, True),
        ("handler", "no", "no", False),
        ("handler", 1, 1, False),
        ("desc", "text", "text", True),
        ("desc", 3, 3, False),
        ("op", "files.file", "files.file", True),
        ("op", None, None, False),
        ("id", "dir", "dir", True),
        ("id", "  ", "  ", False),
        ("id", "", "", False),
        ("id", 7, 7, False),
        ("when", "x == 1", "x == 1", True),
        ("when", True, "true", True),
        ("when", False, "false", True),
        ("when", 3, 3, False),
        ("for_each", "items", "items", True),
        ("for_each", ["a"], ["a"], True),
        ("for_each", {"a": 1}, {"a": 1}, True),
        ("for_each", 3, 3, False),
    ],
)
def test_check(name: str, value: Any, canonical: Any, ok: bool) -> None:
    assert check(name, value) == (canonical, ok)


def test_every_shape_says_what_it_expects() -> None:
    assert expected("become") == "true, false or a user name"
    assert expected("requires") == "a string or a list of strings"
    assert {o.shape for o in options.OPTIONS} <= set(options._EXPECTED)


def test_the_tables_list_spec_keys_and_python_keywords() -> None:
    spec = options.markdown(python=False).splitlines()
    python = options.markdown(python=True).splitlines()
    assert spec[0] == "| key | takes | meaning |" and python[0] == "| keyword | takes | meaning |"
    assert spec[1] == python[1] == "|---|---|---|"
    assert [r.split("|")[1].strip() for r in spec[2:]] == [
        "`op`", "`hosts`", "`when`", "`for_each`", "`requires`", "`before`", "`notify`",
        "`tags`", "`desc`", "`become`",
    ]  # fmt: skip
    assert [r.split("|")[1].strip() for r in python[2:]] == [
        "`_id`", "`_requires`", "`_before`", "`_notify`", "`_handler`", "`_tags`", "`_desc`",
        "`_become`",
    ]  # fmt: skip
    assert tuple(r.split("`")[1] for r in spec[2:]) == options.SPEC_KEYS
    assert set(options.KEYWORDS) == {r.split("`")[1] for r in python[2:]}
