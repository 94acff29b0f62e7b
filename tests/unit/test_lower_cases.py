"""compiler/lower.py: lowering a spec for each host: the variable layers, host selection,
includes, for_each ids, when, arguments and their errors, secrets, references and
their spans, Python deploy includes, rounds of facts and reuse between hosts."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.diagnostics import SpecError
from specops.compiler.facts import FactKey, JsonFacts
from specops.compiler.frontend import Options, compile_file, explain_vars, prepare
from specops.compiler.ir import LOCAL, Connection, OpNode, Program
from specops.compiler.lower import lower_all
from specops.compiler.lower_op import host_variables
from specops.compiler.source import Span
from specops.compiler.values import Sensitive
from specops.runtime.catalog import CATALOG

HOSTS = """
[hosts.web1]
local = true
vars = { tier = "front" }
[hosts.web2]
local = true
[hosts.db1]
local = true
vars = { port = 5433 }
[groups.web]
hosts = ["web1", "web2"]
vars = { port = 80, tier = "web" }
[groups.all]
hosts = ["web", "db1"]
vars = { port = 1, region = "eu" }
"""


def write(tmp: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return tmp / next(iter(files))


def build(tmp: Path, files: Mapping[str, str], **opts: Any) -> Program:
    return compile_file(str(write(tmp, files)), CATALOG, Options(optimized=False, **opts))


def nodes(program: Program, host: str = "@local") -> dict[str, OpNode]:
    return {o.id: o for o in program.host(host).ops}


def arg(program: Program, name: str, host: str = "@local", key: str = "path") -> Any:
    return nodes(program, host)[name].args[key]


Problem = tuple[str, int, int, str, str | None]


def problems(tmp: Path, files: Mapping[str, str], **opts: Any) -> list[Problem]:
    """Each diagnostic as (code, line, column, message, hint); line 0: no position."""
    with pytest.raises(SpecError) as e:
        build(tmp, files, **opts)
    return [
        (d.code, d.span.line if d.span else 0, d.span.col if d.span else 0, d.message, d.hint)
        for d in e.value.diagnostics
    ]


# -- the variable layers ------------------------------------------------------------------

LAYERED = {
    "site.toml": """\
        secrets = "secrets.toml"
        include = [{ file = "role.toml", vars = { v3 = "params", v4 = "params", v5 = "params",
                     v6 = "params", v7 = "params" } }]
        [hosts.h]
        local = true
        vars = { v6 = "host", v7 = "host" }
        [groups.g]
        hosts = ["h"]
        vars = { v5 = "group", v6 = "group", v7 = "group" }
        [vars]
        v2 = "spec"
        v3 = "spec"
        v4 = "spec"
        v5 = "spec"
        v6 = "spec"
        v7 = "spec"
        """,
    "role.toml": """\
        [vars]
        v1 = "defaults"
        v2 = "defaults"
        v3 = "defaults"
        v4 = "defaults"
        v5 = "defaults"
        v6 = "defaults"
        v7 = "defaults"
        [ops.plain]
        op = "files.file"
        path = "/etc/plain"
        content = "${v1} ${v2} ${v3} ${v5} ${v6} ${v7}"
        [ops.secret]
        op = "files.file"
        path = "/etc/secret"
        content = "${v4}"
        """,
    "secrets.toml": 'v4 = "secret"\n',
}


def test_each_layer_overrides_the_ones_below_it(tmp_path: Path) -> None:
    p = build(tmp_path, LAYERED, variables={"v7": "cli"})
    got = nodes(p, "h")
    assert got["role/plain"].args["content"] == "defaults spec params group host cli"
    assert got["role/plain"].sensitive == ()
    assert got["role/secret"].args["content"] == "secret"
    assert got["role/secret"].sensitive == ("content",)
    assert got["role/secret"].secrets == ("secret",)


def test_explain_vars_names_the_layer_each_value_came_from(tmp_path: Path) -> None:
    path = write(tmp_path, LAYERED)
    rows = explain_vars(str(path), CATALOG, "h", Options(variables={"v7": "cli"}))
    got = {name: (value, origin.label) for name, value, origin in rows}
    assert got == {
        "v2": ("spec", "spec vars"),
        "v3": ("spec", "spec vars"),
        "v4": ("(sensitive)", "secrets secrets.toml"),
        "v5": ("group", "group g"),
        "v6": ("host", "host h"),
        "v7": ("cli", "--var"),
    }
    spans = {name: origin.span for name, _, origin in rows}
    assert spans["v2"] == Span(str(path), 11, 1, 11, 3)
    assert spans["v5"] == Span(str(path), 9, 10, 9, 12)
    assert spans["v6"] == Span(str(path), 6, 10, 6, 12)
    assert spans["v4"] == Span(str(tmp_path / "secrets.toml"), 1, 1, 1, 3)
    assert spans["v7"] is None


def test_nested_groups_override_the_groups_holding_them(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": HOSTS
            + """
            [ops.a]
            op = "files.file"
            path = "/etc/a"
            content = "${port} ${ default(tier, '-') } ${region}"
            """
        },
    )
    assert arg(p, "a", "web1", "content") == "80 front eu"
    assert arg(p, "a", "web2", "content") == "80 web eu"
    assert arg(p, "a", "db1", "content") == "5433 - eu"


def test_host_vars_hold_every_variable_and_host_its_name(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [hosts.h]
            local = true
            vars = { port = 80 }
            [vars]
            app = "shop"
            [ops.v]
            op = "files.directory"
            path = "/srv/${key}/${item}"
            for_each = "host.vars"
            [ops.name]
            op = "files.directory"
            path = "/srv/${ host.name }"
            """
        },
    )
    assert {i: o.args["path"] for i, o in nodes(p, "h").items()} == {
        "v[app]": "/srv/app/shop",
        "v[port]": "/srv/port/80",
        "name": "/srv/h",
    }


