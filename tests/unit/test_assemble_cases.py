"""assemble: included files in run order, their contexts, and what an include may not do."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from specops.compiler.assemble import Context, PyUnit, Unit, assemble
from specops.compiler.diagnostics import Collector, Diagnostic
from specops.compiler.load import load
from specops.compiler.source import Span
from specops.compiler.spec import IncludeDecl, read_spec

TOP_ONLY = "belongs to the top-level spec, not an included file"
MOVE_IT = "move it to the spec that includes this file"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))


def run(top: Path | str) -> tuple[list[Unit | PyUnit], list[Diagnostic]]:
    c = Collector()
    units = assemble(read_spec(load(top)), c)
    return units, c.diagnostics


def layer(x: Any) -> tuple[Any, ...] | None:
    if x is None:
        return None
    return (x.label, dict(x.values), x.doc.file if x.doc else None, x.prefix)


def summary(u: Unit | PyUnit) -> tuple[Any, ...]:
    """What a unit is and where it sits, with files as the loader saw them."""
    ctx = u.context
    where = ("py", u.file) if isinstance(u, PyUnit) else ("spec", u.spec.doc.file)
    return (
        *where,
        ctx.prefix,
        layer(ctx.defaults),
        [layer(p) for p in ctx.params],
        [(i.file, i.name) for i in ctx.includes],
    )


def span(file: Path, line: int, col: int, end_col: int) -> Span:
    return Span(str(file), line, col, line, end_col)


# -- order and contexts ---------------------------------------------------------------------


def test_included_units_come_first_in_list_order_nested_in_place(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.toml": """
                [[include]]
                file = "web.toml"
                vars = { port = 80 }
                tags = ["web"]
                [[include]]
                file = "tasks/app.py"
                name = "app"
                [[include]]
                file = "last.yaml"
            """,
            "web.toml": """
                include = ["inner/db.yaml"]
                [vars]
                x = 1
            """,
            "inner/db.yaml": "vars:\n  y: 2\n",
            "tasks/app.py": "",
            "last.yaml": "",
        },
    )
    t = str(tmp_path / "top.toml")
    web, db = str(tmp_path / "web.toml"), str(tmp_path / "inner" / "db.yaml")
    app, last = str(tmp_path / "tasks" / "app.py"), str(tmp_path / "last.yaml")
    units, problems = run(t)
    assert problems == []
    web_params = ("include web vars", {"port": 80}, t, ("include", 0, "vars"))
    assert [summary(u) for u in units] == [
        (
            "spec",
            db,
            "web/db",
            ("defaults of db.yaml", {"y": 2}, db, ("vars",)),
            [web_params, ("include db vars", {}, web, ("include", 0, "vars"))],
            [(web, "web"), (db, "db")],
        ),
        (
            "spec",
            web,
            "web",
            ("defaults of web.toml", {"x": 1}, web, ("vars",)),
            [web_params],
            [(web, "web")],
        ),
        (
            "py",
            app,
            "app",
            None,
            [("include app vars", {}, t, ("include", 1, "vars"))],
            [(app, "app")],
        ),
        (
            "spec",
            last,
            "last",
            ("defaults of last.yaml", {}, last, ("vars",)),
            [("include last vars", {}, t, ("include", 2, "vars"))],
            [(last, "last")],
        ),
        ("spec", t, "", None, [], []),
    ]
    assert units[0].context.tags == ("web",)


def test_a_context_prefixes_ids_and_gathers_tags(tmp_path: Path) -> None:
    write(tmp_path, {"s.toml": ""})
    doc = load(tmp_path / "s.toml")

    def inc(name: str, tags: tuple[str, ...]) -> IncludeDecl:
        return IncludeDecl(f"/x/{name}.toml", name, {}, None, None, tags, ("include",), doc)

    assert Context().full_id("dir") == "dir"
    assert Context().tags == ()
    ctx = Context(prefix="web/db", includes=(inc("web", ("a",)), inc("db", ("b", "c"))))
    assert ctx.full_id("dir") == "web/db/dir"
    assert ctx.tags == ("a", "b", "c")


# -- cycles and depth ---------------------------------------------------------------------------


def test_an_include_cycle_is_reported_and_the_next_include_still_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.toml": 'include = ["b.toml"]\n',
            "b.toml": 'include = ["a.toml", "c.toml"]\n',
            "c.toml": "",
            "sub/keep": "",
        },
    )
    a, b, c = (str(tmp_path / n) for n in ("a.toml", "b.toml", "c.toml"))
    # the top file named through "sub/..": the same file as "a.toml" once resolved
    units, problems = run(str(tmp_path / "sub" / ".." / "a.toml"))
    assert problems == [
        Diagnostic(
            "cycle",
            "includes depend on each other in a cycle: a.toml -> b.toml -> a.toml",
            span(tmp_path / "b.toml", 1, 12, 20),
            "a spec cannot include itself",
        )
    ]
    assert [(summary(u)[1], summary(u)[2]) for u in units] == [
        (c, "b/c"),
        (b, "b"),
        (str(tmp_path / "sub" / ".." / "a.toml"), ""),
    ]
    assert a not in [summary(u)[1] for u in units]


def test_a_spec_that_includes_itself(tmp_path: Path) -> None:
    write(tmp_path, {"self.yaml": "include: [self.yaml]\n"})
    units, problems = run(tmp_path / "self.yaml")
    assert problems == [
        Diagnostic(
            "cycle",
            "includes depend on each other in a cycle: self.yaml -> self.yaml",
            span(tmp_path / "self.yaml", 1, 11, 20),
            "a spec cannot include itself",
        )
    ]
    assert len(units) == 1


def test_includes_nest_twenty_deep_and_no_deeper(tmp_path: Path) -> None:
    files = {f"f{k}.toml": f'include = ["f{k + 1}.toml"]\n' for k in range(20)}
    files["f20.toml"] = 'include = ["f21.toml", "leaf.toml"]\n'
    files["f21.toml"] = files["leaf.toml"] = ""
    write(tmp_path, files)
    units, problems = run(tmp_path / "f0.toml")
    f20 = tmp_path / "f20.toml"
    assert problems == [
        Diagnostic("bad-value", "include: nested deeper than 20", span(f20, 1, 12, 22)),
        Diagnostic("bad-value", "include: nested deeper than 20", span(f20, 1, 24, 35)),
    ]
    assert [Path(summary(u)[1]).name for u in units] == [f"f{k}.toml" for k in range(20, -1, -1)]
    assert units[0].context.prefix == "/".join(f"f{k}" for k in range(1, 21))


# -- Python deploys and unreadable files -----------------------------------------------------


def test_a_missing_python_deploy_is_reported_at_the_include(tmp_path: Path) -> None:
    write(tmp_path, {"s.toml": 'include = ["gone.py", "there.py"]\n', "there.py": ""})
    units, problems = run(tmp_path / "s.toml")
    assert problems == [
        Diagnostic(
            "file-not-found",
            f"cannot read {tmp_path / 'gone.py'}: no such file",
            span(tmp_path / "s.toml", 1, 12, 21),
        )
    ]
    assert [summary(u)[:3] for u in units] == [
        ("py", str(tmp_path / "there.py"), "there"),
        ("spec", str(tmp_path / "s.toml"), ""),
    ]


def test_a_python_deploy_that_is_a_directory_is_missing(tmp_path: Path) -> None:
    write(tmp_path, {"s.toml": 'include = "pkg.py"\n', "pkg.py/x": ""})
    units, problems = run(tmp_path / "s.toml")
    assert problems == [
        Diagnostic(
            "file-not-found",
            f"cannot read {tmp_path / 'pkg.py'}: no such file",
            span(tmp_path / "s.toml", 1, 11, 19),
        )
    ]
    assert len(units) == 1


def test_an_unreadable_include_is_reported_where_it_is_named(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "s.toml": 'include = ["nope.toml", "bad.toml", "odd.toml", "ok.toml"]\n',
            "bad.toml": "a = \n",
            "odd.toml": "zzz = 1\n",
            "ok.toml": "",
        },
    )
    units, problems = run(tmp_path / "s.toml")
    assert problems == [
        Diagnostic(
            "file-not-found",
            f"cannot read {tmp_path / 'nope.toml'}: No such file or directory",
            span(tmp_path / "s.toml", 1, 12, 23),
        ),
        Diagnostic(
            "toml-syntax",
            "invalid TOML: invalid value",
            span(tmp_path / "bad.toml", 1, 5, 6),
            "a value is missing after '='",
        ),
        Diagnostic(
            "unknown-section",
            'unknown top-level key "zzz"',
            span(tmp_path / "odd.toml", 1, 1, 4),
            "sections are: hosts, groups, vars, ops, handlers, include, python, secrets",
        ),
    ]
    assert [summary(u)[1] for u in units] == [str(tmp_path / "ok.toml"), str(tmp_path / "s.toml")]


# -- what belongs to the top-level spec only -------------------------------------------------


def test_an_included_file_may_not_declare_inventory_secrets_or_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "s.toml": 'include = ["child.toml"]\n',
            "child.toml": """
                secrets = ["s.toml"]
                [hosts.web1]
                ssh = "root@10.0.0.1"
                [groups.web]
                hosts = ["web1"]
                [python]
                modules = ["lib.py"]
                [vars]
                z = 3
            """,
        },
    )
    child = tmp_path / "child.toml"
    units, problems = run(tmp_path / "s.toml")
    assert problems == [
        Diagnostic("bad-value", f"[hosts]: {TOP_ONLY}", span(child, 2, 2, 7), MOVE_IT),
        Diagnostic("bad-value", f"[groups]: {TOP_ONLY}", span(child, 4, 2, 8), MOVE_IT),
        Diagnostic("bad-value", f"[secrets]: {TOP_ONLY}", span(child, 1, 1, 8), MOVE_IT),
        Diagnostic("bad-value", f"[python]: {TOP_ONLY}", span(child, 6, 2, 8)),
    ]
    # reported, and still assembled: the rest of the run sees its ops
    assert [summary(u)[:4] for u in units] == [
        ("spec", str(child), "child", ("defaults of child.toml", {"z": 3}, str(child), ("vars",))),
        ("spec", str(tmp_path / "s.toml"), "", None),
    ]


def test_an_included_file_with_groups_only_is_told_about_groups(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"s.yaml": "include: g.yaml\n", "g.yaml": "vars: {}\ngroups:\n  web:\n    hosts: []\n"},
    )
    _, problems = run(tmp_path / "s.yaml")
    assert problems == [
        Diagnostic(
            "bad-value", f"[groups]: {TOP_ONLY}", span(tmp_path / "g.yaml", 2, 1, 7), MOVE_IT
        )
    ]


def test_empty_secrets_and_modules_in_an_included_file_are_not_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"s.toml": 'include = "e.toml"\n', "e.toml": "secrets = []\n[python]\nmodules = []\n"},
    )
    units, problems = run(tmp_path / "s.toml")
    assert (problems, len(units)) == ([], 2)
