"""The merge pass (compiler/optimize_merge.py) on plain nodes: which adjacent ops join, and
everything the joined node carries; expected nodes written out by hand."""

from __future__ import annotations

from pathlib import PurePosixPath

from specops.compiler.catalog import Declares, OpType
from specops.compiler.ir import OpNode
from specops.compiler.optimize import optimize
from specops.compiler.optimize_merge import merge
from specops.compiler.optimize_types import HostPass, Log, Step
from specops.compiler.source import Span
from tests.optimize_toys import PkgArgs, catalog, node, program

CAT = catalog()
# A mergeable kind whose ``after`` names a package another op of it installs.
CAT.register(
    OpType(
        "m.pkgs",
        PkgArgs,
        declares=Declares(identity=("packages",), merge="packages", refers=(("after", "m.pkgs"),)),
    )
)


def at(line: int) -> Span:
    return Span("s.toml", line, 1, line, 2)


def ids(ops: tuple[OpNode, ...]) -> list[str]:
    return [o.id for o in ops]


def run(*ops: OpNode, log: Log | None = None) -> tuple[OpNode, ...]:
    return merge(ops, HostPass("h", CAT, log))


# -- what joins -----------------------------------------------------------------------


def test_runs_of_adjacent_ops_join_and_others_stay() -> None:
    out = run(
        node("a", "t.pkgs", packages=["x"]),
        node("b", "t.pkgs", packages=["y"]),
        node("d", "t.dir", path="/d"),
        node("c", "t.pkgs", packages=["z"]),
        node("e", "t.pkgs", packages=["w"], state="latest"),
        node("f", "t.pkgs", packages=["v"], state="latest"),
    )
    assert ids(out) == ["a+b", "d", "c", "e+f"]


def test_handlers_and_sensitive_ops_run_alone() -> None:
    a = node("a", "t.pkgs", packages=["x"])
    assert ids(run(a, node("h", "t.pkgs", handler=True, packages=["y"]))) == ["a", "h"]
    secret = OpNode("s", "t.pkgs", {"packages": ["y"]}, sensitive=("packages.0",))
    assert ids(run(a, secret)) == ["a", "s"]
    assert ids(run(secret, a)) == ["s", "a"]


def test_a_list_argument_that_is_not_a_list_does_not_join() -> None:
    out = run(node("a", "t.pkgs", packages="x"), node("b", "t.pkgs", packages="y"))
    assert ids(out) == ["a", "b"]


def test_kinds_the_catalog_does_not_know_pass_through() -> None:
    out = run(
        node("u", "nope.kind", packages=["x"]),
        node("a", "t.pkgs", packages=["x"]),
        node("b", "t.pkgs", packages=["y"]),
        node("v", "nope.kind", packages=["y"]),
    )
    assert ids(out) == ["u", "a+b", "v"]


def test_ops_run_as_different_users_stay_apart() -> None:
    a = OpNode("a", "t.pkgs", {"packages": ["x"]}, become=True)
    b = OpNode("b", "t.pkgs", {"packages": ["y"]})
    assert ids(run(a, b)) == ["a", "b"]


def test_an_op_requiring_another_of_the_run_stays_a_transaction_of_its_own() -> None:
    out = run(
        node("a", "t.pkgs", packages=["x"]),
        node("b", "t.pkgs", packages=["y"]),
        node("c", "t.pkgs", packages=["z"], requires=("a",)),
    )
    assert ids(out) == ["a+b", "c"]


def test_an_edge_the_order_pass_inferred_keeps_two_ops_apart() -> None:
    # b's ``after`` names the package a installs: an inferred edge, not a requires
    ops = (
        node("a", "m.pkgs", 1, packages=["curl"], after="curl"),
        node("b", "m.pkgs", 2, packages=["vim"], after="curl"),
    )
    assert [o.id for o in optimize(program(*ops), CAT).hosts[0].ops] == ["a", "b"]
    both = (
        node("a", "m.pkgs", 1, packages=["curl"], after="git"),
        node("b", "m.pkgs", 2, packages=["vim", "curl"], after="git"),  # source order only
    )
    assert [o.id for o in optimize(program(*both), CAT).hosts[0].ops] == ["a+b"]


