"""read_spec: sections, ops and handlers, includes, Python modules and secrets, and every
shape error with its exact message, hint and place."""

from __future__ import annotations

import textwrap

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.load import load_text
from specops.compiler.source import Span
from specops.compiler.spec import IncludeDecl, OpDecl, SpecFile, read_spec

F = "/specs/site.toml"  # not on disk: read_spec only resolves paths beside it
SECTIONS_HINT = "sections are: hosts, groups, vars, ops, handlers, include, python, secrets"
INCLUDE_HINT = 'include = ["roles/web.toml"] or [[include]] file = "roles/web.toml"'
INCLUDE_SHAPE = 'an include must be a file name or a table with file = "…", not '
WHEN_HINT = "write it as a string: when = \"facts.os.id == 'debian'\""


def read(text: str, file: str = F) -> SpecFile:
    return read_spec(load_text(textwrap.dedent(text).lstrip("\n"), file))


def problems(text: str, file: str = F) -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        read(text, file)
    return info.value.diagnostics


def at(line: int, col: int, end_col: int, file: str = F) -> Span:
    return Span(file, line, col, line, end_col)


def shape(message: str, span: Span, hint: str | None = None) -> Diagnostic:
    return Diagnostic("wrong-shape", message, span, hint)


# -- top-level sections ------------------------------------------------------------------


def test_an_empty_spec() -> None:
    spec = read("")
    assert (spec.inventory, spec.vars, spec.ops, spec.handlers) == (None, {}, (), ())
    assert (spec.includes, spec.modules, spec.secrets) == ((), (), ())


def test_unknown_sections_suggest_a_name_or_list_them() -> None:
    assert problems("op = 1\nzzz = 2\n") == [
        Diagnostic(
            "unknown-section", 'unknown top-level key "op"', at(1, 1, 3), 'did you mean "ops"?'
        ),
        Diagnostic("unknown-section", 'unknown top-level key "zzz"', at(2, 1, 4), SECTIONS_HINT),
    ]


def test_sections_of_the_wrong_shape() -> None:
    text = """
        vars = [1]
        python = "x"
        include = 5
        ops = 3
        handlers = "h"
    """
    assert problems(text) == [
        shape("[vars] must be a table, not list", at(1, 8, 11)),
        shape("[python] must be a table, not str", at(2, 10, 13)),
        shape("include must be a list of files or tables, not int", at(3, 11, 12)),
        shape(
            "[ops] must be a table of named ops, not int",
            at(4, 7, 8),
            'name each one: [ops.app_dir] op = "files.directory" …',
        ),
        shape(
            "[handlers] must be a table of named ops, not str",
            at(5, 12, 15),
            'name each one: [handlers.app_dir] op = "files.directory" …',
        ),
    ]


def test_vars_are_read_as_written() -> None:
    assert read('[vars]\nport = 80\nname = "web"\n').vars == {"port": 80, "name": "web"}


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ('[hosts.web1]\nssh = "root@10.0.0.1"\n', True),
        ("[groups.web]\nhosts = []\n", True),
        ('[vars]\nhosts = "not the section"\n', False),
    ],
    ids=["hosts", "groups-only", "neither"],
)
def test_an_inventory_is_read_when_hosts_or_groups_are_declared(text: str, declared: bool) -> None:
    assert (read(text).inventory is not None) == declared


def test_inventory_errors_are_reported_with_the_others() -> None:
    assert problems("hosts = 5\nzzz = 1\n") == [
        shape("[hosts] must be a table, not int", at(1, 9, 10)),
        Diagnostic("unknown-section", 'unknown top-level key "zzz"', at(2, 1, 4), SECTIONS_HINT),
    ]


# -- [python] and secrets ----------------------------------------------------------------


def test_python_modules_are_resolved_beside_the_spec() -> None:
    spec = read('[python]\nmodules = ["lib/a.py", "../b.py"]\n')
    assert spec.modules == (("/specs/lib/a.py", at(2, 12, 22)), ("/b.py", at(2, 24, 33)))


def test_one_python_module_as_a_string() -> None:
    spec = read('[python]\nmodules = "lib/ops.py"\n')
    assert spec.modules == (("/specs/lib/ops.py", at(2, 11, 23)),)


def test_python_takes_only_modules() -> None:
    assert problems('[python]\nmodules = []\ndeploys = ["x.py"]\n') == [
        Diagnostic(
            "unknown-key",
            'unknown key "deploys" in [python]',
            at(3, 1, 8),
            '[python] takes modules = ["lib/ops.py"]; deploys go in include',
        )
    ]


