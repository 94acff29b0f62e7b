"""One op from the command line: each NAME=VALUE read by its declared type, mistakes
located in the command line, and the op placed on every target."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Literal, Optional

import pytest

from specops.compiler.adhoc import build_program, parse_value, read_args
from specops.compiler.catalog import Catalog, OpType, arg
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, Diagnostic
from specops.compiler.inventory import Host, Inventory
from specops.compiler.ir import LOCAL, Connection, HostProgram, OpNode, Program
from specops.compiler.source import Span

# -- reading one value ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "t", "value"),
    [
        ("0755", str, "0755"),
        ("", str, ""),
        (" a b ", str, " a b "),
        ("true", bool, True),
        ("Yes", bool, True),
        (" ON ", bool, True),
        ("1", bool, True),
        ("false", bool, False),
        ("NO", bool, False),
        ("off", bool, False),
        ("0", bool, False),
        ("42", int, 42),
        (" -7 ", int, -7),
        ("1.5", float, 1.5),
        ("2", float, 2.0),
        ("absent", Literal["present", "absent"], "absent"),
        ("gone", Literal["present", "absent"], "gone"),
        ("2", Literal[1, 2], 2),
        ("3", Literal[1, 2], "3"),
        ("a,b", list[str], ["a", "b"]),
        (" a , b ,", list[str], ["a", "b", ""]),
        ("", list[str], []),
        ("x", list[str], ["x"]),
        ('["a", 1]', list[str], ["a", 1]),
        ('  ["a,b"]', list[str], ["a,b"]),
        ("1, 2", list[int], [1, 2]),
        ("yes,off", list[bool], [True, False]),
        ("1,a", list[Any], [1, "a"]),
        ("a,b", typing.List, ["a", "b"]),  # noqa: UP006  (a bare List: items are strings)
        ('{"a": 1}', dict[str, int], {"a": 1}),
        ("word", dict[str, int], "word"),
        ("12", Any, 12),
        ("null", Any, None),
        ("5", int | None, 5),
        ("5", Optional[int], 5),  # noqa: UP045  (typing.Union is read like a | b)
        ("x", str | None, "x"),
        ("1", int | bool, 1),
        ("true", int | bool, True),
        ("1", bool | int, True),
        ("7", bool | int, 7),
        ("1.5", int | float, 1.5),
        ("a,b", list[str] | None, ["a", "b"]),
    ],
)
def test_parse_value(text: str, t: Any, value: Any) -> None:
    got = parse_value(text, t)
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "t"),
    [
        ("maybe", bool),
        ("", bool),
        ("4.2", int),
        ("x", int),
        ("x", float),
        ("[bad", list[str]),
        (" [1", list[int]),
        ("1,x", list[int]),
        ("x", int | None),
        ("x", int | bool),
    ],
)
def test_parse_value_refuses(text: str, t: Any) -> None:
    with pytest.raises(ValueError):
        parse_value(text, t)


def test_parse_value_says_which_text_it_refused() -> None:
    with pytest.raises(ValueError) as e:
        parse_value("maybe", bool)
    assert e.value.args == ("maybe",)
    with pytest.raises(ValueError) as e:
        parse_value("x", int | bool)
    assert e.value.args == ("x",)


# -- a toy op -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToyArgs:
    path: str = arg(doc="a path")
    count: int = arg(1)
    force: bool = arg(False)
    names: list[str] = arg(default_factory=list)
    state: Literal["present", "absent"] = arg("present")
    ratio: float | None = arg(None)
    extra: dict[str, str] = arg(default_factory=dict)


TOY = OpType("toy.thing", ToyArgs)
CATALOG = Catalog()
CATALOG.register(TOY)
CATALOG.register(OpType("toy.other", ToyArgs))


@dataclass(frozen=True)
class SizedArgs:
    size: int = arg()


CATALOG.register(OpType("toy.sized", SizedArgs))
TAKES = "toy.thing takes: path, count, force, names, state, ratio, extra"


def at(col: int, end: int) -> Span:
    return Span("<command line>", 1, col, 1, end)


def seen(ds: list[Diagnostic]) -> list[tuple[str, str, Span | None, str | None]]:
    return [(d.code, d.message, d.span, d.hint) for d in ds]


def test_read_args_reads_each_by_its_type_with_key_and_value_spans() -> None:
    # specops run @local toy.thing path=/x count=3 'names=a, b' bogus=1
    cl = CommandLine.of(
        ["run", "@local", "toy.thing", "path=/x", "count=3", "names=a, b", "bogus=1"]
    )
    c = Collector()
    raw, keys, values, failed = read_args(cl, [3, 4, 5, 6], TOY, c)
    assert c.diagnostics == []
    assert raw == {"path": "/x", "count": 3, "names": ["a", "b"], "bogus": "1"}
    # "names=a, b" is quoted: its spans start one character in
    assert keys == {
        "path": at(30, 34),
        "count": at(38, 43),
        "names": at(47, 52),
        "bogus": at(59, 64),
    }
    assert values == {
        "path": at(35, 37),
        "count": at(44, 45),
        "names": at(53, 57),
        "bogus": at(65, 66),
    }
    assert failed == set()


def test_read_args_splits_at_the_first_equals_sign() -> None:
    cl = CommandLine.of(["toy.thing", "path=/a=b", 'extra={"k": "v=w"}'])
    c = Collector()
    raw, keys, values, _ = read_args(cl, [1, 2], TOY, c)
    assert c.diagnostics == []
    assert raw == {"path": "/a=b", "extra": {"k": "v=w"}}
    assert (keys["path"], values["path"]) == (at(19, 23), at(24, 28))


def test_read_args_an_empty_value_is_located_at_the_whole_argument() -> None:
    cl = CommandLine.of(["toy.thing", "path="])
    c = Collector()
    raw, keys, values, _ = read_args(cl, [1], TOY, c)
    assert (raw, keys, values) == ({"path": ""}, {"path": at(19, 23)}, {"path": at(19, 24)})


def test_read_args_mistakes() -> None:
    # specops toy.thing path count=x path=/a =1 path=/b force=maybe 'names=[1' ratio=r
    cl = CommandLine.of(
        ["toy.thing", "path", "count=x", "path=/a", "=1", "path=/b", "force=maybe", "names=[1",
         "ratio=r"]
    )  # fmt: skip
    c = Collector()
    raw, keys, values, failed = read_args(cl, range(1, 9), TOY, c)
    assert seen(c.diagnostics) == [
        ("bad-value", "argument 'path': expected NAME=VALUE", at(19, 23), TAKES),
        ("wrong-type", '"count" of toy.thing must be an integer, not "x"', at(30, 31),
         "write a number"),
        ("bad-value", "argument '=1': expected NAME=VALUE", at(40, 42), TAKES),
        ("bad-value", 'argument "path": is given twice', at(43, 47), "give each argument once"),
        ("wrong-type", '"force" of toy.thing must be a boolean, not "maybe"', at(57, 62),
         "write true or false"),
        ("wrong-type", '"names" of toy.thing must be a list of strings, not "[1"', at(70, 72),
         'separate items with commas (a,b) or write a JSON list (["a","b"])'),
        ("wrong-type", '"ratio" of toy.thing must be a number, not "r"', at(80, 81),
         "write a number"),
    ]  # fmt: skip
    assert raw == {"path": "/a"}
    assert failed == {"count", "force", "names", "ratio"}
    assert set(keys) == set(values) == {"path", "count", "force", "names", "ratio"}
    assert keys["path"] == at(32, 36)  # the first one given


def test_read_args_quotes_the_value_it_could_not_read_as_json() -> None:
    cl = CommandLine.of(["toy.thing", 'count="é"'])
    c = Collector()
    read_args(cl, [1], TOY, c)
    assert [d.message for d in c.diagnostics] == [
        '"count" of toy.thing must be an integer, not "\\"\\u00e9\\""'
    ]


# -- building the program -------------------------------------------------------------------

HOSTS = Inventory((Host("@local", LOCAL), Host("root@h", Connection("ssh", "root", "h", None))))


def build(*args: str, c: Collector | None = None) -> tuple[Program | None, Collector]:
    """``specops run TARGETS ARGS…``: the op is the first of ARGS."""
    cl = CommandLine.of(["run", "TARGETS", *args])
    c = c or Collector()
    return build_program(cl, list(range(2, 2 + len(args))), CATALOG, HOSTS, c), c


def test_the_op_is_placed_on_every_host_with_canonical_args() -> None:
    program, c = build("toy.thing", "path=/srv", "names=a,b", "force=yes")
    assert c.diagnostics == []
    span = at(21, 30)  # the op's kind
    node = OpNode(
        "toy.thing",
        "toy.thing",
        {"path": "/srv", "count": 1, "force": True, "names": ["a", "b"], "state": "present",
         "ratio": None, "extra": {}},
        origin=(span,),
    )  # fmt: skip
    assert program == Program(
        (
            HostProgram("@local", LOCAL, (node,)),
            HostProgram("root@h", Connection("ssh", "root", "h", None), (node,)),
        )
    )
    assert program is not None and program.hosts[0].ops[0].origin == (span,)


def test_an_unknown_op_is_reported_with_a_way_forward() -> None:
    for kind, hint in [
        ("toy.thnig", 'did you mean "toy.thing"?'),
        ("ls", 'to run a shell command, put it after "--": specops run TARGETS -- ls'),
        ("zz.top", "`specops ops`"),
    ]:
        program, c = build(kind, "path=/x")
        assert program is None
        assert seen(c.diagnostics) == [
            ("unknown-op", f'unknown operation "{kind}"', at(21, 21 + len(kind)), hint)
        ]


def test_validation_mistakes_are_located_at_the_argument_or_the_op() -> None:
    program, c = build("toy.thing", "pth=/x", "state=gone")
    assert program is None
    assert seen(c.diagnostics) == [
        ("unknown-argument", 'toy.thing has no argument "pth"', at(31, 34),
         'did you mean "path"?'),
        ("missing-argument", 'toy.thing needs argument "path"', at(21, 30), None),
        ("wrong-type", "\"state\" of toy.thing must be one of 'present', 'absent', not a string",
         at(44, 48), None),
    ]  # fmt: skip


def test_a_required_argument_that_could_not_be_read_is_not_also_missing() -> None:
    program, c = build("toy.sized", "size=big")
    assert program is None
    assert seen(c.diagnostics) == [
        ("wrong-type", '"size" of toy.sized must be an integer, not "big"', at(36, 39),
         "write a number"),
    ]  # fmt: skip


def test_an_argument_that_could_not_be_read_is_not_reported_again() -> None:
    program, c = build("toy.thing", "path=/x", "count=many")
    assert program is None
    assert [d.message for d in c.diagnostics] == [
        '"count" of toy.thing must be an integer, not "many"'
    ]


def test_no_program_when_the_collector_already_holds_a_mistake() -> None:
    c = Collector()
    c.add(Diagnostic("bad-connection", "earlier", None))
    program, _ = build("toy.thing", "path=/x", c=c)
    assert program is None
    assert len(c.diagnostics) == 1