def test_without_a_catalog_nothing_joins() -> None:
    ops = (node("a", "t.pkgs", packages=["x"]), node("b", "t.pkgs", packages=["y"]))
    assert merge(ops, HostPass("h", None)) == ops


# -- the joined node ------------------------------------------------------------------


def test_the_joined_node_carries_everything_of_its_parts() -> None:
    out = run(
        node("x", "t.dir", path="/x"),
        node("y", "t.dir", path="/y"),
        OpNode(
            "a", "t.pkgs", {"packages": ["curl", "git"], "state": "present"},
            requires=("x",), notify=("h1", "h2"), tags=("t1",), origin=(at(1),), desc="tools",
        ),
        OpNode(
            "b", "t.pkgs", {"state": "present", "packages": ["git", "vim"]},
            requires=("y", "x"), notify=("h2", "h1"), tags=("t2", "t1"), origin=(at(2),),
            desc="tools",
        ),
        node("z", "t.dir", path="/z", requires=("b", "y")),
    )  # fmt: skip
    assert out[2:] == (
        OpNode(
            "a+b", "t.pkgs", {"packages": ["curl", "git", "vim"], "state": "present"},
            requires=("x", "y"), notify=("h1", "h2"), tags=("t1", "t2"),
            origin=(at(1), at(2)), desc="tools", parts=("a", "b"),
        ),
        node("z", "t.dir", path="/z", requires=("a+b", "y")),
    )  # fmt: skip
    assert list(out[2].args) == ["packages", "state"]


def test_different_descriptions_leave_the_joined_node_without_one() -> None:
    a = OpNode("a", "t.pkgs", {"packages": ["x"]}, desc="one")
    b = OpNode("b", "t.pkgs", {"packages": ["y"]}, desc="two")
    c = OpNode("c", "t.pkgs", {"packages": ["z"]})
    assert [o.desc for o in run(a, b)] == [None]
    assert [o.desc for o in run(a, c)] == [None]
    assert [o.desc for o in run(c, OpNode("d", "t.pkgs", {"packages": []}))] == [None]


def test_joining_a_joined_node_keeps_every_original_id() -> None:
    ab = OpNode("a+b", "t.pkgs", {"packages": ["x", "y"]}, parts=("a", "b"))
    (node_,) = run(ab, OpNode("c", "t.pkgs", {"packages": ["z"]}))
    assert (node_.id, node_.parts, node_.args["packages"]) == (
        "a+b+c",
        ("a", "b", "c"),
        ["x", "y", "z"],
    )


def test_items_that_are_not_text_are_joined_once_each() -> None:
    (joined,) = run(
        node("a", "t.pkgs", packages=[{"name": "x", "v": 1}, PurePosixPath("/p")]),
        node("b", "t.pkgs", packages=[{"v": 1, "name": "x"}, PurePosixPath("/p"), 2]),
    )
    assert joined.args["packages"] == [{"name": "x", "v": 1}, PurePosixPath("/p"), 2]


# -- the explain log ------------------------------------------------------------------


def test_the_log_names_what_was_joined_or_that_nothing_was() -> None:
    log: Log = []
    run(
        node("a", "t.pkgs", packages=["curl", {"b": 1, "a": 2}]),
        node("b", "t.pkgs", packages=[3]),
        node("c", "t.dir", path="/c"),
        node("d", "t.pkgs", packages=["x"]),
        node("e", "t.pkgs", packages=["y"]),
        log=log,
    )
    assert log == [
        Step("h", "merge", 'merged a, b: one t.pkgs (curl, {"a": 2, "b": 1}, 3)'),
        Step("h", "merge", "merged d, e: one t.pkgs (x, y)"),
    ]
    log.clear()
    run(node("a", "t.pkgs", packages=["x"]), node("c", "t.dir", path="/c"), log=log)
    assert log == [Step("h", "merge", "nothing to merge")]
