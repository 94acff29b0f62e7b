"""Dedupe (compiler/optimize_dedupe.py) on plain nodes, expected values by hand.

Dedupe compares ops by a cheap key first (speed) and by the canonical JSON of
what they do (truth); both are checked: identical ops always meet, different ops
rarely share a cheap key and never merge."""

from __future__ import annotations

from specops.compiler.ir import OpNode
from specops.compiler.optimize_dedupe import _cheap, _first_identity, dedupe
from specops.compiler.optimize_types import HostPass, Log
from specops.compiler.source import Span
from tests.optimize_toys import catalog

CAT = catalog()


def at(line: int) -> Span:
    return Span("s.toml", line, 1, line, 9)


def test_the_kept_op_absorbs_everything_of_the_duplicate() -> None:
    a = OpNode(
        "a", "t.file", {"path": "/f", "content": "x"}, requires=("r1",), notify=("h1",),
        tags=("t1",), sensitive=("content",), secrets=("x",), origin=(at(1),), parts=("p1",),
    )  # fmt: skip
    b = OpNode(
        "b", "t.file", {"content": "x", "path": "/f"}, requires=("r2", "r1"), notify=("h2",),
        tags=("t2", "t1"), sensitive=("path",), secrets=("y",), origin=(at(5),),
        parts=("p2",), desc="other",
    )  # fmt: skip
    (kept,) = dedupe((a, b), HostPass("h", CAT))
    assert kept.id == "a" and kept.desc is None
    assert kept.requires == ("r1", "r2") and kept.notify == ("h1", "h2")
    assert kept.tags == ("t1", "t2") and kept.sensitive == ("content", "path")
    assert kept.secrets == ("x", "y") and kept.parts == ("p1", "p2")
    assert kept.origin == (at(1), at(5))


def test_argument_order_and_unicode_do_not_keep_identical_ops_apart() -> None:
    for ctx in (None, HostPass("h", CAT)):
        a = OpNode("a", "t.user", {"name": "jürgen", "home": "/home/jü"})
        b = OpNode("b", "t.user", {"home": "/home/jü", "name": "jürgen"})
        assert [o.id for o in dedupe((a, b), ctx)] == ["a"]
        c = OpNode("c", "t.pkgs", {"packages": ["vim", "git"], "state": "present"})
        d = OpNode("d", "t.pkgs", {"state": "present", "packages": ["vim", "git"]})
        e = OpNode("e", "t.pkgs", {"state": "present", "packages": ["git", "vim"]})
        assert [o.id for o in dedupe((c, d, e), ctx)] == ["c", "e"]


def test_values_that_are_not_json_are_compared_as_their_text() -> None:
    from pathlib import PurePosixPath

    a = OpNode("a", "t.shell", {"path": PurePosixPath("/x")})
    b = OpNode("b", "t.shell", {"path": PurePosixPath("/x")})
    c = OpNode("c", "t.shell", {"path": PurePosixPath("/y")})
    assert [o.id for o in dedupe((a, b, c))] == ["a", "c"]


def test_ops_with_lists_of_other_values_are_compared_whole() -> None:
    a = OpNode("a", "t.shell", {"path": "/x", "n": [1, 2]})
    b = OpNode("b", "t.shell", {"path": "/x", "n": [1, 2]})
    c = OpNode("c", "t.shell", {"path": "/x", "n": [1, 3]})
    assert [o.id for o in dedupe((a, b, c), HostPass("h", CAT))] == ["a", "c"]


def test_same_first_identity_but_different_rest_stays_two_ops() -> None:
    a = OpNode("a", "t.line", {"path": "/f", "line": "one"})
    b = OpNode("b", "t.line", {"path": "/f", "line": "two"})
    c = OpNode("c", "t.line", {"path": "/f", "line": "one"})
    assert [o.id for o in dedupe((a, b, c), HostPass("h", CAT))] == ["a", "b"]


def test_the_explain_log_says_what_was_merged_and_where_or_that_nothing_was() -> None:
    log: Log = []
    ops = (OpNode("a", "t.dir", {"path": "/d"}), OpNode("b", "t.dir", {"path": "/d"}))
    dedupe((*ops, OpNode("c", "t.dir", {"path": "/d"}, origin=(at(3),))), HostPass("h", CAT, log))
    assert [(s.host, s.pass_name, s.text) for s in log] == [
        ("h", "dedupe", "deduped b into a (identical t.dir)"),
        ("h", "dedupe", "deduped c into a (identical t.dir), declared at s.toml:3:1"),
    ]
    log.clear()
    dedupe((ops[0], OpNode("x", "t.dir", {"path": "/e"})), HostPass("h", CAT, log))
    assert [(s.pass_name, s.text) for s in log] == [("dedupe", "2 ops, none identical")]


def test_cheap_keys_tell_apart_what_differs_in_kind_flags_or_text() -> None:
    base = OpNode("a", "t.file", {"path": "/f", "content": "x", "user": None})
    others = [
        OpNode("b", "t.dir", {"path": "/f", "content": "x", "user": None}),
        OpNode("b", "t.file", {"path": "/f", "content": "y", "user": None}),
        OpNode("b", "t.file", {"path": "/f", "content": "x"}),
        OpNode("b", "t.file", {"path": "/f", "content": "x", "user": None}, handler=True),
        OpNode("b", "t.file", {"path": "/f", "content": "x", "user": None}, become="app"),
    ]
    assert all(_cheap(o) != _cheap(base) for o in others)
    assert _cheap(OpNode("b", "t.pkgs", {"packages": ["a", "b"]})) == (
        "t.pkgs", False, False, 1, ("packages", ("a", "b")),
    )  # fmt: skip
    assert _cheap(OpNode("b", "t.pkgs", {"packages": ["a", 1], "s": "x"})) == (
        "t.pkgs", False, False, 2, ("s", "x"),
    )  # fmt: skip


def test_the_first_identity_key_is_the_kind_flags_and_the_named_thing() -> None:
    ctx = HostPass("h", CAT)
    assert _first_identity(OpNode("a", "t.dir", {"path": "/d"}), ctx) == (
        "t.dir", False, False, "/d",
    )  # fmt: skip
    pkgs = OpNode("a", "t.pkgs", {"packages": ["a", "b"]}, become=True)
    assert _first_identity(pkgs, ctx) == ("t.pkgs", False, True, ("a", "b"))
    assert _first_identity(OpNode("a", "t.pkgs", {"packages": ["a", 2]}), ctx) is None
    assert _first_identity(OpNode("a", "t.dir", {"path": {"x": 1}}), ctx) is None
    assert _first_identity(OpNode("a", "t.dir", {}), ctx) is None
    assert _first_identity(OpNode("a", "t.shell", {"path": "/d"}), ctx) is None  # no identity
    assert _first_identity(OpNode("a", "t.dir", {"path": "/d"}), None) is None
    assert _first_identity(OpNode("a", "nope.kind", {"path": "/d"}), ctx) is None