def spec(*parts: str) -> str:
    """Spec text from parts written at any indentation."""
    return "".join(textwrap.dedent(p) for p in parts)


# -- host selection -----------------------------------------------------------------------


def test_an_unknown_host_of_an_op_points_at_its_entry(tmp_path: Path) -> None:
    text = spec(
        HOSTS,
        """\
        [ops.a]
        op = "files.directory"
        path = "/a"
        hosts = ["web1", "!wbe2", "!dbx", "!XDB1"]
        [ops.b]
        op = "files.directory"
        path = "/b"
        hosts = "dbb"
        """,
    )
    assert text.splitlines()[18] == 'hosts = ["web1", "!wbe2", "!dbx", "!XDB1"]'
    # the "!" is left out of the suggestion ("!dbx" is not close to "db1", "dbx" is)
    assert problems(tmp_path, {"s.toml": text}) == [
        ("unknown-host", 19, 18, 'no host or group named "!wbe2"', 'did you mean "web2"?'),
        ("unknown-host", 19, 27, 'no host or group named "!dbx"', 'did you mean "db1"?'),
        ("unknown-host", 19, 35, 'no host or group named "!XDB1"', None),
        ("unknown-host", 23, 9, 'no host or group named "dbb"', 'did you mean "db1"?'),
    ]


def test_an_unknown_host_of_the_limit_has_no_position(tmp_path: Path) -> None:
    files = {"s.toml": spec(HOSTS, '[ops.a]\nop = "files.directory"\npath = "/a"\n')}
    assert problems(tmp_path, files, limit=["wbe1", "!dbx", "web2", "!XDB1"]) == [
        ("unknown-host", 0, 0, 'no host or group named "wbe1"', 'did you mean "web1"?'),
        ("unknown-host", 0, 0, 'no host or group named "!dbx"', 'did you mean "db1"?'),
        ("unknown-host", 0, 0, 'no host or group named "!XDB1"', None),  # only "!" is left out
    ]


def test_the_limit_selects_hosts_and_ops_select_theirs(tmp_path: Path) -> None:
    files = {
        "s.toml": spec(
            HOSTS,
            """\
            [ops.a]
            op = "files.directory"
            path = "/a"
            hosts = ["all", "!web2"]
            [ops.b]
            op = "files.directory"
            path = "/b"
            hosts = "web"
            """,
        )
    }
    every = build(tmp_path, files)
    assert [(h.name, [o.id for o in h.ops]) for h in every.hosts] == [
        ("web1", ["a", "b"]),
        ("web2", ["b"]),
        ("db1", ["a"]),
    ]
    limited = build(tmp_path, files, limit=["web*", "!web1"])
    assert [(h.name, [o.id for o in h.ops]) for h in limited.hosts] == [("web2", ["b"])]
    assert build(tmp_path, files, limit=[]).hosts == ()


# -- includes -----------------------------------------------------------------------------


def test_an_include_narrowed_to_hosts_reports_an_unknown_one_at_its_entry(
    tmp_path: Path,
) -> None:
    files = {
        "s.toml": spec('include = [{ file = "r.toml", hosts = ["web", "dbx"] }]\n', HOSTS),
        "r.toml": '[ops.a]\nop = "files.directory"\npath = "/a"\n',
    }
    assert problems(tmp_path, files) == [
        ("unknown-host", 1, 47, 'no host or group named "dbx"', 'did you mean "db1"?'),
    ]
    files["s.toml"] = spec('include = [{ file = "r.toml", hosts = ["web"] }]\n', HOSTS)
    p = build(tmp_path, files)
    assert [(h.name, [o.id for o in h.ops]) for h in p.hosts] == [
        ("web1", ["r/a"]),
        ("web2", ["r/a"]),
        ("db1", []),
    ]


INCLUDE_WHEN = {
    "s.toml": """\
        include = [
          { file = "r.toml", name = "on", vars = { enabled = true } },
          { file = "r.toml", name = "off", vars = { enabled = false } },
          { file = "r.toml", name = "front", when = "tier == 'front'", vars = { enabled = true } },
        ]
        [hosts.web1]
        local = true
        vars = { tier = "front" }
        [hosts.web2]
        local = true
        vars = { tier = "back" }
        """,
    "r.toml": """\
        include = [{ file = "inner.toml", when = "enabled" }]
        [ops.a]
        op = "files.directory"
        path = "/a"
        """,
    "inner.toml": """\
        [ops.b]
        op = "files.directory"
        path = "/b"
        """,
}


def test_an_include_when_is_evaluated_per_host_with_the_include_parameters(
    tmp_path: Path,
) -> None:
    p = build(tmp_path, INCLUDE_WHEN)
    assert [(h.name, [o.id for o in h.ops]) for h in p.hosts] == [
        ("web1", ["on/inner/b", "on/a", "off/a", "front/inner/b", "front/a"]),
        ("web2", ["on/inner/b", "on/a", "off/a"]),
    ]


