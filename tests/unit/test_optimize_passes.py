"""Each optimizer pass on a toy catalog: dedupe, conflicts, inferred order, merging, explain."""

from __future__ import annotations

import pytest

from specops.compiler.diagnostics import SpecError, render
from specops.compiler.optimize import Log, explain, optimize
from tests.optimize_toys import catalog, ids, node, program

CAT = catalog()


def run(*ops: object, log: Log | None = None) -> list[str]:
    return ids(optimize(program(*ops), CAT, log))  # type: ignore[arg-type]


def conflict(*ops: object) -> list[str]:
    with pytest.raises(SpecError) as e:
        optimize(program(*ops), CAT)  # type: ignore[arg-type]
    return [render(d) for d in e.value.diagnostics]


# -- dedupe ---------------------------------------------------------------------------


def test_dedupe_merges_notify_tags_and_rewrites_handler_references() -> None:
    ops = (
        node("a", "t.dir", 1, path="/x", notify=("h1",)),
        node("b", "t.dir", 2, path="/x", notify=("h2",)),
        node("h1", "t.shell", 3, handler=True, path="/r"),
        node("h2", "t.shell", 4, handler=True, path="/r"),  # the same handler twice
        node("c", "t.file", 5, path="/y", requires=("b",), notify=("h2",)),
    )
    log: Log = []
    out = optimize(program(*ops), CAT, log).hosts[0].ops
    assert [o.id for o in out] == ["a", "c", "h1"]
    assert out[0].notify == ("h1",)  # h2 became h1
    assert out[1].requires == ("a",) and out[1].notify == ("h1",)
    assert [str(s) for s in out[0].origin] == ["s.toml:1:1", "s.toml:2:1"]
    assert "dedupe: deduped b into a (identical t.dir), declared at s.toml:2:1" in explain(log)


# -- conflicts ------------------------------------------------------------------------


def test_different_kinds_on_one_path_conflict_at_both_places() -> None:
    (text,) = conflict(node("d", "t.dir", 3, path="/x"), node("f", "t.file", 8, path="/x"))
    assert text.splitlines()[0] == (
        's.toml:8:1: error[conflict]: d (t.dir) and f (t.file) both declare path "/x", differently'
    )
    assert "s.toml:3:1: note: d declares it here" in text
    assert "hint: one thing cannot be both a t.dir and a t.file: keep one of them" in text


def test_same_kind_different_state_names_the_difference() -> None:
    (text,) = conflict(
        node("a", "t.dir", 1, path="/x", mode="0755"), node("b", "t.dir", 2, path="/x")
    )
    assert 'they differ in mode ("0755" vs null)' in text


@pytest.mark.parametrize(
    ("other", "clashes"),
    [
        (node("f", "t.file", 1, path="/x", content="whole\n"), True),
        (node("f", "t.file", 1, path="/x"), False),
        (node("f", "t.dir", 1, path="/x"), True),
        (node("f", "t.absent", 1, path="/x"), True),
        (node("f", "t.line", 1, path="/x", line="other"), False),
        (node("f", "t.line", 1, path="/x", line="a", present=False), True),
        (node("f", "t.line", 1, path="/elsewhere", line="a", present=False), False),
    ],
)
def test_a_line_composes_only_with_parts_and_content_free_files(
    other: object, clashes: bool
) -> None:
    ops = (other, node("l", "t.line", 2, path="/x", line="a"))
    if clashes:
        assert conflict(*ops)
    else:
        assert sorted(run(*ops)) == ["f", "l"]


def test_package_lists_overlap_when_they_agree() -> None:
    a = node("a", "t.pkgs", 1, packages=["curl", "git"])
    assert run(a, node("b", "t.pkgs", 2, packages=["curl", "vim"])) == ["a+b"]
    (text,) = conflict(a, node("b", "t.pkgs", 2, packages=["vim", "curl"], state="absent"))
    assert 'both declare "curl" (in packages), differently' in text


def test_handlers_are_not_declarations() -> None:
    ops = (
        node("d", "t.dir", 1, path="/x", notify=("h",)),
        node("h", "t.absent", 2, path="/x", handler=True),
    )
    assert run(*ops) == ["d", "h"]


def test_no_catalog_no_conflict_check() -> None:
    ops = (node("d", "t.dir", 1, path="/x"), node("f", "t.file", 2, path="/x"))
    assert ids(optimize(program(*ops))) == ["d", "f"]


# -- order ----------------------------------------------------------------------------


def test_a_path_inside_a_created_directory_moves_after_it() -> None:
    log: Log = []
    ops = (
        node("conf", "t.file", 1, path="/srv/app/etc/conf"),
        node("other", "t.file", 2, path="/srv/other"),
        node("app", "t.dir", 3, path="/srv/app"),
        node("etc", "t.dir", 4, path="/srv/app/etc"),
    )
    assert run(*ops, log=log) == ["other", "app", "etc", "conf"]
    text = explain(log)
    assert "moved conf after etc: conf is inside /srv/app/etc, which etc creates" in text
    assert "moved etc after app" not in text  # already in that order


def test_a_cycle_through_an_inferred_edge_prints_each_edge_and_why() -> None:
    ops = (
        node("app", "t.dir", 3, path="/srv/app", requires=("conf",)),
        node("conf", "t.file", 7, path="/srv/app/conf"),
    )
    (text,) = conflict(*ops)
    assert "error[cycle]: ops depend on each other in a cycle: app -> conf -> app" in text
    assert "s.toml:3:1: note: app requires conf" in text
    assert "s.toml:7:1: note: conf is inside /srv/app, which app creates" in text
    assert "the other edges follow from what the ops manage" in text