def test_secrets_files_are_resolved_beside_the_spec() -> None:
    assert read('secrets = ["keys.toml", "/etc/s.yaml"]\n').secrets == (
        ("/specs/keys.toml", at(1, 12, 23)),
        ("/etc/s.yaml", at(1, 25, 38)),
    )
    assert read('secrets = "keys.toml"\n').secrets == (("/specs/keys.toml", at(1, 11, 22)),)


def test_modules_and_secrets_must_be_names() -> None:
    assert problems('secrets = 5\n[python]\nmodules = ["a.py", 2]\n') == [
        shape("secrets must be a string or a list of strings, not int", at(1, 11, 12)),
        shape("python modules must be a string or a list of strings, not list", at(3, 11, 22)),
    ]


# -- ops and handlers ----------------------------------------------------------------------

OPS = """
    [ops.app]
    op = "files.directory"
    path = "/srv/app"
    mode = "0755"
    hosts = "web"
    when = "x > 1"
    for_each = ["a", "b"]
    requires = ["base"]
    before = "late"
    notify = ["restart"]
    tags = ["t1", "t2"]
    desc = "the app dir"
    become = "app"

    [ops.plain]
    op = "files.file"
    path = "/x"

    [handlers.restart]
    op = "service.restarted"
    name = "nginx"
    become = true
"""


def test_ops_split_reserved_keys_from_arguments() -> None:
    spec = read(OPS)
    doc = spec.doc
    assert spec.ops == (
        OpDecl(
            id="app",
            kind="files.directory",
            args={"path": "/srv/app", "mode": "0755"},
            path=("ops", "app"),
            doc=doc,
            handler=False,
            hosts=("web",),
            when="x > 1",
            for_each=["a", "b"],
            requires=("base",),
            before=("late",),
            notify=("restart",),
            tags=("t1", "t2"),
            desc="the app dir",
            become="app",
        ),
        OpDecl(id="plain", kind="files.file", args={"path": "/x"}, path=("ops", "plain"), doc=doc),
    )
    assert spec.handlers == (
        OpDecl(
            id="restart",
            kind="service.restarted",
            args={"name": "nginx"},
            path=("handlers", "restart"),
            doc=doc,
            handler=True,
            become=True,
        ),
    )


def test_an_op_is_located_at_its_name() -> None:
    spec = read(OPS)
    assert spec.ops[1].span == at(15, 6, 11)
    assert spec.handlers[0].span == at(19, 11, 18)


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("when = true", {"when": "true"}),
        ("when = false", {"when": "false"}),
        ('for_each = "dirs"', {"for_each": "dirs"}),
        ("for_each = { a = 1 }", {"for_each": {"a": 1}}),
        ("for_each = []", {"for_each": []}),
        ("become = false", {"become": False}),
        ('desc = ""', {"desc": ""}),
    ],
)
def test_reserved_values(line: str, want: dict[str, object]) -> None:
    (op,) = read(f'[ops.a]\nop = "files.file"\n{line}\n').ops
    got = {"when": op.when, "for_each": op.for_each, "become": op.become, "desc": op.desc}
    assert {k: got[k] for k in want} == want
    assert op.args == {}


def test_the_shape_of_every_reserved_key_is_checked() -> None:
    text = """
        [ops.a]
        op = 5
        [ops.b]
        op = "files.file"
        hosts = 1
        requires = ["x", 2]
        when = 3
        for_each = 4
        become = ""
        desc = 7
        before = {}
        notify = 1.5
        tags = [true]
        [handlers.h]
        op = "service.restarted"
        notify = "other"
    """
    assert problems(text) == [
        Diagnostic(
            "missing-key",
            'op a needs "op"',
            at(1, 6, 7),
            'say which operation to run, e.g. op = "files.directory"',
        ),
        shape('"hosts" of b must be a string or a list of strings, not int', at(5, 9, 10)),
        shape('"requires" of b must be a string or a list of strings, not list', at(6, 12, 20)),
        shape('"when" of b must be an expression in a string, not int', at(7, 8, 9), WHEN_HINT),
        shape(
            '"for_each" of b must be an expression in a string, not int',
            at(8, 12, 13),
            "write it as a string: for_each = \"['a', 'b']\"",
        ),
        shape(
            '"become" of b must be true, false or a user name, not str',
            at(9, 10, 12),
            'become = true runs the op as root through sudo; become = "app" as app',
        ),
        shape('"desc" of b must be a string, not int', at(10, 8, 9)),
        shape('"before" of b must be a string or a list of strings, not dict', at(11, 10, 12)),
        shape('"notify" of b must be a string or a list of strings, not float', at(12, 10, 13)),
        shape('"tags" of b must be a string or a list of strings, not list', at(13, 8, 14)),
        Diagnostic(
            "bad-value",
            '"notify": handlers cannot notify other handlers',
            at(16, 1, 7),
            "give the handler's work to one handler, or use requires",
        ),
    ]


