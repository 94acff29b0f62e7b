"""The optimizer's frame (compiler/optimize.py), its shared types (optimize_types.py) and what
an op manages (optimize_things.py), on plain nodes and the toy catalog; expected values by hand."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from specops.compiler.catalog import Declares, OpType
from specops.compiler.diagnostics import SpecError
from specops.compiler.ir import LOCAL, Connection, HostProgram, OpNode, Program
from specops.compiler.optimize import PASSES, Log, Step, explain, optimize
from specops.compiler.optimize_things import _text, is_secret, label, things
from specops.compiler.optimize_types import Edge, HostPass, rename_refs, union
from specops.compiler.source import Span
from tests.optimize_toys import DirArgs, catalog, node

CAT = catalog()


def at(line: int) -> Span:
    return Span("s.toml", line, 1, line, 2)


# -- optimize -------------------------------------------------------------------------


def test_the_passes_run_in_the_documented_order() -> None:
    assert [name for name, _ in PASSES] == ["dedupe", "conflicts", "order", "merge"]


def test_every_host_keeps_its_name_and_connection() -> None:
    ssh = Connection("ssh", user="root", address="10.0.0.1", port=2222)
    program = Program(
        (
            HostProgram("web", ssh, (node("a", "t.dir", 1, path="/a"),)),
            HostProgram("db", LOCAL, (node("b", "t.dir", 2, path="/b"),)),
        )
    )
    assert optimize(program, CAT) == program


def test_the_log_names_the_host_each_step_is_on() -> None:
    program = Program(
        (
            HostProgram("web", LOCAL, (node("a", "t.dir", 1, path="/a"),)),
            HostProgram("db", LOCAL, ()),
        )
    )
    log: Log = []
    optimize(program, CAT, log)
    assert [(s.host, s.pass_name) for s in log] == [
        ("web", "dedupe"),
        ("web", "conflicts"),
        ("web", "order"),
        ("web", "merge"),
        ("db", "dedupe"),
        ("db", "conflicts"),
        ("db", "order"),
        ("db", "merge"),
    ]


def test_conflicts_of_every_host_are_reported_together_and_stop_that_host() -> None:
    def host(name: str, line: int) -> HostProgram:
        return HostProgram(
            name,
            LOCAL,
            (
                node("d", "t.dir", line, path="/x", requires=("f",)),
                node("f", "t.file", line + 1, path="/x", requires=("d",)),  # and a cycle
            ),
        )

    with pytest.raises(SpecError) as e:
        optimize(Program((host("web", 1), host("db", 5))), CAT)
    assert [(d.code, d.span) for d in e.value.diagnostics] == [
        ("conflict", at(2)),
        ("conflict", at(6)),
    ]


# -- explain --------------------------------------------------------------------------


def test_an_empty_log_says_there_was_nothing_to_do() -> None:
    assert explain([]) == "optimizer: nothing to do\n"


def test_the_log_is_grouped_under_a_line_per_host_run() -> None:
    log = [
        Step("web", "dedupe", "2 ops, none identical"),
        Step("web", "order", "1 edges; source order kept"),
        Step("db", "merge", "nothing to merge"),
        Step("web", "merge", "late"),
    ]
    assert explain(log) == (
        "web:\n"
        "  dedupe: 2 ops, none identical\n"
        "  order: 1 edges; source order kept\n"
        "db:\n"
        "  merge: nothing to merge\n"
        "web:\n"
        "  merge: late\n"
    )


def test_an_unnamed_host_gets_its_header_too() -> None:
    assert explain([Step("", "order", "x")]) == ":\n  order: x\n"


# -- shared types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "hard"),
    [
        ("requires", True),
        ("handler", True),
        ("inside", True),
        ("refers", True),
        ("same", False),
        ("guard", False),
    ],
)
def test_only_source_order_edges_are_soft(kind: str, hard: bool) -> None:
    assert Edge("a", "b", "why", kind).hard is hard


def test_an_edge_is_declared_unless_told() -> None:
    assert Edge("a", "b", "why").kind == "requires"


def test_a_host_pass_without_a_catalog_knows_no_kind_and_logs_nowhere() -> None:
    ctx = HostPass("h", None)
    assert ctx.optype("t.dir") is None
    assert ctx.things(node("a", "t.dir", path="/a")) == []
    ctx.note("order", "text")  # no log: nothing to keep it in
    assert ctx.log is None


def test_a_host_pass_logs_its_host_and_knows_the_catalogs_kinds() -> None:
    log: Log = []
    ctx = HostPass("web", CAT, log)
    ctx.note("order", "text")
    assert log == [Step("web", "order", "text")]
    assert ctx.optype("t.dir") is CAT.get("t.dir")
    assert ctx.optype("nope") is None
    assert ctx.things(node("a", "t.dir", path="/a")) == [("path", ("/a",))]


def test_references_to_a_removed_op_point_at_the_one_that_absorbed_it() -> None:
    ops = (
        OpNode("k", "t.dir", {}, requires=("x", "a")),
        OpNode("c", "t.dir", {}, requires=("a", "keep", "b"), notify=("h2", "h1", "h3")),
        OpNode("d", "t.dir", {}, requires=("keep",), notify=("h1",)),
    )
    out = rename_refs(ops, {"a": "k", "b": "k", "h2": "h1"})
    assert [(o.id, o.requires, o.notify) for o in out] == [
        ("k", ("x",), ()),  # its own id is dropped, not required of itself
        ("c", ("k", "keep"), ("h1", "h3")),
        ("d", ("keep",), ("h1",)),
    ]
    assert out[2] is ops[2]


def test_an_op_requiring_itself_loses_that_requirement_once_anything_is_renamed() -> None:
    ops = (OpNode("x", "t.dir", {}, requires=("x", "y", "y")),)
    assert rename_refs(ops, {"q": "r"})[0].requires == ("y",)
    assert rename_refs(ops, {}) is ops  # nothing renamed: nothing rewritten


def test_union_keeps_each_item_once_in_first_seen_order() -> None:
    assert union(("b", "a"), (), ("a", "c", "b"), ("d",)) == ("b", "a", "c", "d")
    assert union() == ()


# -- what an op manages ---------------------------------------------------------------


def test_identity_values_as_text() -> None:
    assert _text("x y") == "x y"
    assert _text({"b": 1, "a": [2, None]}) == '{"a": [2, null], "b": 1}'
    assert _text(PurePosixPath("/p")) == '"/p"'
    assert _text(3) == "3"


def test_an_argument_is_secret_when_it_or_a_part_of_it_is_sensitive() -> None:
    op = OpNode("a", "t.file", {}, sensitive=("env.TOKEN", "key"))
    assert is_secret(op, "env") is True
    assert is_secret(op, "key") is True
    assert is_secret(op, "ke") is False
    assert is_secret(op, "keys") is False
    assert is_secret(op, "env.TOKEN") is True
    assert is_secret(op, "en") is False
    assert is_secret(OpNode("a", "t.file", {}), "env") is False


def test_things_of_a_plain_and_of_a_list_identity() -> None:
    assert things(node("a", "t.dir", path="/srv"), optype("t.dir")) == [("path", ("/srv",))]
    pkgs = node("p", "t.pkgs", packages=["curl", "git"])
    assert things(pkgs, CAT.get("t.pkgs")) == [("t.pkgs", ("curl",)), ("t.pkgs", ("git",))]
    assert things(node("p", "t.pkgs", packages=[1, {"b": 2, "a": 1}]), CAT.get("t.pkgs")) == [
        ("t.pkgs", ("1",)),
        ("t.pkgs", ('{"a": 1, "b": 2}',)),
    ]
    assert things(node("a", "t.dir", path=7), CAT.get("t.dir")) == [("path", ("7",))]
    assert things(node("a", "t.dir", path=None), CAT.get("t.dir")) == [("path", ("null",))]


def test_no_things_without_a_type_an_identity_a_value_or_for_a_handler() -> None:
    assert things(node("a", "t.dir", path="/a"), None) == []
    assert things(node("a", "t.shell", path="/a"), CAT.get("t.shell")) == []
    assert things(node("a", "t.dir", mode="0755"), CAT.get("t.dir")) == []
    assert things(node("a", "t.dir", handler=True, path="/a"), CAT.get("t.dir")) == []


def test_a_part_is_of_the_thing_its_first_identity_names() -> None:
    line = node("l", "t.line", path="/f", line="a=1")
    assert things(line, CAT.get("t.line")) == [("path", ("/f",))]


PAIR = OpType("t.pair", DirArgs, declares=Declares(identity=("host", "port")))
RES_PAIR = OpType(
    "t.rpair", DirArgs, declares=Declares(identity=("host", "port"), resource="socket")
)


def test_an_identity_of_several_arguments_names_every_combination() -> None:
    op = node("a", "t.pair", host=["a", "b"], port=[80, "443"])
    assert things(op, PAIR) == [
        ("t.pair", ("a", "80")),
        ("t.pair", ("a", "443")),
        ("t.pair", ("b", "80")),
        ("t.pair", ("b", "443")),
    ]
    assert things(node("a", "t.rpair", host="h", port=22), RES_PAIR) == [("socket", ("h", "22"))]
    assert things(node("a", "t.pair", host={"x": [1]}, port=None), PAIR) == [
        ("t.pair", ('{"x": [1]}', "null"))
    ]


def test_an_identity_of_several_arguments_needs_them_all() -> None:
    assert things(node("a", "t.pair", host="h"), PAIR) == []
    assert things(node("a", "t.pair", port=1), PAIR) == []
    assert things(node("a", "t.pair", host=[], port=1), PAIR) == []


def optype(kind: str) -> OpType:
    t = CAT.get(kind) or {"t.pair": PAIR, "t.rpair": RES_PAIR}[kind]
    return t


def test_a_thing_in_words() -> None:
    assert label(node("a", "t.dir", path="/srv"), optype("t.dir"), ("path", ("/srv",))) == (
        'path "/srv"'
    )
    pkgs = node("p", "t.pkgs", packages=["git", "curl"])
    assert label(pkgs, optype("t.pkgs"), ("t.pkgs", ("curl",))) == '"curl" (in packages)'
    line = node("l", "t.line", path="/f", line="a=1")
    assert label(line, optype("t.line"), ("path", ("/f",))) == 'path "/f"'
    pair = node("a", "t.pair", host=["a", "b"], port=80)
    assert label(pair, PAIR, ("t.pair", ("b", "80"))) == '"b" (in host), port "80"'


def test_a_sensitive_thing_is_not_said() -> None:
    secret_path = OpNode("a", "t.dir", {"path": "/k"}, sensitive=("path",))
    assert label(secret_path, optype("t.dir"), ("path", ("/k",))) == 'path "(sensitive)"'
    pkgs = OpNode("p", "t.pkgs", {"packages": ["x"]}, sensitive=("packages.0",))
    assert label(pkgs, optype("t.pkgs"), ("t.pkgs", ("x",))) == "(sensitive)"
    pair = OpNode("a", "t.pair", {"host": "h", "port": 1}, sensitive=("port",))
    assert label(pair, PAIR, ("t.pair", ("h", "1"))) == 'host "h", port "(sensitive)"'


def test_a_thing_of_another_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        label(node("a", "t.dir", path="/a"), optype("t.dir"), ("path", ("/a", "/b")))
