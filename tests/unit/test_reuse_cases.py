"""compiler/reuse.py: the keys that decide when a lowered op is reused for another host,
the names a declaration reads, and what is never reused."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from specops.compiler import reuse
from specops.compiler.diagnostics import SpecError
from specops.compiler.expr import parse_expression, parse_template
from specops.compiler.ir import OpNode
from specops.compiler.load import load_text
from specops.compiler.source import Span
from specops.compiler.spec import OpDecl, read_spec
from specops.compiler.values import Function, Pending, Sensitive

SPAN = Span("s.toml", 1, 1, 1, 2)


def nowhere(start: int, end: int) -> Span:
    return SPAN


def names(text: str, expression: bool = True) -> list[str]:
    tree = parse_expression(text, nowhere) if expression else parse_template(text, nowhere)
    return list(reuse.names_in(tree))


# -- freeze ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("a", ("str", "a")),
        (1, ("int", 1)),
        (1.5, ("float", 1.5)),
        (True, ("bool", True)),
        (None, ("NoneType", None)),
        ([], ("list", ())),
        ([1, "a"], ("list", (("int", 1), ("str", "a")))),
        ({}, ("dict", ())),
        ({"b": 1, "a": None}, ("dict", (("a", ("NoneType", None)), ("b", ("int", 1))))),
        ({"a": [False]}, ("dict", (("a", ("list", (("bool", False),))),))),
    ],
)
def test_freeze_names_the_type_of_every_value(value: Any, want: Any) -> None:
    assert reuse.freeze(value) == want


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (Sensitive("s3cr3t"), "Sensitive"),
        ((1, 2), "tuple"),
        ({1}, "set"),
        ([1, object()], "object"),
        ({"a": Sensitive(1)}, "Sensitive"),
        (Function("f", len), "Function"),
    ],
)
def test_a_value_that_is_not_plain_data_cannot_be_frozen(value: Any, kind: str) -> None:
    with pytest.raises(reuse.Unfrozen) as e:
        reuse.freeze(value)
    assert str(e.value) == kind


def test_a_subclass_of_a_plain_type_cannot_be_frozen() -> None:
    class Text(str):
        pass

    with pytest.raises(reuse.Unfrozen) as e:
        reuse.freeze(Text("a"))
    assert str(e.value) == "Text"


# -- names_in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("a", ["a"]),
        ("a.b.c", ["a"]),
        ("a[b]", ["a", "b"]),
        ("a['k']", ["a"]),
        ("f(a, b.c)", ["f", "a", "b"]),
        ("f()", ["f"]),
        ("[a, 1, b]", ["a", "b"]),
        ("{'k': a, 'j': b}", ["a", "b"]),
        ("-a", ["a"]),
        ("not a", ["a"]),
        ("a + b", ["a", "b"]),
        ("a in b", ["a", "b"]),
        ("a if b else c", ["a", "b", "c"]),
        ("1 + 2", []),
        ("'text'", []),
    ],
)
def test_names_in_an_expression(text: str, want: list[str]) -> None:
    assert sorted(names(text)) == sorted(want)


def test_names_in_a_template_are_those_of_its_holes() -> None:
    assert names("/srv/${app}/${ port + 1 }/x", expression=False) == ["app", "port"]
    assert names("no holes at all", expression=False) == []


# -- Reuse.names: what a declaration reads ------------------------------------------------


def decl(body: str) -> OpDecl:
    spec = read_spec(load_text(f'[ops.x]\nop = "files.file"\n{body}', "s.toml"))
    (d,) = spec.ops
    return d


class Parser:
    """Parses as lowering does, counting the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], str, bool]] = []

    def __call__(self, path: tuple[Any, ...], text: str, expression: bool) -> Any:
        self.calls.append((path, text, expression))
        return parse_expression(text, nowhere) if expression else parse_template(text, nowhere)


PURE = frozenset({"upper", "default"})
FUNCTIONS: Mapping[str, Any] = {
    "upper": Function("upper", str.upper),
    "default": Function("default", lambda a, b: a),
    "counter": Function("counter", lambda: 1),
}


