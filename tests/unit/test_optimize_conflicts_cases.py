"""The conflicts pass (compiler/optimize_conflicts.py) on the toy catalog and a few kinds that
give paths modes and owners; every diagnostic is written out whole, by hand."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from specops.compiler.catalog import Declares, OpType, PathAttrs
from specops.compiler.diagnostics import Diagnostic
from specops.compiler.ir import OpNode
from specops.compiler.optimize_conflicts import _differ, _short, clash, conflicts
from specops.compiler.optimize_types import HostPass, Log, Step
from specops.compiler.source import Span
from tests.optimize_toys import DirArgs, LineArgs, catalog, node

AGAIN = "declare it once, or make both declarations identical (identical ops are merged)"
FOREVER = (
    "applied in turn they would change it back and forth on every run; "
    "give both the same value, or set it in one of them"
)


def at(line: int) -> Span:
    return Span("s.toml", line, 1, line, 2)


def _values(a: Mapping[str, Any]) -> dict[str, str]:
    return {k: a[k] for k in ("mode", "user") if a.get(k)}


def _file(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(a["path"], _values(a), is_dir=False)] if _values(a) else []


def _dir(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(a["path"], _values(a), is_dir=True)] if _values(a) else []


def _tree(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(a["path"], _values(a), below=True, is_dir=a.get("only"))]


def _limits(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(f"/etc/limits.d/{a['name']}.conf", {"mode": "0644"})]


def _conf(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(f"/etc/limits.d/{a['name']}.conf", {"mode": a["mode"]})]


def _twice(a: Mapping[str, Any]) -> list[PathAttrs]:
    return [PathAttrs(a["path"], {"mode": "0600"}), PathAttrs(a["path"], {"mode": "0644"})]


CAT = catalog()
for _t in (
    OpType(
        "a.file", DirArgs, attributes=_file, declares=Declares(identity=("path",), resource="path")
    ),
    OpType(
        "a.dir",
        DirArgs,
        attributes=_dir,
        declares=Declares(identity=("path",), resource="path", container=True),
    ),
    OpType(
        "a.tree",
        DirArgs,
        attributes=_tree,
        declares=Declares(identity=("path",), resource="path", tree=True),
    ),
    OpType(
        "a.limits",
        DirArgs,
        attributes=_limits,
        declares=Declares(identity=("name",), resource="limits"),
    ),
    OpType(
        "a.conf", DirArgs, attributes=_conf, declares=Declares(identity=("name",), resource="conf")
    ),
    OpType(
        "a.twice",
        DirArgs,
        attributes=_twice,
        declares=Declares(identity=("path",), resource="twice"),
    ),
    OpType(
        "t.block",
        LineArgs,
        declares=Declares(identity=("path", "line"), part_of=("t.file", "content")),
    ),
):
    CAT.register(_t)


def check(*ops: OpNode, log: Log | None = None) -> list[Diagnostic]:
    ctx = HostPass("h", CAT, log)
    assert conflicts(ops, ctx) == ops  # the pass only ever reports
    return ctx.diagnostics


def optype(kind: str) -> OpType:
    t = CAT.get(kind)
    assert t is not None
    return t


def conflict(
    a: str, b: str, thing: str, line: int, hint: str, note: tuple[str, int] | None
) -> Diagnostic:
    notes = ((f"{note[0]} declares it here", at(note[1])),) if note else ()
    return Diagnostic(
        "conflict", f"{a} and {b} both declare {thing}, differently", at(line), hint, notes
    )


# -- declarations of one thing --------------------------------------------------------


def test_two_declarations_of_one_thing_that_disagree() -> None:
    got = check(
        node("a", "t.dir", 3, path="/x", mode="0755"),
        node("b", "t.dir", 8, path="/x", mode="0700"),
    )
    assert got == [
        conflict(
            "a (t.dir)",
            "b (t.dir)",
            'path "/x"',
            8,
            f'they differ in mode ("0755" vs "0700"): {AGAIN}',
            ("a", 3),
        )
    ]


def test_only_the_arguments_that_differ_are_named() -> None:
    got = check(
        node("a", "t.file", 1, path="/x", content="one", user="root"),
        node("b", "t.file", 2, path="/x", content="two", user="root"),
    )
    assert [d.hint for d in got] == [f'they differ in content ("one" vs "two"): {AGAIN}']


def test_a_sensitive_difference_is_named_without_its_values() -> None:
    a = OpNode("a", "t.file", {"path": "/x", "content": "s3cret", "user": "a"}, origin=(at(1),))
    b = OpNode(
        "b",
        "t.file",
        {"path": "/x", "content": "other", "user": "b"},
        sensitive=("content",),
        origin=(at(2),),
    )
    assert [d.hint for d in check(a, b)] == [f'they differ in content, user ("a" vs "b"): {AGAIN}']
    assert [d.hint for d in check(b, a)] == [f'they differ in content, user ("b" vs "a"): {AGAIN}']


def test_an_argument_only_one_side_has_is_a_difference() -> None:
    p = OpNode("p", "t.file", {"path": "/x", "content": "c"})
    q = OpNode("q", "t.file", {"path": "/x"})
    hint = _differ(p, optype("t.file"), q, optype("t.file"))
    assert hint == f'they differ in content (null vs "c"): {AGAIN}'


def test_values_in_a_hint_are_cut_at_forty_characters() -> None:
    assert _short("x" * 38) == '"' + "x" * 38 + '"'  # 40 with the quotes
    assert _short("x" * 39) == '"' + "x" * 36 + "..."
    assert _short("é") == '"é"'
    assert _short({"b": 1, "a": None}) == '{"b": 1, "a": null}'
    assert _short(PurePosixPath("/srv")) == '"/srv"'


def test_kinds_that_cannot_share_a_path() -> None:
    f, d = node("f", "t.file", 1, path="/x"), node("d", "t.dir", 2, path="/x")
    assert clash(d, optype("t.dir"), f, optype("t.file")) == (
        "one thing cannot be both a t.file and a t.dir: keep one of them"
    )
    s = node("s", "t.sync", 2, path="/x")
    assert clash(s, optype("t.sync"), f, optype("t.file")) == (
        "t.file and t.sync disagree on what the path is: keep one of them"
    )
    assert clash(f, optype("t.file"), s, optype("t.sync")) == (
        "t.sync and t.file disagree on what the path is: keep one of them"
    )


def test_tree_kinds_share_a_path_with_each_other_and_with_a_directory() -> None:
    s, a = node("s", "t.sync", path="/x"), node("a", "t.attrs", path="/x")
    d = node("d", "t.dir", path="/x")
    assert clash(a, optype("t.attrs"), s, optype("t.sync")) is None
    assert clash(d, optype("t.dir"), a, optype("t.attrs")) is None
    assert clash(a, optype("t.attrs"), d, optype("t.dir")) is None


def test_parts_compose_unless_one_part_is_declared_twice_differently() -> None:
    line = optype("t.line")
    a = node("a", "t.line", path="/x", line="a")
    b = node("b", "t.line", path="/x", line="b", present=False)
    assert clash(b, line, a, line) is None  # different lines, each its own state
    assert clash(a, line, node("c", "t.line", path="/x", line="a"), line) is None
    a_gone = node("c", "t.line", path="/x", line="a", present=False)
    assert clash(a_gone, line, a, line) == f"they differ in present (null vs false): {AGAIN}"
    block = node("k", "t.block", path="/x", line="a", present=False)
    assert clash(block, optype("t.block"), a, line) is None  # another kind of part


def test_a_part_against_the_whole_in_either_order() -> None:
    whole = node("f", "t.file", 1, path="/x", content="all\n")
    part = node("l", "t.line", 2, path="/x", line="a")
    said = "l edits part of the content that f declares whole: put the change into f's "
    said += "content, or leave content unset"
    assert clash(part, optype("t.line"), whole, optype("t.file")) == said
    assert clash(whole, optype("t.file"), part, optype("t.line")) == said
    empty = node("f", "t.file", 1, path="/x")
    assert clash(empty, optype("t.file"), part, optype("t.line")) is None
    d = node("d", "t.dir", 1, path="/x")
    assert clash(d, optype("t.dir"), part, optype("t.line")) == (
        "t.line edits a t.file, which t.dir contradicts: keep one of them"
    )
    assert clash(part, optype("t.line"), d, optype("t.dir")) == (
        "t.line edits a t.file, which t.dir contradicts: keep one of them"
    )


def test_a_whole_after_its_part_is_reported_at_the_whole() -> None:
    got = check(
        node("l", "t.line", 4, path="/x", line="a"),
        node("f", "t.file", 9, path="/x", content="all\n"),
    )
    hint = "l edits part of the content that f declares whole: put the change into f's "
    hint += "content, or leave content unset"
    assert got == [conflict("l (t.line)", "f (t.file)", 'path "/x"', 9, hint, ("l", 4))]


def test_ops_without_a_location_are_reported_without_one() -> None:
    a = OpNode("a", "t.dir", {"path": "/x", "mode": "1"})
    b = OpNode("b", "t.dir", {"path": "/x", "mode": "2"})
    hint = f'they differ in mode ("1" vs "2"): {AGAIN}'
    d = Diagnostic("conflict", 'a (t.dir) and b (t.dir) both declare path "/x", differently', None)
    assert check(a, b) == [Diagnostic(d.code, d.message, None, hint, ())]


def test_each_pair_is_reported_once_over_all_the_things_they_share() -> None:
    got = check(
        node("a", "t.pkgs", 1, packages=["curl", "git"]),
        node("b", "t.pkgs", 2, packages=["git", "curl"], state="absent"),
    )
    hint = f'they differ in state (null vs "absent"): {AGAIN}'
    assert got == [conflict("a (t.pkgs)", "b (t.pkgs)", '"git" (in packages)', 2, hint, ("a", 1))]


def test_every_earlier_declaration_is_compared() -> None:
    got = check(
        node("q1", "t.pkgs", 1, packages=["curl", "git"]),
        node("q2", "t.pkgs", 2, packages=["git"]),
        node("p", "t.pkgs", 3, packages=["curl", "git"], state="latest"),
    )
    hint = f'they differ in state (null vs "latest"): {AGAIN}'
    assert got == [
        conflict("q1 (t.pkgs)", "p (t.pkgs)", '"curl" (in packages)', 3, hint, ("q1", 1)),
        conflict("q2 (t.pkgs)", "p (t.pkgs)", '"git" (in packages)', 3, hint, ("q2", 2)),
    ]


def test_an_agreeing_declaration_does_not_hide_a_disagreeing_one() -> None:
    got = check(
        node("a", "t.pkgs", 1, packages=["curl"]),
        node("b", "t.pkgs", 2, packages=["curl"], state="latest"),
        node("c", "t.pkgs", 3, packages=["curl"]),
    )
    assert [(d.message.split(" both")[0], d.span) for d in got] == [
        ("a (t.pkgs) and b (t.pkgs)", at(2)),
        ("b (t.pkgs) and c (t.pkgs)", at(3)),
    ]


def test_kinds_the_catalog_does_not_know_and_handlers_are_left_out() -> None:
    got = check(
        node("u", "nope.kind", 1, path="/x"),
        node("h", "t.dir", 2, handler=True, path="/x"),
        node("a", "t.dir", 3, path="/x"),
        node("b", "t.file", 4, path="/x"),
    )
    hint = "one thing cannot be both a t.dir and a t.file: keep one of them"
    assert got == [conflict("a (t.dir)", "b (t.file)", 'path "/x"', 4, hint, ("a", 3))]


def test_without_a_catalog_nothing_is_checked() -> None:
    ctx = HostPass("h", None)
    ops = (node("a", "t.dir", path="/x"), node("b", "t.file", path="/x"))
    assert conflicts(ops, ctx) == ops and ctx.diagnostics == []


def test_the_log_counts_things_and_the_shared_ones() -> None:
    log: Log = []
    check(
        node("a", "t.pkgs", 1, packages=["curl", "git"]),
        node("b", "t.pkgs", 2, packages=["git", "vim"]),
        node("c", "t.pkgs", 3, packages=["vim"]),
        node("d", "t.dir", 4, path="/x"),
        log=log,
    )
    assert log == [Step("h", "conflicts", "4 things declared, 2 by more than one op, no conflict")]


def test_the_log_says_nothing_when_there_is_a_conflict() -> None:
    log: Log = []
    check(node("a", "t.dir", path="/x"), node("b", "t.file", path="/x"), log=log)
    assert log == []
    check(log=log)
    assert log == [Step("h", "conflicts", "0 things declared, 0 by more than one op, no conflict")]


# -- modes and owners of one path -----------------------------------------------------


def test_two_ops_giving_one_file_different_modes() -> None:
    got = check(
        node("lim", "a.limits", 2, name="nofile"),
        node("f", "a.file", 5, path="/etc/limits.d/nofile.conf", mode="0600"),
    )
    assert got == [
        conflict(
            "lim (a.limits)",
            "f (a.file)",
            "the mode of /etc/limits.d/nofile.conf",
            5,
            f"they differ in mode (0644 vs 0600): {FOREVER}",
            ("lim", 2),
        )
    ]


def test_every_attribute_that_differs_is_named() -> None:
    got = check(
        node("a", "a.file", 1, path="/f", mode="0600", user="root"),
        node("t", "a.tree", 2, path="/", mode="0640", user="app"),
    )
    assert got == [
        conflict(
            "a (a.file)",
            "t (a.tree)",
            "the mode and user of /f",
            2,
            f"they differ in mode (0600 vs 0640), user (root vs app): {FOREVER}",
            ("a", 1),
        )
    ]


def test_attributes_only_one_op_sets_do_not_conflict() -> None:
    assert (
        check(
            node("lim", "a.limits", 1, name="x"),
            node("f", "a.file", 2, path="/etc/limits.d/x.conf", user="app"),
        )
        == []
    )
    assert (
        check(
            node("f", "a.file", 1, path="/f", mode="0600", user="root"),
            node("t", "a.tree", 2, path="/", mode="0600", user="root"),
        )
        == []
    )


def test_every_pair_of_ops_on_one_path_is_compared_in_source_order() -> None:
    got = check(
        node("lim", "a.limits", 1, name="x"),
        node("conf", "a.conf", 2, name="x", mode="0640"),
        node("f", "a.file", 3, path="/etc/limits.d/x.conf", mode="0600"),
    )
    mode = "they differ in mode"
    assert [(d.message.split(" both")[0], d.span, d.hint) for d in got] == [
        ("lim (a.limits) and conf (a.conf)", at(2), f"{mode} (0644 vs 0640): {FOREVER}"),
        ("lim (a.limits) and f (a.file)", at(3), f"{mode} (0644 vs 0600): {FOREVER}"),
        ("conf (a.conf) and f (a.file)", at(3), f"{mode} (0640 vs 0600): {FOREVER}"),
    ]


def test_a_tree_op_covers_every_path_below_it_in_either_order() -> None:
    tree = node("t", "a.tree", 1, path="/srv/", mode="0750")
    inside = node("f", "a.file", 2, path="/srv/app/conf", mode="0640")
    beside = node("g", "a.file", 3, path="/srvx/conf", mode="0640")
    hint = f"they differ in mode (0750 vs 0640): {FOREVER}"
    msg = "the mode of /srv/app/conf"
    assert check(tree, inside, beside) == [
        conflict("t (a.tree)", "f (a.file)", msg, 2, hint, ("t", 1))
    ]
    moved = node("t", "a.tree", 5, path="/srv", mode="0750")
    assert check(inside, beside, moved) == [
        conflict(
            "f (a.file)",
            "t (a.tree)",
            msg,
            5,
            f"they differ in mode (0640 vs 0750): {FOREVER}",
            ("f", 2),
        )
    ]


def test_a_tree_op_and_a_directory_on_its_own_path() -> None:
    got = check(
        node("d", "a.dir", 1, path="/srv", mode="0755"),
        node("t", "a.tree", 2, path="/srv", mode="0750", only=True),
    )
    assert got == [
        conflict(
            "d (a.dir)",
            "t (a.tree)",
            "the mode of /srv",
            2,
            f"they differ in mode (0755 vs 0750): {FOREVER}",
            ("d", 1),
        )
    ]


def test_a_tree_op_over_only_directories_or_only_files() -> None:
    f = node("f", "a.file", 1, path="/srv/f", mode="0640")
    dirs = node("t", "a.tree", 2, path="/srv", mode="0750", only=True)
    files = node("t", "a.tree", 2, path="/srv", mode="0600", only=False)
    assert check(f, dirs) == []
    assert [d.message for d in check(f, files)] == [
        "f (a.file) and t (a.tree) both declare the mode of /srv/f, differently"
    ]


def test_an_attribute_entry_that_says_nothing_of_directories_is_compared_with_any() -> None:
    lim = node("lim", "a.limits", 1, name="x")  # no is_dir
    f = node("f", "a.file", 2, path="/etc/limits.d/x.conf", mode="0600")  # a file
    assert len(check(lim, f)) == 1
    assert len(check(f, node("lim", "a.limits", 3, name="x"))) == 1


def test_a_path_conflict_and_a_tree_over_another_path_are_both_found() -> None:
    got = check(
        node("lim", "a.limits", 1, name="x"),
        node("f", "a.file", 2, path="/etc/limits.d/x.conf", mode="0600"),
        node("t", "a.tree", 3, path="/srv", user="app"),
        node("g", "a.file", 4, path="/srv/g", mode="0600"),
    )
    assert [d.span for d in got] == [at(2)]


def test_one_op_never_conflicts_with_itself_nor_a_pair_twice() -> None:
    assert check(node("w", "a.twice", 1, path="/f")) == []
    got = check(
        node("a", "a.file", 1, path="/f", mode="0600", content="a"),
        node("b", "a.file", 2, path="/f", mode="0644", content="b"),
    )
    assert [d.hint for d in got] == [
        f'they differ in mode ("0600" vs "0644"), content ("a" vs "b"): {AGAIN}'
    ]


def test_handlers_unknown_kinds_and_kinds_without_attributes_are_skipped() -> None:
    got = check(
        node("u", "nope.kind", 1, path="/f"),
        node("s", "t.shell", 2, path="/f"),
        node("h", "a.file", 3, handler=True, path="/f", mode="0700"),
        node("a", "a.limits", 4, name="f"),
        node("b", "a.file", 5, path="/etc/limits.d/f.conf", mode="0600"),
    )
    assert [d.span for d in got] == [at(5)]


def test_attribute_conflicts_without_locations() -> None:
    a = OpNode("a", "a.limits", {"name": "x"})
    b = OpNode("b", "a.file", {"path": "/etc/limits.d/x.conf", "mode": "0600"})
    hint = f"they differ in mode (0644 vs 0600): {FOREVER}"
    msg = "a (a.limits) and b (a.file) both declare the mode of /etc/limits.d/x.conf, differently"
    assert check(a, b) == [Diagnostic("conflict", msg, None, hint, ())]


def test_a_tree_op_covers_only_what_is_below_its_own_path() -> None:
    assert (
        check(
            node("t", "a.tree", 1, path="/data/X", mode="0750"),
            node("f", "a.file", 2, path="/data/conf", mode="0640"),
        )
        == []
    )


def test_a_pair_of_one_ops_entries_or_of_equal_values_does_not_end_the_search() -> None:
    got = check(node("w", "a.twice", 1, path="/f"), node("f", "a.file", 2, path="/f", mode="0600"))
    assert got == [
        conflict(
            "w (a.twice)", "f (a.file)", "the mode of /f", 2,
            f"they differ in mode (0644 vs 0600): {FOREVER}", ("w", 1),
        )
    ]  # fmt: skip


def test_an_op_writing_a_path_twice_is_reported_once_against_another() -> None:
    got = check(node("w", "a.twice", 1, path="/f"), node("f", "a.file", 2, path="/f", mode="0700"))
    assert [d.hint for d in got] == [f"they differ in mode (0600 vs 0700): {FOREVER}"]


def test_a_tree_entry_for_directories_only_skips_files_and_checks_directories() -> None:
    got = check(
        node("t", "a.tree", 1, path="/srv", mode="0750", only=True),
        node("f", "a.file", 2, path="/srv/f", mode="0640"),
        node("d", "a.dir", 3, path="/srv/sub", mode="0700"),
    )
    assert [(d.message, d.span) for d in got] == [
        ("t (a.tree) and d (a.dir) both declare the mode of /srv/sub, differently", at(3))
    ]
