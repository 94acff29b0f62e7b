"""The catalog protocol with a toy op: argument declarations, the registry, type names
and checks, and every diagnostic of ``validate_args`` with its exact text and place."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal, Optional

import pytest

from specops.compiler.catalog import (
    DECLARES,
    MODE_HINT,
    Catalog,
    OpType,
    arg,
    check_octal_mode,
    conforms,
    type_name,
    validate_args,
    value_type_name,
)
from specops.compiler.diagnostics import Diagnostic
from specops.compiler.source import Span

# -- declaring arguments --------------------------------------------------------------------


def no_bang(v: Any) -> str | None:
    return f"{v!r} has a bang" if "!" in str(v) else None


@dataclass(frozen=True)
class ToyArgs:
    path: str = arg(doc="where")
    mode: str | None = arg(None, check=check_octal_mode, type_hint=MODE_HINT)
    count: int = arg(1)
    names: list[str] = arg(default_factory=list)
    state: Literal["present", "absent"] = arg("present")
    source: str | None = arg(None, local_path=True, check=no_bang)
    password: str | None = arg(None, secret=True, check=no_bang)
    env: dict[str, str] = arg(default_factory=dict, scope=True)
    token: str = arg("", secret=True)


TOY = OpType("toy.thing", ToyArgs, "  \n  A toy.\n\n  More about it.\n")
FIELDS = "path, mode, count, names, state, source, password, env, token"


def test_arg_declares_a_field_with_its_metadata() -> None:
    f = {x.name: x for x in dataclasses.fields(ToyArgs)}
    assert f["path"].default is dataclasses.MISSING
    assert f["path"].default_factory is dataclasses.MISSING
    assert dict(f["path"].metadata) == {
        "doc": "where",
        "check": None,
        "type_hint": None,
        "local_path": False,
        "secret": False,
        "scope": False,
    }
    assert f["mode"].default is None
    assert dict(f["mode"].metadata) == {
        "doc": "",
        "check": check_octal_mode,
        "type_hint": MODE_HINT,
        "local_path": False,
        "secret": False,
        "scope": False,
    }
    assert f["count"].default == 1
    assert f["names"].default is dataclasses.MISSING
    assert f["names"].default_factory is list
    assert dict(f["env"].metadata)["scope"] is True
    assert dict(f["source"].metadata)["local_path"] is True
    assert dict(f["password"].metadata)["secret"] is True


NO_META = {
    "doc": "",
    "check": None,
    "type_hint": None,
    "local_path": False,
    "secret": False,
    "scope": False,
}


def test_arg_called_now_gives_each_default_and_metadata() -> None:
    """ToyArgs above was declared at import; these calls run arg() inside the test."""
    plain = arg()
    assert (plain.default, plain.default_factory) == (dataclasses.MISSING, dataclasses.MISSING)
    assert dict(plain.metadata) == NO_META
    five = arg(5, doc="d", type_hint="t")
    assert five.default == 5
    assert dict(five.metadata) == {**NO_META, "doc": "d", "type_hint": "t"}
    made = arg(default_factory=dict, local_path=True, secret=True, scope=True, check=no_bang)
    assert (made.default, made.default_factory) == (dataclasses.MISSING, dict)
    assert dict(made.metadata) == {
        **NO_META,
        "check": no_bang,
        "local_path": True,
        "secret": True,
        "scope": True,
    }


def test_an_op_types_views_of_its_arguments() -> None:
    assert TOY.summary == "A toy."
    assert OpType("x.y", ToyArgs).summary == ""
    assert OpType("x.y", ToyArgs, " \n\t").summary == ""
    assert TOY.scope_args() == ("env",)
    assert TOY.secret_args() == ("password", "token")
    assert [f.name for f in TOY.fields()] == FIELDS.split(", ")
    assert TOY.hints()["names"] == list[str]
    assert TOY.hints()["mode"] == str | None


def test_an_op_type_defaults() -> None:
    t = OpType("x.y", ToyArgs)
    assert (t.doc, t.builtin, t.attributes, t.reads) == ("", True, None, None)
    d = t.declares
    assert (d.identity, d.resource, d.part_of, d.container) == ((), "", None, False)
    assert (d.merge, d.tree, d.refers, d.makes_dir) == (None, False, (), None)
    assert DECLARES == (
        "identity", "resource", "part_of", "container", "merge", "tree", "refers", "makes_dir",
    )  # fmt: skip


# -- the registry ---------------------------------------------------------------------------


def test_a_catalog_lists_its_kinds_sorted() -> None:
    c = Catalog()
    b = OpType("b.op", ToyArgs)
    a = OpType("a.op", ToyArgs, builtin=False)
    c.register(b)
    c.register(a)
    assert c.kinds() == ["a.op", "b.op"]
    assert list(c) == [a, b]
    assert c.builtins() == [b]
    assert c.get("a.op") is a
    assert c.get("c.op") is None
    assert "a.op" in c and "c.op" not in c


def test_a_kind_is_registered_once_unless_replaced() -> None:
    c = Catalog()
    c.register(TOY)
    c.register(OpType("toy.thing", ToyArgs, TOY.doc))  # an equal op: harmless
    assert c.get("toy.thing") == TOY
    other = OpType("toy.thing", ToyArgs, "other")
    with pytest.raises(ValueError) as e:
        c.register(other)
    assert str(e.value) == "operation 'toy.thing' registered twice"
    assert c.get("toy.thing") == TOY
    c.register(other, replace=True)
    assert c.get("toy.thing") is other


# -- type names -----------------------------------------------------------------------------


class Thing:
    pass


@pytest.mark.parametrize(
    ("t", "name"),
    [
        (str, "a string"),
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a number"),
        (type(None), "null"),
        (list[str], "a list of strings"),
        (list[int], "a list of integers"),
        (list[list[bool]], "a list of lists of booleans"),
        (typing.List, "a list of any value"),  # noqa: UP006  (no item type)
        (dict[str, int], "a map of integers"),
        (dict[str, list[str]], "a map of lists of strings"),
        (typing.Dict, "a map of any value"),  # noqa: UP006  (no value type)
        (Literal["a", 1], "one of 'a', 1"),
        (str | None, "a string"),
        (Optional[int], "an integer"),  # noqa: UP045  (typing.Union reads the same)
        (str | int | None, "a string or an integer"),
        (list[str | int], "a list of strings or integers"),
        (list[str | None], "a list of strings"),
        (dict[str, Optional[list[int]]], "a map of lists of integers"),  # noqa: UP045
        (list[Literal["a"]], "a list of one of 'a'"),
        (list[Thing], "a list of Thing"),
        (Any, "any value"),
        (Thing, "Thing"),
        (PurePosixPath, "PurePosixPath"),
        ("Later", "Later"),  # a forward reference names itself
    ],
)
def test_type_name(t: Any, name: str) -> None:
    assert type_name(t) == name


@pytest.mark.parametrize(
    ("v", "name"),
    [
        (644, "an integer (644)"),
        (1.5, "a number (1.5)"),
        (True, "a boolean"),
        (False, "a boolean"),
        ("644", "a string"),
        (None, "null"),
        ([1], "a list"),
    ],
)
def test_value_type_name(v: Any, name: str) -> None:
    assert value_type_name(v) == name


@pytest.mark.parametrize(
    ("v", "t", "ok"),
    [
        (object(), Any, True),
        (None, Any, True),
        (None, type(None), True),
        (0, type(None), False),
        (True, bool, True),
        (1, bool, False),
        (1, int, True),
        (True, int, False),
        (1.0, int, False),
        (1.5, float, True),
        (1, float, True),
        (False, float, False),
        ("1", float, False),
        ("a", str, True),
        (1, str, False),
        ([], list[str], True),
        (["a", "b"], list[str], True),
        (["a", 1], list[str], False),
        (("a",), list[str], False),
        ([1, "a", None], typing.List, True),  # noqa: UP006
        ({}, dict[str, int], True),
        ({"a": 1}, dict[str, int], True),
        ({"a": "b"}, dict[str, int], False),
        ({1: 1}, dict[str, int], False),
        ({"a": None}, typing.Dict, True),  # noqa: UP006
        ([("a", 1)], dict[str, int], False),
        ("present", Literal["present", "absent"], True),
        ("gone", Literal["present", "absent"], False),
        (1, Literal[1, 2], True),
        (True, Literal[1, 2], False),
        (1, Literal[True], False),
        ("a", str | None, True),
        (None, str | None, True),
        (1, str | None, False),
        (1, Optional[int], True),  # noqa: UP045
        (Thing(), Thing, True),
        ("x", Thing, False),
        ("x", "Later", False),
    ],
)
def test_conforms(v: Any, t: Any, ok: bool) -> None:
    assert conforms(v, t) is ok


@pytest.mark.parametrize(
    ("v", "problem"),
    [
        ("644", None),
        ("0644", None),
        ("0777", None),
        ("7000", None),
        ("64", "'64' is not an octal file mode like \"0644\""),
        ("06440", "'06440' is not an octal file mode like \"0644\""),
        ("0648", "'0648' is not an octal file mode like \"0644\""),
        ("u+x", "'u+x' is not an octal file mode like \"0644\""),
        ("7XX", "'7XX' is not an octal file mode like \"0644\""),
        (644, '644 is not an octal file mode like "0644"'),
    ],
)
def test_check_octal_mode(v: Any, problem: str | None) -> None:
    assert check_octal_mode(v) == problem


def test_the_mode_hint() -> None:
    assert MODE_HINT == (
        'quote file modes, "0644" rather than 0644 or 644: an unquoted number loses its octal '
        "meaning"
    )


# -- validate_args --------------------------------------------------------------------------

OP = Span("s.toml", 1, 1, 1, 2)
DEFAULTS: dict[str, Any] = {
    "mode": None,
    "count": 1,
    "names": [],
    "state": "present",
    "source": None,
    "password": None,
    "env": {},
    "token": "",
}
QUOTE = "quote it: unquoted, 1.10 reads as the number 1.1 and yes/true as a boolean"


def key(name: str) -> Span:
    return Span("s.toml", 10, len(name), 10, 20)


def value(name: str) -> Span:
    return Span("s.toml", 20, len(name), 20, 30)


def check(
    raw: dict[str, Any], **kw: Any
) -> tuple[dict[str, Any] | None, list[tuple[str, str, Span | None, str | None]]]:
    args, ds = validate_args(TOY, raw, key, value, OP, **kw)
    return args, [(d.code, d.message, d.span, d.hint) for d in ds]


def test_valid_args_come_back_whole_in_field_order() -> None:
    args, problems = check({"count": 3, "path": "/x", "mode": "0755", "names": ["a"]})
    assert problems == []
    assert args == {**DEFAULTS, "path": "/x", "mode": "0755", "count": 3, "names": ["a"]}
    assert args is not None and list(args) == FIELDS.split(", ")


def test_each_default_factory_makes_a_new_value() -> None:
    a, _ = check({"path": "/x"})
    b, _ = check({"path": "/x"})
    assert a is not None and b is not None
    assert a["names"] == [] and a["names"] is not b["names"]


def test_unknown_arguments_are_each_reported_at_their_key() -> None:
    args, problems = check({"path": "/x", "pth": 1, "zzzz": 2, "cuont": 3})
    assert args is None
    assert problems == [
        ("unknown-argument", 'toy.thing has no argument "pth"', key("pth"),
         'did you mean "path"?'),
        ("unknown-argument", 'toy.thing has no argument "zzzz"', key("zzzz"),
         f"toy.thing takes: {FIELDS}"),
        ("unknown-argument", 'toy.thing has no argument "cuont"', key("cuont"),
         'did you mean "count"?'),
    ]  # fmt: skip


def test_missing_arguments_are_reported_at_the_op() -> None:
    @dataclass(frozen=True)
    class Two:
        a: str = arg()
        b: str = arg()
        c: list[str] = arg(default_factory=list)

    args, ds = validate_args(OpType("two.x", Two), {}, key, value, OP)
    assert args is None
    assert [(d.code, d.message, d.span, d.hint) for d in ds] == [
        ("missing-argument", 'two.x needs argument "a"', OP, None),
        ("missing-argument", 'two.x needs argument "b"', OP, None),
    ]


def test_wrong_types_are_each_reported_at_their_value() -> None:
    args, problems = check(
        {"path": 1.10, "mode": 644, "count": "3", "names": "a", "state": "gone", "token": True}
    )
    assert args is None
    assert problems == [
        ("wrong-type", '"path" of toy.thing must be a string, not a number (1.1)', value("path"),
         QUOTE),
        ("wrong-type", '"mode" of toy.thing must be a string, not an integer (644)',
         value("mode"), MODE_HINT),
        ("wrong-type", '"count" of toy.thing must be an integer, not a string', value("count"),
         None),
        ("wrong-type", '"names" of toy.thing must be a list of strings, not a string',
         value("names"), None),
        ("wrong-type",
         "\"state\" of toy.thing must be one of 'present', 'absent', not a string",
         value("state"), None),
        ("wrong-type", '"token" of toy.thing must be a string, not a boolean', value("token"),
         QUOTE),
    ]  # fmt: skip


def test_the_quote_hint_is_only_for_numbers_and_booleans_where_text_goes() -> None:
    @dataclass(frozen=True)
    class Letters:
        letter: Literal["x", "y"] = arg()  # text, one of two letters
        sizes: list[int] = arg(default_factory=list)

    op = OpType("l.x", Letters)
    _, ds = validate_args(op, {"letter": 1, "sizes": 5}, key, value, OP)
    assert [(d.message, d.hint) for d in ds] == [
        ("\"letter\" of l.x must be one of 'x', 'y', not an integer (1)", QUOTE),
        ('"sizes" of l.x must be a list of integers, not an integer (5)', None),
    ]


def test_a_secret_value_of_the_wrong_type_does_not_show_it() -> None:
    _, problems = check({"path": 8, "mode": 644}, secret=["path"])
    assert [p[1] for p in problems] == [
        '"path" of toy.thing must be a string, not an integer',
        '"mode" of toy.thing must be a string, not an integer (644)',
    ]


def test_custom_checks_report_at_the_value() -> None:
    args, problems = check({"path": "/x", "mode": "999", "source": "a!b"})
    assert args is None
    assert problems == [
        ("bad-value", '"mode": \'999\' is not an octal file mode like "0644"', value("mode"), None),
        ("bad-value", "\"source\": 'a!b' has a bang", value("source"), None),
    ]


def test_a_null_value_is_not_checked() -> None:
    args, problems = check({"path": "/x", "mode": None})
    assert problems == [] and args is not None and args["mode"] is None


def test_a_secret_value_never_shows_in_a_check_problem() -> None:
    _, problems = check({"path": "/x", "password": "s3!cret"}, secret=["password"])
    assert problems == [
        ("bad-value", '"password": (sensitive) has a bang', value("password"), None)
    ]
    # repr and plain text alike
    _, problems = check({"path": "/x", "source": "a!b"}, secret=["source"])
    assert [p[1] for p in problems] == ['"source": (sensitive) has a bang']


def test_a_value_not_secret_shows_in_a_check_problem() -> None:
    _, problems = check({"path": "/x", "password": "s3!cret"}, secret=["source"])
    assert [p[1] for p in problems] == ["\"password\": 's3!cret' has a bang"]


def test_a_secret_is_hidden_however_the_check_quotes_it() -> None:
    @dataclass(frozen=True)
    class Pw:
        pw: str = arg(check=lambda v: f"{v} is too short" if len(v) < 8 else None)

    _, ds = validate_args(OpType("p.w", Pw), {"pw": "abc"}, key, value, OP, secret=["pw"])
    assert [d.message for d in ds] == ['"pw": (sensitive) is too short']
    _, ds = validate_args(OpType("p.w", Pw), {"pw": "abc"}, key, value, OP)
    assert [d.message for d in ds] == ['"pw": abc is too short']


def test_a_secret_that_passes_its_check_is_kept() -> None:
    args, problems = check({"path": "/x", "password": "fine"}, secret=["password"])
    assert problems == [] and args is not None and args["password"] == "fine"


def test_local_paths_are_taken_relative_to_the_spec() -> None:
    args, _ = check({"path": "x/y", "source": "files/app"}, base_dir="/specs/site")
    assert args is not None
    assert (args["path"], args["source"]) == ("x/y", "/specs/site/files/app")
    args, _ = check({"path": "/x", "source": "../up/./app"}, base_dir="/specs/site")
    assert args is not None and args["source"] == "/specs/up/app"
    args, _ = check({"path": "/x", "source": "/abs/app"}, base_dir="/specs")
    assert args is not None and args["source"] == "/abs/app"
    args, _ = check({"path": "/x", "source": ""}, base_dir="/specs")
    assert args is not None and args["source"] == ""
    args, _ = check({"path": "/x", "source": "files/app"})
    assert args is not None and args["source"] == "files/app"


def test_failed_arguments_are_neither_checked_nor_missing() -> None:
    args, problems = check({"count": "x", "mode": 644}, failed={"path", "count"})
    assert args is None
    assert [p[1] for p in problems] == [
        '"mode" of toy.thing must be a string, not an integer (644)'
    ]
    args, problems = check({}, failed={"path"})
    assert (args, problems) == (None, [])


def test_diagnostic_spans_may_be_unknown() -> None:
    args, ds = validate_args(TOY, {"pth": 1}, lambda n: None, lambda n: None, None)
    assert args is None
    assert ds == [
        Diagnostic("unknown-argument", 'toy.thing has no argument "pth"', None,
                   'did you mean "path"?'),
        Diagnostic("missing-argument", 'toy.thing needs argument "path"', None),
    ]  # fmt: skip
