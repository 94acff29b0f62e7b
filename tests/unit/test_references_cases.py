"""compiler/references.py: resolving ``requires``/``before``/``notify`` ids, the errors a
wrong reference gives, looped ops standing for all their items, and tag selection."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.assemble import Context, PyUnit, Unit
from specops.compiler.diagnostics import SpecError
from specops.compiler.frontend import compile_file
from specops.compiler.ir import OpNode
from specops.compiler.load import load_text
from specops.compiler.references import Lowered, all_ids, expand_refs, filter_tags, resolve
from specops.compiler.source import Span
from specops.compiler.spec import read_spec
from specops.runtime.catalog import CATALOG

S1 = Span("s.toml", 1, 1, 1, 5)
S2 = Span("s.toml", 2, 1, 2, 5)
S3 = Span("s.toml", 3, 1, 3, 5)


def node(id: str, **kw: Any) -> OpNode:
    return OpNode(id=id, kind="files.directory", args={"path": "/" + id}, **kw)


# -- resolve and all_ids ----------------------------------------------------------------


def test_a_reference_is_include_relative_first_then_a_full_id() -> None:
    ids = {"web/conf": 1, "web/a": 1, "a": 1, "base": 1}
    web = Context(prefix="web")
    assert resolve(web, "conf", ids) == "web/conf"
    assert resolve(web, "a", ids) == "web/a"  # the include's own op wins
    assert resolve(web, "base", ids) == "base"
    assert resolve(web, "web/conf", ids) == "web/conf"
    assert resolve(web, "nope", ids) is None
    assert resolve(Context(), "a", ids) == "a"
    assert resolve(Context(), "conf", ids) is None


def test_all_ids_are_the_full_ids_of_every_op_and_handler_of_spec_units() -> None:
    spec = read_spec(
        load_text(
            '[ops.a]\nop = "files.directory"\npath = "/a"\n'
            '[handlers.h]\nop = "server.shell"\ncommand = "x"\n',
            "s.toml",
        )
    )
    units: list[Unit | PyUnit] = [
        Unit(spec, Context(prefix="web")),
        PyUnit("legacy.py", Context(prefix="legacy")),
        Unit(spec, Context()),
    ]
    got = all_ids(units)
    assert list(got) == ["web/a", "web/h", "a", "h"]
    assert got["web/a"] == (units[0], spec.ops[0])
    assert got["h"] == (units[2], spec.handlers[0])


# -- check_refs: the errors of a wrong reference ------------------------------------------


def problems(tmp: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str, str | None]]:
    for name, text in files.items():
        (tmp / name).write_text(textwrap.dedent(text))
    with pytest.raises(SpecError) as e:
        compile_file(str(tmp / next(iter(files))), CATALOG)
    return [
        (
            Path(d.span.file).name if d.span else "",
            d.code,
            d.span.line if d.span else 0,
            d.span.col if d.span else 0,
            d.message,
            d.hint,
        )
        for d in e.value.diagnostics
    ]


def test_an_unknown_operation_is_suggested_or_pointed_to_the_list(tmp_path: Path) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": """\
            [ops.a]
            op = "files.fil"
            path = "/a"
            [ops.b]
            op = "zzz.qqq"
            [handlers.h]
            op = "server.shel"
            command = "x"
            """
        },
    )
    assert got == [
        ("s.toml", "unknown-op", 2, 6, 'unknown operation "files.fil"',
         'did you mean "files.file"?'),
        ("s.toml", "unknown-op", 5, 6, 'unknown operation "zzz.qqq"', "`specops ops` lists them"),
        ("s.toml", "unknown-op", 7, 6, 'unknown operation "server.shel"',
         'did you mean "server.shell"?'),
    ]  # fmt: skip


def test_an_unknown_reference_points_at_its_entry(tmp_path: Path) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": """\
            [ops.conf]
            op = "files.directory"
            path = "/a"
            requires = ["dir", "confx"]
            before = ["dri"]
            [ops.dir]
            op = "files.directory"
            path = "/b"
            requires = "nope"
            [handlers.restart]
            op = "server.shell"
            command = "x"
            """
        },
    )
    assert got == [
        ("s.toml", "unknown-reference", 4, 20, 'no op named "confx"', 'did you mean "conf"?'),
        ("s.toml", "unknown-reference", 5, 11, 'no op named "dri"', 'did you mean "dir"?'),
        ("s.toml", "unknown-reference", 9, 12, 'no op named "nope"', None),
    ]


def test_requires_suggests_ops_and_notify_suggests_handlers(tmp_path: Path) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": """\
            [ops.restart_app]
            op = "files.directory"
            path = "/a"
            requires = ["restart"]
            notify = ["restart_ap"]
            [handlers.restart_apt]
            op = "server.shell"
            command = "x"
            """
        },
    )
    assert got == [
        ("s.toml", "unknown-reference", 4, 13, 'no op named "restart"',
         'did you mean "restart_app"?'),
        ("s.toml", "unknown-reference", 5, 11, 'no op named "restart_ap"',
         'did you mean "restart_apt"?'),
    ]  # fmt: skip


def test_notify_naming_an_op_says_it_is_not_a_handler(tmp_path: Path) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": """\
            [ops.conf]
            op = "files.directory"
            path = "/a"
            notify = ["dir"]
            [ops.dir]
            op = "files.directory"
            path = "/b"
            notify = "conf"
            """
        },
    )
    hint = "declare it under [handlers.{}], or use requires/before"
    assert got == [
        ("s.toml", "bad-value", 4, 11, 'notify "dir": names an op, not a handler',
         hint.format("dir")),
        ("s.toml", "bad-value", 8, 10, 'notify "conf": names an op, not a handler',
         hint.format("conf")),
    ]  # fmt: skip


def test_a_misspelt_reference_inside_an_include_is_suggested_by_its_short_id(
    tmp_path: Path,
) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": 'include = ["web.toml"]\n',
            "web.toml": """\
            [ops.conf]
            op = "files.directory"
            path = "/a"
            notify = ["relaod"]
            [handlers.reload]
            op = "server.shell"
            command = "x"
            """,
        },
    )
    assert got == [
        ("web.toml", "unknown-reference", 4, 11, 'no op named "relaod"',
         'did you mean "reload"?'),
    ]  # fmt: skip


def test_a_misspelt_reference_two_includes_deep_is_suggested_by_its_short_id(
    tmp_path: Path,
) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": 'include = ["web.toml"]\n',
            "web.toml": 'include = ["inner.toml"]\n',
            "inner.toml": """\
            [ops.conf]
            op = "files.directory"
            path = "/a"
            notify = ["relaod"]
            [handlers.reload]
            op = "server.shell"
            command = "x"
            """,
        },
    )
    assert got == [
        ("inner.toml", "unknown-reference", 4, 11, 'no op named "relaod"',
         'did you mean "reload"?'),
    ]  # fmt: skip


def test_an_included_op_named_from_outside_by_its_short_id_is_suggested_by_full_id(
    tmp_path: Path,
) -> None:
    got = problems(
        tmp_path,
        {
            "s.toml": """\
            include = ["web.toml"]
            [ops.base]
            op = "files.directory"
            path = "/a"
            notify = ["reload"]
            requires = ["conf"]
            """,
            "web.toml": """\
            [ops.conf]
            op = "files.directory"
            path = "/a"
            [handlers.reload]
            op = "server.shell"
            command = "x"
            """,
        },
    )
    assert got == [
        ("s.toml", "unknown-reference", 5, 11, 'no op named "reload"',
         'did you mean "web/reload"?'),
        ("s.toml", "unknown-reference", 6, 13, 'no op named "conf"',
         'did you mean "web/conf"?'),
    ]  # fmt: skip


# -- expand_refs ------------------------------------------------------------------------


def test_a_reference_to_a_looped_op_means_all_its_items() -> None:
    lowered: list[Lowered] = [
        (node("dir[a]"), ()),
        (node("dir[b]"), ()),
        (node("link", requires=("dir",), edge_spans={"dir": S1}), ()),
    ]
    out = expand_refs(lowered)
    assert [n.id for n in out] == ["dir[a]", "dir[b]", "link"]
    assert out[0] is lowered[0][0] and out[1] is lowered[1][0]
    assert out[2].requires == ("dir[a]", "dir[b]")
    assert out[2].edge_spans == {"dir": S1, "dir[a]": S1, "dir[b]": S1}


def test_a_reference_to_one_item_stays_and_an_unchanged_node_is_kept_as_is() -> None:
    lowered: list[Lowered] = [
        (node("dir[a]"), ()),
        (node("dir[b]"), ()),
        (node("link", requires=("dir[b]",), notify=("h",)), ()),
        (node("h", handler=True), ()),
    ]
    out = expand_refs(lowered)
    assert out == [n for n, _ in lowered]
    assert all(a is b for a, (b, _) in zip(out, lowered, strict=True))


def test_a_reference_to_an_op_that_was_left_out_is_dropped() -> None:
    """Its when was false, or it does not run on this host."""
    lowered: list[Lowered] = [
        (node("a", requires=("gone", "b"), notify=("h",)), ()),
        (node("b"), ()),
    ]
    (a, b) = expand_refs(lowered)
    assert (a.requires, a.notify) == (("b",), ())
    assert b is lowered[1][0]


def test_an_item_key_with_a_bracket_belongs_to_its_op() -> None:
    lowered: list[Lowered] = [(node("dir[a[b]"), ()), (node("link", requires=("dir",)), ())]
    assert expand_refs(lowered)[1].requires == ("dir[a[b]",)


def test_an_id_with_brackets_inside_is_not_an_item() -> None:
    lowered: list[Lowered] = [(node("a[x]y"), ()), (node("b", requires=("a",)), ())]
    assert expand_refs(lowered)[1].requires == ()


def test_before_becomes_requires_on_the_other_op_with_its_span() -> None:
    lowered: list[Lowered] = [
        (node("late", requires=("other",), edge_spans={"other": S1}), ()),
        (node("other"), ()),
        (node("early", edge_spans={"before:late": S2}), ("late",)),
    ]
    late, other, early = expand_refs(lowered)
    assert late.requires == ("other", "early")
    assert late.edge_spans == {"other": S1, "early": S2}
    assert other is lowered[1][0] and early is lowered[2][0]


def test_before_a_looped_op_orders_every_item() -> None:
    lowered: list[Lowered] = [
        (node("dir[a]"), ()),
        (node("dir[b]"), ()),
        (node("early", edge_spans={"before:dir": S2}), ("dir",)),
    ]
    a, b, early = expand_refs(lowered)
    assert (a.requires, b.requires) == (("early",), ("early",))
    assert a.edge_spans == {"early": S2} and b.edge_spans == {"early": S2}
    assert early is lowered[2][0]


def test_every_item_of_a_looped_op_with_before_orders_the_other_op() -> None:
    lowered: list[Lowered] = [
        (node("late"), ()),
        (node("x[1]", edge_spans={"before:late": S1}), ("late",)),
        (node("x[2]", edge_spans={"before:late": S2}), ("late",)),
    ]
    late = expand_refs(lowered)[0]
    assert late.requires == ("x[1]", "x[2]")
    assert late.edge_spans == {"x[1]": S1, "x[2]": S2}


def test_before_without_a_span_adds_the_edge_only() -> None:
    """Python deploys record no spans."""
    lowered: list[Lowered] = [(node("late"), ()), (node("early"), ("late",))]
    late = expand_refs(lowered)[0]
    assert (late.requires, late.edge_spans) == (("early",), {})


def test_the_span_of_a_requires_entry_wins_over_a_before() -> None:
    lowered: list[Lowered] = [
        (node("late", requires=("early",), edge_spans={"early": S1}), ()),
        (node("early", edge_spans={"before:late": S2}), ("late",)),
    ]
    late = expand_refs(lowered)[0]
    assert late.requires == ("early",)  # said twice, kept once
    assert late.edge_spans == {"early": S1}


def test_requires_are_expanded_when_no_op_has_before() -> None:
    lowered: list[Lowered] = [(node("d[1]"), ()), (node("x", requires=("d",)), ())]
    assert expand_refs(lowered)[1].requires == ("d[1]",)


def test_notify_of_a_looped_handler_means_all_its_items() -> None:
    lowered: list[Lowered] = [
        (node("conf", notify=("h", "h[b]")), ()),
        (node("h[a]", handler=True), ()),
        (node("h[b]", handler=True), ()),
    ]
    assert expand_refs(lowered)[0].notify == ("h[a]", "h[b]")


# -- filter_tags ------------------------------------------------------------------------

TAGGED = [
    node("a", tags=("conf",), notify=("h1",)),
    node("b", tags=("slow",)),
    node("c", tags=("conf", "slow"), notify=("h2",)),
    node("d"),
    node("h1", handler=True, tags=("conf",)),
    node("h2", handler=True),
    node("h3", handler=True, tags=("conf",)),
]


def kept(tags: set[str], skip: set[str]) -> list[str]:
    return [n.id for n in filter_tags(TAGGED, tags, skip)]


def test_without_tags_every_node_is_kept() -> None:
    assert filter_tags(TAGGED, set(), set()) is TAGGED


def test_tags_keep_the_tagged_ops_and_the_handlers_they_notify() -> None:
    assert kept({"conf"}, set()) == ["a", "c", "h1", "h2"]  # h3: tagged but not notified
    assert kept({"slow"}, set()) == ["b", "c", "h2"]
    assert kept({"conf", "slow"}, set()) == ["a", "b", "c", "h1", "h2"]
    assert kept({"none"}, set()) == []


def test_skip_tags_leave_out_the_tagged_ops_and_what_only_they_notify() -> None:
    assert kept(set(), {"slow"}) == ["a", "d", "h1"]
    assert kept(set(), {"conf"}) == ["b", "d"]
    assert kept({"conf"}, {"slow"}) == ["a", "h1"]
    assert kept(set(), {"none"}) == ["a", "b", "c", "d", "h1", "h2"]