def read_names(body: str, functions: Mapping[str, Any] = FUNCTIONS) -> tuple[str, ...] | None:
    return reuse.Reuse(PURE).names(object(), decl(body), Parser(), functions)


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ('path = "/etc/${b}"\ncontent = "${a} ${b}"', ("a", "b")),
        ('path = "/etc/x"', ()),
        ('path = "/etc/x"\nmode = "${ m }"\nowner = "${ o }"', ("m", "o")),
        # nested values: every string inside lists and maps
        ('path = "/etc/x"\nvars = { a = ["${ deep }", 1], b = { c = "${ deeper }" } }',
         ("deep", "deeper")),
        ('path = "/etc/x"\nwhen = "port > 1 and not off"', ("off", "port")),
        ('path = "/srv/${item}"\nfor_each = "dirs"', ("dirs",)),
        ('path = "/srv/${key}/${item.name}"\nfor_each = "users"', ("users",)),
        ('path = "/srv/${item}"\nfor_each = ["a", "${ root }"]', ("root",)),
        ('path = "/srv/${item}"\nfor_each = { a = "${ root }" }', ("root",)),
        # item and key outside a loop are ordinary names
        ('path = "/srv/${item}/${key}"', ("item", "key")),
        ('path = "/srv/${ upper(app) }"', ("app", "upper")),
        ('path = "/srv/${ default(app, \'x\') }"\nwhen = "upper(a) == \'A\'"',
         ("a", "app", "default", "upper")),
    ],
)  # fmt: skip
def test_the_names_a_declaration_reads(body: str, want: tuple[str, ...]) -> None:
    assert read_names(body) == want


@pytest.mark.parametrize(
    "body",
    [
        'path = "/etc/${host.name}"',
        'path = "/etc/x"\nwhen = "facts.os.id == \'debian\'"',
        'path = "/srv/${item}"\nfor_each = "facts.users"',
        'path = "/srv/${item}"\nfor_each = ["${ host.name }"]',
        'path = "/etc/x"\ncontent = "${ counter() }"',  # not a pure function
        'path = "/etc/x"\nwhen = "counter() > 1"',
        'path = "/etc/${ unclosed"',  # reported when the op is lowered
        'path = "/etc/x"\nwhen = "1 +"',
        'path = "/srv/${item}"\nfor_each = "[1,"',
    ],
)
def test_a_declaration_that_may_differ_per_host_is_never_reused(body: str) -> None:
    assert read_names(body) is None


def test_a_name_is_a_function_call_only_when_it_names_a_function() -> None:
    # "counter" is a plain variable where no function has that name
    assert read_names('path = "/etc/${ counter }"', {}) == ("counter",)
    assert read_names('path = "/etc/${ counter }"') is None


def test_the_names_are_found_once_per_unit_and_declaration() -> None:
    r = reuse.Reuse(PURE)
    d, other = decl('path = "/etc/${a}"\nwhen = "b"'), decl('path = "/etc/${a}"\nwhen = "b"')
    unit = object()
    p = Parser()
    assert r.names(unit, d, p, FUNCTIONS) == ("a", "b")
    assert p.calls == [
        (("ops", "x", "path"), "/etc/${a}", False),
        (("ops", "x", "when"), "b", True),
    ]
    assert r.names(unit, d, p, FUNCTIONS) == ("a", "b")
    assert len(p.calls) == 2
    assert r.names(object(), d, p, FUNCTIONS) == ("a", "b")  # another unit
    assert r.names(unit, other, p, FUNCTIONS) == ("a", "b")  # another declaration
    assert len(p.calls) == 6


def test_a_declaration_that_is_never_reused_is_remembered_too() -> None:
    r = reuse.Reuse(PURE)
    d, unit, p = decl('path = "/etc/${host.name}"'), object(), Parser()
    assert r.names(unit, d, p, FUNCTIONS) is None
    assert r.names(unit, d, p, FUNCTIONS) is None
    assert len(p.calls) == 1