def test_an_op_naming_a_user_moves_after_the_op_creating_the_user() -> None:
    log: Log = []
    ops = (
        node("conf", "t.file", 1, path="/etc/app.conf", user="app"),
        node("grp", "t.group", 2, name="staff"),
        node("app", "t.user", 3, name="app", group="staff"),
    )
    assert run(*ops, log=log) == ["grp", "app", "conf"]
    text = explain(log)
    assert "moved conf after app: conf's user is user app, which app creates" in text
    assert "2 edges (2 refers); 1 moved" in text  # app already follows grp


def test_an_op_in_a_users_home_moves_after_the_user() -> None:
    ops = (
        node("rc", "t.file", 1, path="/home/alice/.bashrc"),
        node("key", "t.file", 2, path="/srv/bob/key"),
        node("other", "t.file", 3, path="/home/alicex"),
        node("alice", "t.user", 4, name="alice"),
        node("bob", "t.user", 5, name="bob", home="/srv/bob"),
    )
    assert run(*ops) == ["other", "alice", "rc", "bob", "key"]


def test_a_user_being_removed_orders_nothing() -> None:
    ops = (
        node("rc", "t.file", 1, path="/home/alice/.bashrc", user="alice"),
        node("alice", "t.user", 2, name="alice", present=False),
    )
    assert run(*ops) == ["rc", "alice"]


def test_tree_ops_share_a_directory_and_order_around_what_is_below() -> None:
    log: Log = []
    ops = (
        node("perms", "t.attrs", 1, path="/srv/app", mode="0750"),
        node("conf", "t.file", 2, path="/srv/app/conf"),
        node("site", "t.sync", 3, path="/srv/app"),
        node("dir", "t.dir", 4, path="/srv/app"),
    )
    # the ops on /srv/app itself keep source order unless an edge says otherwise;
    # the file goes over the tree laid into it, chown -R after both
    assert run(*ops, log=log) == ["site", "dir", "conf", "perms"]
    assert "perms covers all of /srv/app, conf included" in explain(log)


def test_a_tree_op_on_a_plain_file_path_conflicts() -> None:
    (text,) = conflict(node("f", "t.file", 1, path="/x"), node("s", "t.sync", 2, path="/x"))
    assert "hint: t.file and t.sync disagree on what the path is: keep one of them" in text


def test_source_order_on_one_thing_gives_way_to_requires() -> None:
    log: Log = []
    ops = (
        node("f", "t.file", 1, path="/x", requires=("l",)),
        node("l", "t.line", 2, path="/x", line="a"),
    )
    assert run(*ops, log=log) == ["l", "f"]
    assert "kept f before l (other edges say so)" not in explain(log)
    assert 'kept l before f (other edges say so): both declare path "/x"' in explain(log)


def test_source_order_on_one_thing_holds_against_unrelated_moves() -> None:
    ops = (
        node("f", "t.file", 1, path="/x", requires=("late",)),
        node("l", "t.line", 2, path="/x", line="a"),
        node("late", "t.dir", 3, path="/y"),
    )
    # Without the soft edge l would run before f; with it, l waits for f.
    assert run(*ops) == ["late", "f", "l"]


# -- merge ----------------------------------------------------------------------------


def test_adjacent_package_ops_become_one_node_keeping_every_id() -> None:
    log: Log = []
    ops = (
        node("pkgs[nginx]", "t.pkgs", 1, packages=["nginx"]),
        node("pkgs[curl]", "t.pkgs", 1, packages=["curl", "nginx"]),
        node("after", "t.file", 2, path="/x", requires=("pkgs[curl]",)),
    )
    out = optimize(program(*ops), CAT, log).hosts[0].ops
    assert [o.id for o in out] == ["pkgs[nginx]+pkgs[curl]", "after"]
    assert out[0].args["packages"] == ["nginx", "curl"]
    assert out[0].parts == ("pkgs[nginx]", "pkgs[curl]")
    assert out[1].requires == ("pkgs[nginx]+pkgs[curl]",)
    assert "merge: merged pkgs[nginx], pkgs[curl]: one t.pkgs (nginx, curl)" in explain(log)


@pytest.mark.parametrize(
    "between",
    [
        node("x", "t.file", 2, path="/etc/apt/sources.list.d/x.list"),  # not adjacent
        None,
    ],
)
def test_packages_do_not_merge_across_ops_or_edges(between: object) -> None:
    a = node("a", "t.pkgs", 1, packages=["nginx"])
    b = node("b", "t.pkgs", 3, packages=["curl"], requires=() if between else ("a",))
    ops = (a, between, b) if between else (a, b)
    assert len(run(*ops)) == len(ops)


def test_packages_with_different_arguments_or_notify_stay_apart() -> None:
    a = node("a", "t.pkgs", 1, packages=["nginx"])
    assert run(a, node("b", "t.pkgs", 2, packages=["curl"], state="latest")) == ["a", "b"]
    assert run(a, node("b", "t.pkgs", 2, packages=["curl"], notify=("h",))) == ["a", "b"]


def test_optimizing_twice_changes_nothing_and_logs_nothing_moved() -> None:
    ops = (
        node("conf", "t.file", 1, path="/srv/app/conf"),
        node("app", "t.dir", 2, path="/srv/app"),
        node("a", "t.pkgs", 3, packages=["nginx"]),
        node("b", "t.pkgs", 4, packages=["curl"]),
    )
    once = optimize(program(*ops), CAT)
    log: Log = []
    assert optimize(once, CAT, log) == once
    assert "moved" not in explain(log) and "merged" not in explain(log)