def test_an_include_when_does_not_see_the_included_files_own_defaults(tmp_path: Path) -> None:
    files = {
        "s.toml": 'include = [{ file = "r.toml", when = "flag" }]\n',
        "r.toml": '[vars]\nflag = true\n[ops.a]\nop = "files.directory"\npath = "/a"\n',
    }
    assert problems(tmp_path, files) == [
        ("undefined-name", 1, 39, 'name "flag" is not defined', "defined names: facts, host"),
    ]


def test_an_include_when_must_be_a_boolean(tmp_path: Path) -> None:
    files = {
        "s.toml": 'include = [{ file = "r.toml", when = "name" }]\n[vars]\nname = "x"\n',
        "r.toml": '[ops.a]\nop = "files.directory"\npath = "/a"\n',
    }
    assert problems(tmp_path, files) == [
        (
            "when-not-boolean",
            1,
            38,
            '"when" must be true or false, not a string',
            'compare explicitly, e.g. when = "port > 0" or "name != \'\'"',
        ),
    ]


def test_an_include_when_reading_a_fact_waits_for_it(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"hosts": {"*": {"os": {"id": "debian"}}, "b": {"os": {}}}}))
    files = {
        "s.toml": """\
            include = [{ file = "r.toml", when = "default(facts.os.id, '') == 'debian'" }]
            [hosts.a]
            local = true
            [hosts.b]
            local = true
            """,
        "r.toml": '[ops.x]\nop = "files.directory"\npath = "/x"\n',
    }
    p = build(tmp_path, files, facts=JsonFacts(str(facts)))
    assert [(h.name, [o.id for o in h.ops]) for h in p.hosts] == [("a", ["r/x"]), ("b", [])]


# -- for_each ids ---------------------------------------------------------------------------


def test_loop_ids_come_from_text_items_map_keys_or_positions(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [vars]
            mixed = ["logs", 7, "", "a]b", "a[b", "logs", "x", "logs"]
            conf = { b = 1, a = "x" }
            [ops.d]
            op = "files.directory"
            path = "/srv/${key}"
            for_each = "mixed"
            [ops.m]
            op = "files.directory"
            path = "/m/${key}/${item}"
            for_each = "conf"
            [ops.n]
            op = "files.directory"
            path = "/n/${item}"
            for_each = [true, 1.5]
            """
        },
    )
    assert {i: o.args["path"] for i, o in nodes(p).items()} == {
        "d[logs]": "/srv/0",
        "d[1]": "/srv/1",
        "d[2]": "/srv/2",
        "d[3]": "/srv/3",
        "d[a[b]": "/srv/4",
        "d[5]": "/srv/5",  # the second "logs": its position, as the id is taken
        "d[x]": "/srv/6",
        "d[7]": "/srv/7",
        "m[b]": "/m/b/1",
        "m[a]": "/m/a/x",
        "n[0]": "/n/true",
        "n[1]": "/n/1.5",
    }


def test_a_repeated_item_takes_the_count_of_ids_so_far(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [ops.d]
            op = "files.directory"
            path = "/srv/${key}"
            for_each = ["a", "b", "a", "a"]
            """
        },
    )
    assert list(nodes(p)) == ["d[a]", "d[b]", "d[2]", "d[3]"]


def test_a_loop_over_secrets_is_keyed_by_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPECOPS_TEST_USER", "alice")
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [ops.u]
            op = "files.directory"
            path = "/home/${item}"
            for_each = ["bob", "${ env('SPECOPS_TEST_USER') }"]
            [ops.m]
            op = "files.directory"
            path = "/m/${key}"
            for_each = { k = "${ env('SPECOPS_TEST_USER') }" }
            """
        },
    )
    got = nodes(p)
    assert list(got) == ["u[0]", "u[1]", "m[k]"]
    assert got["u[0]"].args["path"] == "/home/bob"
    assert got["u[0]"].sensitive == ("path",)  # the item is secret: the whole list is
    assert got["u[1]"].args["path"] == "/home/alice"
    assert got["m[k]"].sensitive == ()


def test_for_each_must_be_a_list_or_a_map(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [vars]
            count = 3
            [ops.a]
            op = "files.directory"
            path = "/a/${item}"
            for_each = "count"
            [ops.b]
            op = "files.directory"
            path = "/b"
            for_each = "nope"
            [ops.c]
            op = "files.directory"
            path = "/c"
            for_each = ["${ gone }"]
            """
    }
    assert problems(tmp_path, files) == [
        (
            "for-each-type",
            6,
            12,
            '"for_each" must be a list or a map, not an integer',
            'for_each = ["a", "b"], "[\'a\', \'b\']" or the name of a list or map',
        ),
        (
            "undefined-name",
            10,
            13,
            'name "nope" is not defined',
            "defined names: count, facts, host",
        ),
        (
            "undefined-name",
            14,
            17,
            'name "gone" is not defined',
            "defined names: count, facts, host",
        ),
    ]


# -- when -----------------------------------------------------------------------------------


def test_when_is_evaluated_per_item(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [ops.d]
            op = "files.directory"
            path = "/d/${item}"
            for_each = [1, 2, 3, 4]
            when = "item % 2 == 0"
            [ops.never]
            op = "files.directory"
            path = "/never"
            when = "false"
            [ops.always]
            op = "files.directory"
            path = "/always"
            when = "true"
            """
        },
    )
    assert list(nodes(p)) == ["d[1]", "d[3]", "always"]


def test_when_must_be_a_boolean_and_a_secret_boolean_is_one(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            secrets = "sec.toml"
            [ops.a]
            op = "files.directory"
            path = "/a"
            when = "flag"
            [ops.b]
            op = "files.directory"
            path = "/b"
            when = "[1]"
            [ops.c]
            op = "files.directory"
            path = "/c"
            when = "nope"
            """,
        "sec.toml": "flag = true\n",
    }
    hint = 'compare explicitly, e.g. when = "port > 0" or "name != \'\'"'
    assert problems(tmp_path, files) == [
        ("when-not-boolean", 9, 8, '"when" must be true or false, not a list', hint),
        ("undefined-name", 13, 9, 'name "nope" is not defined', "defined names: facts, flag, host"),
    ]
    files["s.toml"] = files["s.toml"].split("[ops.b]")[0]
    assert list(nodes(build(tmp_path, files))) == ["a"]


