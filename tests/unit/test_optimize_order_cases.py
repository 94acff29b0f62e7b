"""The order pass (compiler/optimize_order.py) on the toy catalog: every edge it infers, with
its reason, the order that follows, what --explain says, and cycles; expected values by hand."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from specops.compiler.catalog import Declares, OpType
from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.ir import OpNode
from specops.compiler.optimize_order import _touches, declared_edges, order
from specops.compiler.optimize_types import Edge, HostPass, Log, Step
from specops.compiler.source import Span
from tests.optimize_toys import DirArgs, UserArgs, catalog, node


def _reads(a: Mapping[str, Any]) -> list[str]:
    return list(a.get("reads", []))


CAT = catalog()
for _t in (
    # an op whose guard reads paths (server.shell creates=, files.extract)
    OpType(
        "g.guard", DirArgs, reads=_reads, declares=Declares(identity=("path",), resource="path")
    ),
    OpType(
        "r.member",
        UserArgs,
        declares=Declares(identity=("name",), resource="member", refers=(("groups", "group"),)),
    ),
    OpType("r.run", DirArgs, declares=Declares(refers=(("venv", "path"),))),
    OpType("s.sock", DirArgs, declares=Declares(identity=("addr",), resource="socket")),
    OpType("p.noid", DirArgs, declares=Declares(resource="path")),
):
    CAT.register(_t)


def at(line: int) -> Span:
    return Span("s.toml", line, 1, line, 2)


def sort(*ops: OpNode, log: Log | None = None) -> tuple[list[str], list[Edge]]:
    ctx = HostPass("h", CAT, log)
    out = order(ops, ctx)
    assert ctx.diagnostics == []
    return [o.id for o in out], ctx.edges


def inside(before: str, after: str, d: str) -> Edge:
    return Edge(before, after, f"{after} is inside {d}, which {before} creates", "inside")


def covers(op: str, tree: str, d: str) -> Edge:
    return Edge(op, tree, f"{tree} covers all of {d}, {op} included", "inside")


# -- declared edges -------------------------------------------------------------------


def test_requires_and_notify_become_edges_within_the_host() -> None:
    ops = (
        node("a", "t.dir", path="/a", requires=("b", "a", "elsewhere"), notify=("h", "a", "x")),
        node("b", "t.dir", path="/b"),
        node("h", "t.shell", handler=True, path="/h"),
    )
    assert declared_edges(ops, {o.id: i for i, o in enumerate(ops)}) == [
        Edge("b", "a", "a requires b"),
        Edge("a", "h", "h is a handler a notifies", "handler"),
    ]


def test_a_requirement_on_an_op_of_no_host_here_is_ignored() -> None:
    assert sort(
        node("a", "t.dir", path="/a", requires=("gone",)), node("b", "t.dir", path="/b")
    ) == (
        ["a", "b"],
        [],
    )


# -- paths inside directories ---------------------------------------------------------


def test_handlers_and_unknown_kinds_make_no_directories() -> None:
    got = sort(
        node("u", "nope.kind", path="/srv"),
        node("f", "t.file", path="/srv/app/conf"),
        node("h", "t.dir", handler=True, path="/srv/app"),
        node("d", "t.dir", path="/srv"),
    )
    assert got == (["u", "h", "d", "f"], [inside("d", "f", "/srv")])


def test_relative_or_non_text_paths_and_other_resources_are_not_placed() -> None:
    got = sort(
        node("f", "t.file", path="rel/x"),
        node("n", "t.file", path=5),
        node("s", "s.sock", addr="/srv/app/sock"),
        node("p", "p.noid", path="/srv/app/x"),
        node("d", "t.dir", path="rel"),
        node("e", "t.dir", path="/srv/app"),
    )
    assert got == (["f", "n", "s", "p", "d", "e"], [])


def test_paths_are_compared_normalized() -> None:
    got = sort(
        node("a", "t.file", path="/srv//app/a"),
        node("b", "t.file", path="/srv/app/./b"),
        node("c", "t.file", path="//srv/app/c"),
        node("d", "t.dir", path="/srv/app/"),
    )
    assert got == (
        ["d", "a", "b", "c"],
        [inside("d", "a", "/srv/app"), inside("d", "b", "/srv/app"), inside("d", "c", "/srv/app")],
    )


def test_a_path_climbing_out_of_a_directory_is_not_inside_it() -> None:
    assert sort(node("f", "t.file", path="/srv/app/../f"), node("d", "t.dir", path="/srv/app")) == (
        ["f", "d"],
        [],
    )


def test_the_root_directory_holds_every_other_path_but_not_itself() -> None:
    assert sort(node("f", "t.file", path="/a"), node("r", "t.dir", path="/")) == (
        ["r", "f"],
        [inside("r", "f", "/")],
    )
    assert sort(node("f", "t.file", path="/srv/app"), node("r", "t.dir", path="/")) == (
        ["r", "f"],
        [inside("r", "f", "/")],
    )
    same = Edge("x", "r", 'both declare path "/": source order', "same")
    assert sort(node("x", "t.file", path="/"), node("r", "t.dir", path="/")) == (["x", "r"], [same])


def test_the_nearest_made_directory_is_found_however_deep() -> None:
    assert sort(node("f", "t.file", path="/srv/app/etc/conf"), node("g", "t.dir", path="/srv")) == (
        ["g", "f"],
        [inside("g", "f", "/srv")],
    )


def test_only_the_nearest_made_directory_gives_an_edge() -> None:
    ops = (
        node("g", "t.dir", path="/srv"),
        node("d", "t.dir", path="/srv/app"),
        node("f", "t.file", path="/srv/app/conf"),
    )
    assert sort(*ops) == (["g", "d", "f"], [inside("g", "d", "/srv"), inside("d", "f", "/srv/app")])
    # a tree op elsewhere makes the walk go on to the root: still the nearest only
    other = node("t", "t.attrs", path="/other")
    assert sort(*ops, other) == (
        ["g", "d", "f", "t"],
        [inside("g", "d", "/srv"), inside("d", "f", "/srv/app")],
    )


def test_a_tree_op_above_the_nearest_made_directory_still_runs_last() -> None:
    got = sort(
        node("t", "t.attrs", path="/srv"),
        node("d", "t.dir", path="/srv/app"),
        node("f", "t.file", path="/srv/app/conf"),
    )
    assert got == (
        ["d", "f", "t"],
        [covers("d", "t", "/srv"), inside("d", "f", "/srv/app"), covers("f", "t", "/srv")],
    )


def test_a_tree_op_below_the_made_directory_keeps_both_edges() -> None:
    got = sort(
        node("t", "t.attrs", path="/srv/app"),
        node("d", "t.dir", path="/srv"),
        node("f", "t.file", path="/srv/app/conf"),
    )
    assert got == (
        ["d", "f", "t"],
        [inside("d", "t", "/srv"), covers("f", "t", "/srv/app"), inside("d", "f", "/srv")],
    )


# -- homes ----------------------------------------------------------------------------


def test_a_user_whose_home_is_the_root_comes_before_every_path() -> None:
    got = sort(node("f", "t.file", path="/etc/x"), node("u", "t.user", name="daemon", home="/"))
    assert got == (["u", "f"], [Edge("u", "f", "f is in /, which u creates", "inside")])


def test_a_home_that_is_not_an_absolute_path_or_cannot_be_made_orders_nothing() -> None:
    got = sort(
        node("f", "t.file", path="/home/5/x"),
        node("g", "t.file", path="/home/n/x"),
        node("u", "t.user", name="n", home=5),
        node("v", "t.user", home=None),  # no name to make /home/{name} from
        node("w", "t.user", name="w", home="rel/w"),
    )
    assert got == (["f", "g", "u", "v", "w"], [])


def test_a_path_beside_a_home_is_not_in_it() -> None:
    got = sort(node("f", "t.file", path="/srv/f"), node("u", "t.user", name="x", home="/srv/X"))
    assert got == (["f", "u"], [])


def test_a_home_is_normalized() -> None:
    got = sort(
        node("f", "t.file", path="/srv/bob/key"),
        node("u", "t.user", name="bob", home="//srv//bob/"),
    )
    assert got == (["u", "f"], [Edge("u", "f", "f is in /srv/bob, which u creates", "inside")])


# -- references -----------------------------------------------------------------------


def test_each_text_item_of_a_referring_list_is_looked_up() -> None:
    got = sort(
        node("m", "r.member", name="alice", groups=[1, "staff", "wheel"]),
        node("s", "t.group", name="staff"),
        node("w", "t.group", name="wheel"),
    )
    assert got == (
        ["s", "w", "m"],
        [
            Edge("s", "m", "m's groups is group staff, which s creates", "refers"),
            Edge("w", "m", "m's groups is group wheel, which w creates", "refers"),
        ],
    )


def test_a_referred_path_is_normalized_and_must_be_made_by_a_directory() -> None:
    edge = Edge("d", "r", "r's venv is path /opt/venv, which d creates", "refers")
    assert sort(node("r", "r.run", venv="/opt//venv/"), node("d", "t.dir", path="/opt/venv")) == (
        ["d", "r"],
        [edge],
    )
    # a plain file at that path is not what the reference needs made
    assert sort(node("r", "r.run", venv="/opt/venv"), node("f", "t.file", path="/opt/venv")) == (
        ["r", "f"],
        [],
    )


def test_one_op_listing_an_item_twice_does_not_wait_on_itself() -> None:
    log: Log = []
    assert sort(node("a", "t.pkgs", packages=["curl", "curl"]), log=log) == (["a"], [])
    assert log == [Step("h", "order", "0 edges; source order kept")]


# -- guards ---------------------------------------------------------------------------


def guard(*reads: str, **kw: Any) -> OpNode:
    return node("g", "g.guard", path="/srv/job", reads=list(reads), **kw)


def test_an_op_changing_what_a_guard_reads_keeps_its_place_after_the_guard() -> None:
    got = sort(
        guard("/srv//flag", "rel/flag", requires=("x",)),
        node("f", "t.file", path="/srv/flag"),
        node("x", "t.dir", path="/other"),
    )
    assert got == (
        ["x", "g", "f"],
        [
            Edge("x", "g", "g requires x"),
            Edge("g", "f", "g's guard reads /srv/flag: written order", "guard"),
        ],
    )


def test_an_op_changing_what_a_guard_reads_keeps_its_place_before_the_guard() -> None:
    got = sort(
        node("f", "t.file", path="/srv/flag", requires=("x",)),
        guard("/srv/flag"),
        node("x", "t.dir", path="/other"),
    )
    assert got == (
        ["x", "f", "g"],
        [
            Edge("x", "f", "f requires x"),
            Edge("f", "g", "g's guard reads /srv/flag: written order", "guard"),
        ],
    )


def test_a_tree_op_or_a_removal_above_what_a_guard_reads_changes_it() -> None:
    reason = "g's guard reads /srv/app: written order"
    for other in (
        node("t", "t.attrs", path="/srv/app"),
        node("t", "t.dir", path="/srv/app", present=False),
    ):
        got = sort(guard("/srv/app/flag", requires=("x",)), other, node("x", "t.dir", path="/x"))
        assert got == (
            ["x", "g", "t"],
            [Edge("x", "g", "g requires x"), Edge("g", "t", reason, "guard")],
        )
    # making the directory does not change whether the file in it is there
    got = sort(
        guard("/srv/app/flag", requires=("x",)),
        node("t", "t.dir", path="/srv/app", present=True),
        node("x", "t.dir", path="/x"),
    )
    assert got == (["t", "x", "g"], [Edge("x", "g", "g requires x")])


def test_a_guard_gives_way_to_a_requirement() -> None:
    log: Log = []
    got = sort(guard("/srv/flag", requires=("f",)), node("f", "t.file", path="/srv/flag"), log=log)
    assert got == (["f", "g"], [Edge("f", "g", "g requires f")])
    assert log == [
        Step(
            "h",
            "order",
            "kept f before g (other edges say so): g's guard reads /srv/flag: written order",
        ),
        Step("h", "order", "1 edges (1 requires); 1 moved"),
        Step("h", "order", "moved g after f: g requires f"),
    ]


@pytest.mark.parametrize(
    ("path", "read", "broad", "touches"),
    [
        ("/srv/flag", "/srv/flag", False, True),
        ("/anything", "/", False, True),
        ("/srv/flag/x", "/srv/flag", False, True),
        ("/srv/flagx", "/srv/flag", False, False),
        ("/srv", "/srv/flag", False, False),
        ("/srv", "/srv/flag", True, True),
        ("/srv/", "/srv/flag", True, True),
        ("/", "/srv/flag", True, True),
        ("/sr", "/srv/flag", True, False),
        ("/other", "/srv/flag", True, False),
        ("/srv/a", "/srv/X", False, False),
        ("/srv/X", "/srv/flag", True, False),
    ],
)
def test_what_changes_a_read_path(path: str, read: str, broad: bool, touches: bool) -> None:
    assert _touches(path, read, broad) is touches


# -- what --explain says --------------------------------------------------------------


def test_the_log_counts_edges_by_kind_and_names_each_move() -> None:
    log: Log = []
    got = sort(
        node("f", "t.file", path="/srv/app/conf", requires=("x",)),
        guard("/srv/app/conf"),
        node("d", "t.dir", path="/srv/app"),
        node("x", "t.dir", path="/x"),
        log=log,
    )
    assert got[0] == ["d", "x", "f", "g"]
    assert log == [
        Step("h", "order", "3 edges (1 guard, 1 inside, 1 requires); 2 moved"),
        Step("h", "order", "moved f after x: f requires x"),
        Step("h", "order", "moved f after d: f is inside /srv/app, which d creates"),
    ]


def test_the_log_of_a_source_order_kept() -> None:
    log: Log = []
    sort(node("a", "t.dir", path="/a"), node("b", "t.file", path="/a/b"), log=log)
    assert log == [Step("h", "order", "1 edges (1 inside); source order kept")]
    log.clear()
    sort(node("a", "t.dir", path="/a"), log=log)
    assert log == [Step("h", "order", "0 edges; source order kept")]


# -- cycles ---------------------------------------------------------------------------


def cycle_of(*ops: OpNode) -> Diagnostic:
    with pytest.raises(SpecError) as e:
        order(ops)
    (d,) = e.value.diagnostics
    return d


HINT = "remove one of these requires (or before) entries"


def test_a_cycle_names_its_ops_from_the_earliest_declared_with_each_edge() -> None:
    d = cycle_of(
        node("x", "t.dir", 1, path="/x"),
        node("zeta", "t.dir", 2, path="/z", requires=("x", "alpha")),
        node("alpha", "t.dir", 3, path="/a", requires=("zeta",)),
    )
    assert d == Diagnostic(
        "cycle",
        "ops depend on each other in a cycle: zeta -> alpha -> zeta",
        at(2),
        HINT,
        (("zeta requires alpha", at(2)), ("alpha requires zeta", at(3))),
    )


def test_an_op_waiting_on_a_cycle_is_not_part_of_it() -> None:
    d = cycle_of(
        node("a", "t.dir", 1, path="/a", requires=("b",)),
        node("b", "t.dir", 2, path="/b", requires=("c",)),
        node("c", "t.dir", 3, path="/c", requires=("b",)),
    )
    assert d == Diagnostic(
        "cycle",
        "ops depend on each other in a cycle: b -> c -> b",
        at(2),
        HINT,
        (("b requires c", at(2)), ("c requires b", at(3))),
    )


def test_a_cycle_points_at_the_requires_entries_that_make_it() -> None:
    a = OpNode(
        "a", "t.dir", {"path": "/a"}, requires=("b",), origin=(at(1),), edge_spans={"b": at(4)}
    )
    b = OpNode("b", "t.dir", {"path": "/b"}, requires=("a",), edge_spans={"a": at(9)})
    c = OpNode("c", "t.dir", {"path": "/c"}, requires=("a",))
    assert cycle_of(a, b, c) == Diagnostic(
        "cycle",
        "ops depend on each other in a cycle: a -> b -> a",
        at(1),
        HINT,
        (("a requires b", at(4)), ("b requires a", at(9))),
    )


def test_a_cycle_of_ops_without_locations() -> None:
    a = OpNode("a", "t.dir", {"path": "/a"}, requires=("b",))
    b = OpNode("b", "t.dir", {"path": "/b"}, requires=("a",))
    assert cycle_of(a, b) == Diagnostic(
        "cycle", "ops depend on each other in a cycle: a -> b -> a", None, HINT, ()
    )


def test_a_cycle_through_an_inferred_edge_says_where_the_other_edges_come_from() -> None:
    ctx = HostPass("h", CAT)
    ops = (
        node("d", "t.dir", 1, path="/srv", requires=("f",)),
        node("f", "t.file", 2, path="/srv/f"),
    )
    assert order(ops, ctx) == ops
    assert ctx.diagnostics == [
        Diagnostic(
            "cycle",
            "ops depend on each other in a cycle: d -> f -> d",
            at(1),
            HINT + "; the other edges follow from what the ops manage",
            (("d requires f", at(1)), ("f is inside /srv, which d creates", at(2))),
        )
    ]