def test_an_op_or_handler_that_is_not_a_table() -> None:
    assert problems("[ops]\nc = 5\n[handlers]\nh = 'x'\n") == [
        shape(
            "op c must be a table, not int",
            at(2, 5, 6),
            'write it as a table: [ops.c] op = "files.file" …',
        ),
        shape(
            "handler h must be a table, not str",
            at(4, 5, 8),
            'write it as a table: [handlers.h] op = "files.file" …',
        ),
    ]


@pytest.mark.parametrize("file", ["/specs/site.yaml", "/specs/SITE.YML"])
def test_a_yaml_spec_is_shown_the_yaml_way_to_write_an_expression(file: str) -> None:
    (d,) = problems("ops:\n  a:\n    op: files.file\n    when: 3\n", file)
    assert d == shape(
        '"when" of a must be an expression in a string, not int',
        at(4, 11, 12, file),
        "write it as a string: when: \"facts.os.id == 'debian'\"",
    )


# -- includes --------------------------------------------------------------------------------


def test_an_include_as_a_string() -> None:
    spec = read('include = "roles/web.toml"\n')
    assert spec.includes == (
        IncludeDecl("/specs/roles/web.toml", "web", {}, None, None, (), ("include",), spec.doc),
    )
    assert spec.includes[0].span == at(1, 11, 27)


def test_an_include_as_a_table() -> None:
    spec = read('include = { file = "db.yaml", name = "database" }\n')
    assert spec.includes == (
        IncludeDecl("/specs/db.yaml", "database", {}, None, None, (), ("include",), spec.doc),
    )


def test_a_list_of_includes_with_every_parameter() -> None:
    spec = read(
        """
        [[include]]
        file = "../common/base.toml"

        [[include]]
        file = "db.yaml"
        name = "database"
        vars = { port = 5432 }
        hosts = ["db1", "db2"]
        when = true
        tags = "data"
        """
    )
    doc = spec.doc
    assert spec.includes == (
        IncludeDecl("/common/base.toml", "base", {}, None, None, (), ("include", 0), doc),
        IncludeDecl(
            "/specs/db.yaml",
            "database",
            {"port": 5432},
            ("db1", "db2"),
            "true",
            ("data",),
            ("include", 1),
            doc,
        ),
    )
    assert spec.includes[1].span == at(4, 1, 12)


def test_an_empty_include_name_falls_back_to_the_file_stem() -> None:
    (inc,) = read('include = { file = "roles/web.v2.toml", name = "" }\n').includes
    assert inc.name == "web.v2"


def test_every_include_problem_is_reported() -> None:
    text = """
        include = [
          5,
          { name = "x" },
          { file = "a.toml", bogus = 1, nmae = "y", vars = [1], hosts = 2, when = 3, tags = 4 },
          { file = "b.toml", name = 7 },
          { file = "c.toml", tags = [1] },
        ]
    """
    assert problems(text) == [
        shape(INCLUDE_SHAPE + "int", at(2, 3, 4), INCLUDE_HINT),
        shape(INCLUDE_SHAPE + "dict", at(3, 3, 17), INCLUDE_HINT),
        Diagnostic(
            "unknown-key",
            'unknown key "bogus" in an include',
            at(4, 22, 27),
            "include takes: file, name, vars, hosts, when, tags",
        ),
        Diagnostic(
            "unknown-key", 'unknown key "nmae" in an include', at(4, 33, 37), 'did you mean "name"?'
        ),
        shape("include vars must be a table, not list", at(4, 52, 55)),
        shape("include hosts must be a string or a list of strings, not int", at(4, 65, 66)),
        shape("include when must be an expression in a string, not int", at(4, 75, 76), WHEN_HINT),
        shape("include tags must be a string or a list of strings, not int", at(4, 85, 86)),
        shape("include name must be a string, not int", at(5, 29, 30)),
        shape("include tags must be a string or a list of strings, not list", at(6, 29, 32)),
    ]


def test_an_include_table_with_an_unknown_key_is_located_in_the_table() -> None:
    assert problems('include = { file = "a.toml", fiel = "b.toml" }\n') == [
        Diagnostic(
            "unknown-key", 'unknown key "fiel" in an include', at(1, 30, 34), 'did you mean "file"?'
        )
    ]


def test_an_include_string_with_a_bad_shape_elsewhere_is_located_at_the_include() -> None:
    assert problems("include = { name = 'x' }\n") == [
        shape(INCLUDE_SHAPE + "dict", at(1, 11, 25), INCLUDE_HINT)
    ]