# -- arguments and their errors ---------------------------------------------------------


def test_an_argument_that_failed_is_not_also_missing_or_mistyped(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [ops.a]
            op = "files.file"
            path = "${ nope }"
            mode = "${ 1 / 0 }"
            """
    }
    assert problems(tmp_path, files) == [
        ("undefined-name", 3, 12, 'name "nope" is not defined', "defined names: facts, host"),
        ("expr-value", 4, 12, "division by zero", None),
    ]


def test_argument_errors_point_at_the_key_or_the_value(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [vars]
            port = 80
            [ops.a]
            op = "files.file"
            path = "/a"
            contnt = "x"
            mode = "0999"
            [ops.b]
            op = "files.file"
            path = "/b"
            content = "${ port }"
            [ops.c]
            op = "files.file"
            path = "/c"
            content = 80
            [ops.d]
            op = "mysql.user"
            name = "u"
            present = "yes ${ port }"
            """
    }
    lone = "a value that is exactly ${…} keeps its type: write ${ str(…) } for text"
    quote = "quote it: unquoted, 1.10 reads as the number 1.1 and yes/true as a boolean"
    assert problems(tmp_path, files) == [
        ("unknown-argument", 6, 1, 'files.file has no argument "contnt"',
         'did you mean "content"?'),
        ("bad-value", 7, 8, '"mode": \'0999\' is not an octal file mode like "0644"', None),
        ("wrong-type", 11, 11, '"content" of files.file must be a string, not an integer (80)',
         lone),
        ("wrong-type", 15, 11, '"content" of files.file must be a string, not an integer (80)',
         quote),
        ("wrong-type", 19, 11, '"present" of mysql.user must be a boolean, not a string', None),
    ]  # fmt: skip


def test_an_unknown_operation_lowers_to_nothing(tmp_path: Path) -> None:
    files = {"s.toml": '[ops.a]\nop = "files.nope"\npath = "/a"\n'}
    assert [c for c, *_ in problems(tmp_path, files)] == ["unknown-op"]


# -- secrets --------------------------------------------------------------------------------


def test_a_secret_never_appears_in_an_error_message(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            secrets = "sec.toml"
            [ops.a]
            op = "files.file"
            path = "/a"
            content = "${ code }"
            mode = "0999"
            [ops.b]
            op = "files.file"
            path = "/b"
            content = "${ pin }"
            mode = "1234x"
            [ops.c]
            op = "files.file"
            path = "/c"
            content = "${ empty }"
            mode = "0888"
            """,
        "sec.toml": 'code = "0999"\npin = 1234\nempty = ""\n',
    }
    assert [(line, msg) for _, line, _, msg, _ in problems(tmp_path, files)] == [
        (6, '"mode": (sensitive) is not an octal file mode like "0644"'),
        (10, '"content" of files.file must be a string, not an integer'),
        (11, '"mode": \'(sensitive)x\' is not an octal file mode like "0644"'),
        (16, '"mode": \'0888\' is not an octal file mode like "0644"'),
    ]


def test_an_argument_declared_secret_is_sensitive_when_it_has_a_value(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            [vars]
            pw = "plain-text-pw"
            [ops.a]
            op = "mysql.user"
            name = "a"
            password = "${ pw }"
            [ops.b]
            op = "mysql.user"
            name = "b"
            password = ""
            [ops.c]
            op = "mysql.user"
            name = "c"
            """
        },
    )
    got = nodes(p)
    assert (got["a"].sensitive, got["a"].secrets) == (("password",), ("plain-text-pw",))
    assert (got["b"].sensitive, got["b"].secrets) == ((), ())
    assert (got["c"].sensitive, got["c"].secrets) == ((), ())


def test_the_secrets_of_a_node_are_those_in_its_sensitive_args_longest_first(
    tmp_path: Path,
) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """\
            secrets = "sec.toml"
            [ops.a]
            op = "files.file"
            path = "/a"
            content = "${ short }:${ long }"
            [ops.b]
            op = "files.file"
            path = "/b"
            content = "${ short }"
            """,
            "sec.toml": 'short = "zz12"\nlong = "ab12cd34"\nunused = "yy99"\n',
        },
    )
    got = nodes(p)
    assert got["a"].args["content"] == "zz12:ab12cd34"
    assert got["a"].secrets == ("ab12cd34", "zz12")  # by length, not by text
    assert got["b"].secrets == ("zz12",)