def test_the_paths_of_a_literal_loop_are_those_of_its_entries() -> None:
    p = Parser()
    reuse.Reuse(PURE).names(object(), decl('path = "/${item}"\nfor_each = ["${a}", "b"]'), p, {})
    assert p.calls == [
        (("ops", "x", "path"), "/${item}", False),
        (("ops", "x", "for_each", 0), "${a}", False),
        (("ops", "x", "for_each", 1), "b", False),
    ]


def test_an_expression_loop_is_parsed_as_an_expression() -> None:
    p = Parser()
    assert reuse.Reuse(PURE).names(object(), decl('path = "/${item}"\nfor_each = "xs"'), p, {}) == (
        "xs",
    )
    assert p.calls == [
        (("ops", "x", "path"), "/${item}", False),
        (("ops", "x", "for_each"), "xs", True),
    ]


# -- Reuse.key, get and put -----------------------------------------------------------------


class Raising(Mapping[str, Any]):
    """A scope whose one variable fails to evaluate with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getitem__(self, name: str) -> Any:
        raise self.error

    def __iter__(self) -> Iterator[str]:
        return iter(["v"])

    def __len__(self) -> int:
        return 1


def test_the_key_is_the_unit_the_declaration_and_the_frozen_values() -> None:
    r, unit, d = reuse.Reuse(PURE), object(), decl('path = "/etc/${a}"')
    key = r.key(unit, d, ("a", "b", "c"), {"a": 1, "b": [True], "z": "unread"})
    assert key == (id(unit), id(d), (("int", 1), ("list", (("bool", True),)), None))
    assert r.key(unit, d, (), {"a": 1}) == (id(unit), id(d), ())


def test_equal_values_give_equal_keys_and_different_ones_differ() -> None:
    r, unit, d = reuse.Reuse(PURE), object(), decl('path = "/etc/${a}"')
    assert r.key(unit, d, ("a",), {"a": 80}) == r.key(unit, d, ("a",), {"a": 80, "b": 1})
    assert r.key(unit, d, ("a",), {"a": 80}) != r.key(unit, d, ("a",), {"a": 80.0})
    assert r.key(unit, d, ("a",), {"a": 80}) != r.key(unit, d, ("a",), {})


@pytest.mark.parametrize(
    "values",
    [
        {"v": Sensitive("pw")},
        {"v": {"ns": Function("f", len)}},
        Raising(SpecError([])),
        Raising(Pending(("os", ()))),
    ],
)
def test_a_value_that_cannot_be_frozen_gives_no_key(values: Mapping[str, Any]) -> None:
    r = reuse.Reuse(PURE)
    assert r.key(object(), decl('path = "/etc/${v}"'), ("v",), values) is None


def node(id: str, **kw: Any) -> OpNode:
    return OpNode(id=id, kind="files.directory", args={"path": "/" + id}, **kw)


def test_a_lowering_is_kept_for_its_key() -> None:
    r = reuse.Reuse(PURE)
    lowered = [(node("a"), ()), (node("b"), ("c",))]
    assert r.get("k") is None
    r.put("k", lowered)
    assert r.get("k") is lowered
    assert r.get("other") is None


@pytest.mark.parametrize(
    "lowered",
    [
        [(node("a", sensitive=("path",)), ())],
        [(node("a", secrets=("s3cr3t",)), ())],
        [(node("a"), ()), (node("b", sensitive=("path",)), ())],
        [(node("a", secrets=("s3cr3t",)), ()), (node("b"), ())],
    ],
)
def test_a_lowering_holding_anything_sensitive_is_not_kept(
    lowered: list[tuple[OpNode, tuple[str, ...]]],
) -> None:
    r = reuse.Reuse(PURE)
    r.put("k", lowered)
    assert r.get("k") is None


def test_an_empty_lowering_is_kept() -> None:
    r = reuse.Reuse(PURE)
    r.put("k", [])
    assert r.get("k") == []