def test_a_secret_inside_a_map_argument_is_located_by_its_path(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{{ token }}\n")
    p = build(
        tmp_path,
        {
            "s.toml": """\
            secrets = "sec.toml"
            [ops.t]
            op = "files.template"
            src = "t.j2"
            path = "/etc/t"
            vars = { token = "${ token }", n = 1 }
            """,
            "sec.toml": 'token = "t0k3n-value"\n',
        },
    )
    node = nodes(p)["t"]
    assert node.sensitive == ("vars.token",)
    assert node.secrets == ("t0k3n-value",)
    assert node.args["vars"] == {"host": {"name": "@local"}, "token": "t0k3n-value", "n": 1}


# -- what a node holds -----------------------------------------------------------------------


def test_a_node_holds_its_references_tags_description_become_and_origin(tmp_path: Path) -> None:
    files = {
        "site.toml": """\
            include = [{ file = "r.toml", tags = ["role", "b"] }]
            [hosts.h]
            local = true
            become = "deploy"
            """,
        "r.toml": """\
            [ops.a]
            op = "files.directory"
            path = "/a"
            tags = ["a", "b", "a"]
            desc = "the a directory"
            requires = ["b", "ghost"]
            before = ["c"]
            notify = ["h"]
            [ops.b]
            op = "files.directory"
            path = "/b"
            become = true
            [ops.c]
            op = "files.directory"
            path = "/c"
            become = false
            [handlers.h]
            op = "server.shell"
            command = "true"
            """,
    }
    with pytest.raises(SpecError):  # ghost is no op
        build(tmp_path, files)
    files["r.toml"] = files["r.toml"].replace(', "ghost"', "")
    got = nodes(build(tmp_path, files), "h")
    r = str(tmp_path / "r.toml")
    a = got["r/a"]
    assert (a.requires, a.notify, a.handler) == (("r/b",), ("r/h",), False)
    assert a.tags == ("a", "b", "role")
    assert a.desc == "the a directory"
    assert a.become == "deploy"
    assert a.origin == (Span(r, 1, 6, 1, 7),)
    assert a.edge_spans == {"r/b": Span(r, 6, 13, 6, 16), "before:r/c": Span(r, 7, 11, 7, 14)}
    assert got["r/b"].become is True and got["r/b"].tags == ("role", "b")
    assert got["r/b"].desc is None
    c = got["r/c"]
    assert (c.become, c.requires) == (False, ("r/a",))
    assert c.edge_spans == {"r/a": Span(r, 7, 11, 7, 14)}
    assert got["r/h"].handler is True and got["r/h"].become == "deploy"


def test_a_reference_written_as_one_name_is_located_at_its_value(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [ops.a]
            op = "files.directory"
            path = "/a"
            requires = "b"
            [ops.b]
            op = "files.directory"
            path = "/b"
            before = "a"
            """
    }
    got = nodes(build(tmp_path, files))
    s = str(tmp_path / "s.toml")
    assert got["a"].edge_spans == {"b": Span(s, 4, 12, 4, 15)}


def test_references_to_an_op_left_out_on_this_host_are_dropped(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [hosts.x]
            local = true
            [hosts.y]
            local = true
            [ops.only_x]
            op = "files.directory"
            path = "/x"
            hosts = "x"
            [ops.a]
            op = "files.directory"
            path = "/a"
            requires = ["only_x"]
            """
    }
    p = build(tmp_path, files)
    assert nodes(p, "x")["a"].requires == ("only_x",)
    assert nodes(p, "y")["a"].requires == ()


# -- files.template vars: the host's variables ------------------------------------------------


def test_a_template_gets_the_plain_variables_and_the_host_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPECOPS_TEST_TOKEN", "t0k3n")
    (tmp_path / "t.j2").write_text("{{ app }}\n")
    files = {
        "s.toml": spec(
            HOSTS,
            """\
            [vars]
            app = "shop"
            token = "${ env('SPECOPS_TEST_TOKEN') }"
            [ops.t]
            op = "files.template"
            src = "t.j2"
            path = "/etc/t/${item}"
            for_each = ["a"]
            vars = { extra = 1, app = "override" }
            [ops.u]
            op = "files.template"
            src = "t.j2"
            path = "/etc/u"
            vars = "not a map"
            hosts = "web2"
            """,
        )
    }
    # a vars that is no map is an error (it used to be dropped without a word)
    assert problems(tmp_path, files) == [
        (
            "wrong-type",
            29,
            8,
            '"vars" of files.template must be a map of any value, not a string',
            None,
        )
    ]
    files["s.toml"] = files["s.toml"].split("[ops.u]")[0]
    p = build(tmp_path, files)
    web1 = nodes(p, "web1")["t[a]"].args["vars"]
    assert web1 == {
        "port": 80,
        "tier": "front",
        "region": "eu",
        "app": "override",
        "extra": 1,
        "host": {"name": "web1"},
    }
    assert nodes(p, "web2")["t[a]"].args["vars"]["host"] == {"name": "web2"}
    assert nodes(p, "db1")["t[a]"].args["vars"] == {
        "port": 5433,
        "region": "eu",
        "app": "override",
        "extra": 1,
        "host": {"name": "db1"},
    }


def test_host_variables_leave_out_secrets_facts_and_loop_names() -> None:
    values = {
        "app": "shop",
        "token": Sensitive("t"),
        "mixed": ["a", Sensitive("b")],
        "facts": object(),
        "item": 1,
        "key": 0,
        "host": {"name": "h", "vars": {"app": "shop"}},
        "n": None,
    }
    assert host_variables(values) == {"app": "shop", "n": None, "host": {"name": "h"}}
    assert host_variables({"a": 1}) == {"a": 1}
    assert host_variables({"host": "not a map"}) == {}


def test_a_templates_source_is_relative_to_the_spec_given_by_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "roles").mkdir()
    (tmp_path / "roles" / "t.j2").write_text("x\n")
    (tmp_path / "roles" / "s.toml").write_text(
        '[ops.t]\nop = "files.template"\nsrc = "t.j2"\npath = "/etc/t"\n'
    )
    monkeypatch.chdir(tmp_path)
    p = compile_file("roles/s.toml", CATALOG, Options(optimized=False))
    assert nodes(p)["t"].args["src"] == str(tmp_path / "roles" / "t.j2")


# -- an included Python deploy ---------------------------------------------------------------

DEPLOY = """\
from specops.ops import files, server

files.directory(path="/a", _id="a", _tags=["x", "role"])
for n in ("1", "2"):
    files.directory(path="/d" + n, _id=f"d[{n}]", _requires=["a"])
files.file(path="/f", _id="f", _requires=["d", "d[1]"], _notify=["h"])
server.shell(command="true", _id="h", _handler=True)
"""


def test_an_included_deploys_ids_and_own_references_are_prefixed(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            include = [{ file = "app.py", name = "app", tags = ["role", "inc"] }]
            [ops.base]
            op = "files.directory"
            path = "/base"
            """,
        "app.py": DEPLOY,
    }
    got = nodes(build(tmp_path, files))
    assert list(got) == ["app/a", "app/d[1]", "app/d[2]", "app/f", "app/h", "base"]
    assert got["app/a"].tags == ("x", "role", "inc")
    assert got["app/d[2]"].tags == ("role", "inc")
    assert got["app/d[2]"].requires == ("app/a",)
    assert got["app/f"].requires == ("app/d[1]", "app/d[2]")
    assert got["app/f"].notify == ("app/h",)
    assert got["app/h"].handler is True


def test_an_included_deploys_id_taken_by_another_op_is_a_duplicate(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            include = [{ file = "app.py", name = "app" }, { file = "app.py", name = "app" }]
            [ops."app/a"]
            op = "files.directory"
            path = "/x"
            """,
        "app.py": 'from specops.ops import files\nfiles.directory(path="/a", _id="a")\n'
        'files.directory(path="/b", _id="b")\n',
    }
    hint = "give the include a name, or the op another _id"
    assert problems(tmp_path, files) == [
        ("duplicate-id", 2, 1, 'op id "app/a" is declared twice', hint),
        ("duplicate-id", 3, 1, 'op id "app/b" is declared twice', hint),
    ]


def test_an_included_deploy_runs_only_on_the_hosts_of_its_entry(tmp_path: Path) -> None:
    files = {
        "s.toml": spec('include = [{ file = "app.py", hosts = "db1" }]\n', HOSTS),
        "app.py": 'from specops.ops import files\nfiles.directory(path="/a", _id="a")\n',
    }
    p = build(tmp_path, files)
    assert [(h.name, [o.id for o in h.ops]) for h in p.hosts] == [
        ("web1", []),
        ("web2", []),
        ("db1", ["app/a"]),
    ]


# -- facts in rounds ---------------------------------------------------------------------------


class Facts:
    """Every fact of every host: a file's target is the next file of a chain."""

    def __init__(self) -> None:
        self.rounds: list[dict[str, set[FactKey]]] = []

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        self.rounds.append({h: set(ks) for h, ks in requests.items()})
        out: dict[str, dict[FactKey, Any]] = {}
        for host, keys in requests.items():
            out[host] = {}
            for key in keys:
                name, params = key
                if name == "file":
                    path = dict(params)["path"]
                    out[host][key] = {"exists": True, "target": path + "x"}
                else:
                    out[host][key] = f"{name} of {host}"
        return out


def chain(n: int) -> str:
    expr = "'/f'"
    for _ in range(n):
        expr = f"facts.file({expr}).target"
    return f'[ops.a]\nop = "files.directory"\npath = "${{ {expr} }}"\n'


def test_facts_that_need_other_facts_take_a_round_each(tmp_path: Path) -> None:
    source = Facts()
    p = build(tmp_path, {"s.toml": chain(4)}, facts=source)
    assert arg(p, "a") == "/fxxxx"
    assert len(source.rounds) == 4


def test_facts_that_keep_asking_for_facts_are_an_error(tmp_path: Path) -> None:
    source = Facts()
    assert problems(tmp_path, {"s.toml": chain(5)}, facts=source) == [
        ("facts-unavailable", 0, 0, "facts kept asking for more facts", None),
    ]
    assert len(source.rounds) == 5


def test_one_round_records_every_fact_the_variables_then_the_ops_need(
    tmp_path: Path,
) -> None:
    source = Facts()
    files = {
        "s.toml": """\
            [vars]
            k = "${ facts.kernel }"
            [ops.a]
            op = "files.file"
            path = "/a/${ facts.arch }"
            content = "${ facts.hostname } ${ k }"
            when = "facts.os != ''"
            [ops.b]
            op = "files.directory"
            path = "/b/${ item }"
            for_each = "[facts.os]"
            [handlers.h]
            op = "server.shell"
            command = "echo ${ facts.arch }"
            """
    }
    p = build(tmp_path, files, facts=source)
    want = {(n, ()) for n in ("arch", "hostname", "os")}
    assert source.rounds == [{"@local": {("kernel", ())}}, {"@local": want}]
    got = nodes(p)
    assert got["a"].args == {
        "path": "/a/arch of @local",
        "content": "hostname of @local kernel of @local",
        "mode": None,
        "user": None,
        "group": None,
        "validate": None,
    }
    assert list(got) == ["a", "b[os of @local]", "h"]


def test_a_when_reading_a_fact_still_decides(tmp_path: Path) -> None:
    source = Facts()
    files = {
        "s.toml": """\
            [ops.a]
            op = "files.directory"
            path = "/a"
            when = "facts.os == 'other'"
            [ops.b]
            op = "files.directory"
            path = "/b/${ facts.arch }"
            when = "facts.os == 'os of @local'"
            """
    }
    assert list(nodes(build(tmp_path, files, facts=source))) == ["b"]
    assert len(source.rounds) == 1


def test_a_host_whose_facts_cannot_be_read_gets_no_fact_ops(tmp_path: Path) -> None:
    class Half(Facts):
        def fetch(
            self, requests: Mapping[str, set[FactKey]]
        ) -> Mapping[str, Mapping[FactKey, Any]]:
            return {h: v for h, v in super().fetch(requests).items() if h != "web2"}

    files = {
        "s.toml": spec(
            HOSTS,
            """\
            [ops.a]
            op = "files.directory"
            path = "/a/${ facts.arch }"
            [ops.b]
            op = "files.directory"
            path = "/b"
            """,
        )
    }
    p = build(tmp_path, files, facts=Half())
    assert [(h.name, [o.id for o in h.ops]) for h in p.hosts] == [
        ("web1", ["a", "b"]),
        ("web2", ["b"]),
        ("db1", ["a", "b"]),
    ]


# -- reuse between hosts ------------------------------------------------------------------------


def test_hosts_with_equal_values_share_a_node_unless_their_become_differs(
    tmp_path: Path,
) -> None:
    files = {
        "s.toml": """\
            [hosts.a]
            local = true
            [hosts.b]
            local = true
            [hosts.c]
            local = true
            become = true
            [vars]
            port = 80
            [ops.x]
            op = "files.file"
            path = "/x"
            content = "${ port }!"
            [ops.y]
            op = "files.file"
            path = "/y"
            become = "root"
            """
    }
    p = build(tmp_path, files)
    x = [nodes(p, h)["x"] for h in ("a", "b", "c")]
    assert x[0] is x[1] and x[0] is not x[2]
    assert [n.become for n in x] == [False, False, True]
    y = [nodes(p, h)["y"] for h in ("a", "b", "c")]
    assert y[0] is y[1] and y[1] is y[2]
    assert y[2].become == "root"


def test_the_same_relative_spec_name_in_another_directory_is_another_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two compiles in one process (the API): the second used the first's directory."""
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "t.j2").write_text("x\n")
        (tmp_path / d / "s.toml").write_text(
            '[ops.t]\nop = "files.template"\nsrc = "t.j2"\npath = "/etc/t"\n'
        )
    got = []
    for d in ("one", "two"):
        monkeypatch.chdir(tmp_path / d)
        p = compile_file("s.toml", CATALOG, Options(optimized=False))
        got.append(nodes(p)["t"].args["src"])
    assert got == [str(tmp_path / "one" / "t.j2"), str(tmp_path / "two" / "t.j2")]


def test_a_missing_argument_points_at_the_op(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [vars]
            m = "0999"
            [ops.a]
            op = "files.file"
            content = "x"
            [ops.b]
            op = "files.directory"
            path = "/b"
            mode = "${ m }"
            """
    }
    assert problems(tmp_path, files) == [
        ("missing-argument", 3, 6, 'files.file needs argument "path"', None),
        ("bad-value", 9, 8, '"mode": \'0999\' is not an octal file mode like "0644"', None),
    ]


def test_a_variable_may_use_the_host_name(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [hosts.web1]
            local = true
            [vars]
            url = "http://${ host.name }:80"
            [ops.a]
            op = "files.file"
            path = "/etc/url"
            content = "${ url }"
            """
    }
    assert arg(build(tmp_path, files), "a", "web1", "content") == "http://web1:80"


# -- more of a round: units in order, tags, connections ------------------------------------------


def test_ops_of_a_deploy_included_after_a_spec_follow_the_specs(tmp_path: Path) -> None:
    files = {
        "s.toml": 'include = ["r.toml", "app.py"]\n'
        '[ops.top]\nop = "files.directory"\npath = "/t"\n',
        "r.toml": '[ops.a]\nop = "files.directory"\npath = "/a"\n',
        "app.py": 'from specops.ops import files\nfiles.directory(path="/p", _id="p")\n',
    }
    assert list(nodes(build(tmp_path, files))) == ["r/a", "app/p", "top"]


def test_without_a_python_runner_an_included_deploy_adds_nothing(tmp_path: Path) -> None:
    files = {
        "s.toml": 'include = ["app.py"]\n[ops.top]\nop = "files.directory"\npath = "/t"\n',
        "app.py": 'from specops.ops import files\nfiles.directory(path="/p", _id="p")\n',
    }
    low = prepare(str(write(tmp_path, files)), CATALOG, Options())
    low.run_python = None
    (hp,) = lower_all(low, None).hosts
    assert [o.id for o in hp.ops] == ["top"]


def test_tags_select_the_ops_a_round_keeps(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            include = [{ file = "r.toml", tags = ["role"] }]
            [ops.top]
            op = "files.directory"
            path = "/t"
            tags = ["top"]
            """,
        "r.toml": '[ops.a]\nop = "files.directory"\npath = "/a"\n',
    }
    assert list(nodes(build(tmp_path, files, tags=["role"]))) == ["r/a"]
    assert list(nodes(build(tmp_path, files, skip_tags=["role"]))) == ["top"]
    assert list(nodes(build(tmp_path, files, tags=["role", "top"], skip_tags=["top"]))) == ["r/a"]


def test_each_host_keeps_its_connection(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [hosts.a]
            ssh = "deploy@10.0.0.1:2222"
            [hosts.b]
            local = true
            [ops.x]
            op = "files.directory"
            path = "/x"
            """
    }
    p = build(tmp_path, files)
    assert [(h.name, h.connection) for h in p.hosts] == [
        ("a", Connection("ssh", user="deploy", address="10.0.0.1", port=2222)),
        ("b", LOCAL),
    ]


def test_a_unit_whose_variables_wait_for_a_fact_does_not_hold_up_the_next(
    tmp_path: Path,
) -> None:
    source = Facts()
    files = {
        "s.toml": """\
            include = ["r.toml"]
            [ops.top]
            op = "files.directory"
            path = "/${ facts.arch }"
            """,
        "r.toml": '[vars]\nv = "${ facts.os }"\n[ops.a]\nop = "files.directory"\npath = "/${v}"\n',
    }
    p = build(tmp_path, files, facts=source)
    assert source.rounds == [{"@local": {("os", ()), ("arch", ())}}]
    assert [o.args["path"] for o in p.host("@local").ops] == ["/os of @local", "/arch of @local"]


def test_the_ops_of_an_include_whose_when_waits_for_a_fact_are_not_evaluated_yet(
    tmp_path: Path,
) -> None:
    source = Facts()
    files = {
        "s.toml": 'include = [{ file = "r.toml", when = "facts.os != \'\'" }]\n',
        "r.toml": '[ops.a]\nop = "files.directory"\npath = "/${ facts.arch }"\n',
    }
    p = build(tmp_path, files, facts=source)
    assert source.rounds == [{"@local": {("os", ())}}, {"@local": {("arch", ())}}]
    assert [o.id for o in p.host("@local").ops] == ["r/a"]


def test_references_of_ops_lowered_per_host(tmp_path: Path) -> None:
    """Templates (their vars are the host's) and ops reading host are lowered for each
    host, without reuse: their references are resolved all the same."""
    (tmp_path / "t.j2").write_text("x\n")
    files = {
        "s.toml": """\
            [hosts.a]
            local = true
            [hosts.b]
            local = true
            [ops.d]
            op = "files.directory"
            path = "/d"
            [ops.t]
            op = "files.template"
            src = "t.j2"
            path = "/t"
            requires = ["d"]
            notify = ["h"]
            [ops.n]
            op = "files.directory"
            path = "/n/${ host.name }"
            requires = ["t"]
            [handlers.h]
            op = "server.shell"
            command = "true"
            """
    }
    p = build(tmp_path, files)
    for host in ("a", "b"):
        got = nodes(p, host)
        assert (got["t"].requires, got["t"].notify) == (("d",), ("h",))
        assert (got["n"].requires, got["n"].args["path"]) == (("t",), f"/n/{host}")
    assert nodes(p, "a")["t"] is not nodes(p, "b")["t"]
    assert nodes(p, "a")["d"] is nodes(p, "b")["d"]


def test_the_names_a_when_reads_decide_reuse_too(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [hosts.a]
            local = true
            vars = { port = 80 }
            [hosts.b]
            local = true
            vars = { port = 1 }
            [ops.x]
            op = "files.directory"
            path = "/x"
            when = "port > 1"
            [ops.y]
            op = "files.directory"
            path = "/y/${ item }"
            for_each = "[port]"
            """
    }
    p = build(tmp_path, files)
    assert list(nodes(p, "a")) == ["x", "y[0]"]
    assert list(nodes(p, "b")) == ["y[0]"]
    assert nodes(p, "b")["y[0]"].args["path"] == "/y/1"


def test_every_item_of_a_loop_reports_its_own_mistake(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            [ops.d]
            op = "files.directory"
            path = "/d/${ item }"
            for_each = ["0999", "0888"]
            mode = "${ item }"
            """
    }
    assert [msg for _, _, _, msg, _ in problems(tmp_path, files)] == [
        '"mode": \'0999\' is not an octal file mode like "0644"',
        '"mode": \'0888\' is not an octal file mode like "0644"',
    ]


def test_a_partly_secret_password_hides_the_secret_part(tmp_path: Path) -> None:
    files = {
        "s.toml": """\
            secrets = "sec.toml"
            [ops.u]
            op = "mysql.user"
            name = "u"
            password = "pre-${ pw }"
            """,
        "sec.toml": 'pw = "s3cr3t-pw"\n',
    }
    node = nodes(build(tmp_path, files))["u"]
    assert (node.kind, node.args["password"]) == ("mysql.user", "pre-s3cr3t-pw")
    assert node.sensitive == ("password",)
    assert node.secrets == ("s3cr3t-pw",)


def test_an_op_or_include_whose_when_is_no_boolean_is_left_out_with_its_mistakes(
    tmp_path: Path,
) -> None:
    """The one mistake is said; the arguments of what it would have kept are not read."""
    files = {
        "s.toml": """\
            include = [{ file = "r.toml", when = "'yes'" }]
            [ops.a]
            op = "files.directory"
            path = "/${ nope }"
            when = "1"
            """,
        "r.toml": '[ops.b]\nop = "files.directory"\npath = "/${ gone }"\n',
    }
    assert [(c, line, msg) for c, line, _, msg, _ in problems(tmp_path, files)] == [
        ("when-not-boolean", 1, '"when" must be true or false, not a string'),
        ("when-not-boolean", 5, '"when" must be true or false, not an integer'),
    ]
