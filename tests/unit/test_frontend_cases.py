"""compiler/frontend.py: the compiler's entry points: inventory files (``-i``) and their
vars, secrets files, the target hosts, compiling specs and Python deploys (limit, vars,
tags, facts, optimizing) and ``vars`` explaining each variable of a host."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from specops.compiler import extensions
from specops.compiler.diagnostics import Diagnostic, SpecError, render
from specops.compiler.facts import FactKey, JsonFacts
from specops.compiler.frontend import (
    Options,
    compile_file,
    explain_vars,
    load_inventory,
    target_inventory,
)
from specops.compiler.inventory import DEFAULT_INVENTORY, Group
from specops.compiler.ir import Program
from specops.compiler.scope import Origin
from specops.compiler.source import Span
from specops.compiler.values import Sensitive
from specops.runtime.catalog import CATALOG

INVENTORY = """\
[vars]
region = "eu"
port = 1
[hosts.web1]
local = true
vars = { port = 8080 }
[hosts.web2]
local = true
[groups.web]
hosts = ["web1", "web2"]
vars = { tier = "front", port = 80 }
"""


def write(tmp: Path, name: str, text: str) -> str:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return str(p)


def ids(program: Program) -> list[tuple[str, list[str]]]:
    return [(h.name, [o.id for o in h.ops]) for h in program.hosts]


def problems(e: pytest.ExceptionInfo[SpecError]) -> list[tuple[str, int, str, str | None]]:
    return [(d.code, d.span.line if d.span else 0, d.message, d.hint) for d in e.value.diagnostics]


# -- load_inventory ------------------------------------------------------------------------


def test_an_inventory_files_vars_are_a_group_around_all_its_hosts(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.toml", INVENTORY)
    inv = load_inventory(path)
    assert [h.name for h in inv.hosts] == ["web1", "web2"]
    assert inv.groups[0] == Group(
        "@inventory", ("web1", "web2"), {"region": "eu", "port": 1}, Span(path, 1, 1, 1, 7)
    )
    assert [g.name for g in inv.groups] == ["@inventory", "web"]
    assert inv.doc is not None and inv.doc.file == path


@pytest.mark.parametrize("vars", ["", "[vars]\n"])
def test_an_inventory_file_without_vars_has_only_its_own_groups(tmp_path: Path, vars: str) -> None:
    inv = load_inventory(write(tmp_path, "inv.toml", vars + INVENTORY.split("\n", 3)[3]))
    assert [g.name for g in inv.groups] == ["web"]


def test_an_inventory_file_with_vars_but_no_hosts_gives_them_to_the_local_host(
    tmp_path: Path,
) -> None:
    inv = load_inventory(write(tmp_path, "inv.toml", '[vars]\nregion = "eu"\n'))
    assert [h.name for h in inv.hosts] == ["@local"]
    assert [(g.name, g.hosts, g.vars) for g in inv.groups] == [
        ("@inventory", ("@local",), {"region": "eu"})
    ]
    assert inv.doc is not None


def test_the_vars_of_an_inventory_file_without_hosts_are_evaluated(tmp_path: Path) -> None:
    """They used to reach the ops as written: "${ 40 + 2 }"."""
    inv = write(tmp_path, "inv.toml", '[vars]\nn = "${ 40 + 2 }"\n')
    site = write(tmp_path, "site.toml", '[ops.a]\nop = "files.directory"\npath = "/${ n }"\n')
    (hp,) = compile_file(site, CATALOG, Options(inventory=inv)).hosts
    assert (hp.name, hp.ops[0].args["path"]) == ("@local", "/42")


def test_a_mistake_in_an_inventory_files_vars_points_at_it(tmp_path: Path) -> None:
    """It used to point at the file's first group."""
    inv = write(tmp_path, "inv.toml", INVENTORY.replace('"eu"', '"${ nope }"'))
    site = write(tmp_path, "site.toml", '[ops.a]\nop = "files.directory"\npath = "/a"\n')
    with pytest.raises(SpecError) as e:
        compile_file(site, CATALOG, Options(inventory=inv))
    assert [(d.code, d.span) for d in e.value.diagnostics] == [
        ("undefined-name", Span(inv, 2, 14, 2, 18))
    ]


def test_an_inventory_file_with_mistakes_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "inv.toml", "[hosts.web1]\nlocal = true\nvars = 3\n")
    with pytest.raises(SpecError) as e:
        load_inventory(path)
    assert [(c, line) for c, line, _, _ in problems(e)] == [("wrong-shape", 3)]


def test_the_inventory_file_replaces_the_specs_and_its_vars_are_the_lowest_of_the_hosts(
    tmp_path: Path,
) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    site = write(
        tmp_path,
        "site.toml",
        '[hosts.other]\nlocal = true\n[vars]\nregion = "spec"\ntier = "spec"\n'
        '[ops.a]\nop = "files.directory"\npath = "/${region}/${tier}/${port}"\n',
    )
    p = compile_file(site, CATALOG, Options(inventory=inv, optimized=False))
    assert [(h.name, h.ops[0].args["path"]) for h in p.hosts] == [
        ("web1", "/eu/front/8080"),
        ("web2", "/eu/front/80"),
    ]


# -- secrets files -------------------------------------------------------------------------


def test_every_secrets_file_is_read_and_each_missing_one_reported(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        "site.toml",
        'secrets = ["a.toml", "missing.toml", "gone.toml"]\n'
        '[ops.x]\nop = "files.file"\npath = "/x"\ncontent = "${ token }"\n',
    )
    write(tmp_path, "a.toml", 'token = "t0k3n"\n')
    with pytest.raises(SpecError) as e:
        compile_file(site, CATALOG)
    assert [(d.code, d.message.split(":")[0]) for d in e.value.diagnostics] == [
        ("file-not-found", f"cannot read {tmp_path / 'missing.toml'}"),
        ("file-not-found", f"cannot read {tmp_path / 'gone.toml'}"),
    ]
    (tmp_path / "missing.toml").write_text("")
    (tmp_path / "gone.toml").write_text('other = "x"\n')
    (hp,) = compile_file(site, CATALOG, Options(optimized=False)).hosts
    assert hp.ops[0].sensitive == ("content",)
    assert hp.ops[0].secrets == ("t0k3n",)


def test_a_secrets_file_is_a_layer_named_after_it(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        "site.toml",
        'secrets = "sub/keys.toml"\n[ops.x]\nop = "files.directory"\npath = "/x"\n',
    )
    write(tmp_path, "sub/keys.toml", 'token = "t0k3n"\n')
    rows = explain_vars(site, CATALOG, "@local", Options())
    assert rows == [
        (
            "token",
            "(sensitive)",
            Origin("secrets keys.toml", Span(str(tmp_path / "sub/keys.toml"), 1, 1, 1, 6)),
        )
    ]


def test_a_mistake_in_a_secrets_file_is_shown_without_its_line(tmp_path: Path) -> None:
    site = write(tmp_path, "site.toml", 'secrets = "s2.toml"\n')
    write(tmp_path, "s2.toml", 'token = "t0k3n\n')
    with pytest.raises(SpecError) as e:
        compile_file(site, CATALOG)
    (d,) = e.value.diagnostics
    assert d.span is not None and d.span.file == str(tmp_path / "s2.toml")
    text = render(d)
    assert "(the line is not shown: this file holds secrets)" in text
    assert "t0k3n" not in text


# -- functions --------------------------------------------------------------------------------


def test_file_reads_relative_to_the_spec_and_env_values_are_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPECOPS_TEST_PW", "pw-from-env")
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "roles/motd.txt", "hello\n")
    site = write(
        tmp_path,
        "roles/site.toml",
        '[ops.m]\nop = "files.file"\npath = "/etc/motd"\ncontent = "${ file(\'motd.txt\') }"\n'
        '[ops.p]\nop = "files.file"\npath = "/etc/pw"\n'
        "content = \"pw=${ env('SPECOPS_TEST_PW') }\"\n",
    )
    (hp,) = compile_file(site, CATALOG, Options(optimized=False)).hosts
    assert [(o.args["content"], o.sensitive, o.secrets) for o in hp.ops] == [
        ("hello\n", (), ()),
        ("pw=pw-from-env", ("content",), ("pw-from-env",)),
    ]


@pytest.fixture
def registered() -> Iterator[None]:
    """Functions a test's modules register are forgotten after it."""
    before = dict(extensions.FUNCTIONS)
    try:
        yield
    finally:
        extensions.FUNCTIONS.clear()
        extensions.FUNCTIONS.update(before)


def test_a_module_function_named_like_a_built_in_is_not_taken_as_pure(
    tmp_path: Path, registered: None
) -> None:
    write(
        tmp_path,
        "frontend_counter_mod.py",
        "import itertools\nimport specops\n_n = itertools.count()\n\n"
        "@specops.function\ndef upper(s: str) -> str:\n"
        '    "A new text per call."\n    return s + str(next(_n))\n',
    )
    site = write(
        tmp_path,
        "site.toml",
        '[python]\nmodules = ["frontend_counter_mod.py"]\n'
        "[hosts.a]\nlocal = true\n[hosts.b]\nlocal = true\n"
        '[ops.x]\nop = "files.directory"\npath = "/${ upper(\'n\') }"\n',
    )
    p = compile_file(site, CATALOG, Options(optimized=False))
    assert [h.ops[0].args["path"] for h in p.hosts] == ["/n0", "/n1"]


def test_built_in_functions_are_pure_so_their_ops_are_lowered_once(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        "site.toml",
        "[hosts.a]\nlocal = true\n[hosts.b]\nlocal = true\n"
        '[ops.x]\nop = "files.directory"\npath = "/${ upper(\'n\') }"\n',
    )
    a, b = compile_file(site, CATALOG, Options(optimized=False)).hosts
    assert a.ops[0].args["path"] == "/N"
    assert a.ops[0] is b.ops[0]


# -- target_inventory ------------------------------------------------------------------------


def test_the_target_hosts_come_from_the_inventory_file_the_spec_or_the_local_host(
    tmp_path: Path,
) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    site = write(tmp_path, "site.toml", "[hosts.s1]\nlocal = true\n")
    bare = write(tmp_path, "bare.toml", '[ops.a]\nop = "files.directory"\npath = "/a"\n')
    deploy = write(tmp_path, "deploy.py", "")
    assert [h.name for h in target_inventory(site).hosts] == ["s1"]
    assert [h.name for h in target_inventory(site, inv).hosts] == ["web1", "web2"]
    assert [h.name for h in target_inventory(deploy, inv).hosts] == ["web1", "web2"]
    assert target_inventory(deploy) is DEFAULT_INVENTORY
    assert target_inventory(bare) is DEFAULT_INVENTORY
    assert [g.name for g in target_inventory(site, inv).groups] == ["@inventory", "web"]


# -- compile_file ----------------------------------------------------------------------------

DEPLOY = """\
from specops import host
from specops.ops import files

v = host().vars
files.directory(path="/srv/" + str(v.get("port")) + "/" + str(v.get("x")), _id="dir",
                _tags=["base"])
files.directory(path="/srv/" + str(v.get("port")) + "/" + str(v.get("x")), _id="again")
files.file(path="/srv/conf", content="c", _id="conf", _tags=["conf"], _notify=["h"])
files.directory(path="/srv/" + host().facts.arch, _id="arch")
from specops.ops import server
server.shell(command="true", _id="h", _handler=True)
"""


def deploy_facts(tmp_path: Path) -> JsonFacts:
    path = write(tmp_path, "facts.json", json.dumps({"hosts": {"*": {"arch": "arm64"}}}))
    return JsonFacts(path)


def paths(program: Program) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (h.name, [(o.id, o.args.get("path", o.args.get("command"))) for o in h.ops])
        for h in program.hosts
    ]


def test_a_python_deploy_compiles_for_the_inventory_limit_and_vars(tmp_path: Path) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    opts = Options(
        inventory=inv,
        limit=["web*", "!web1"],
        variables={"x": 7},
        facts=deploy_facts(tmp_path),
        optimized=False,
    )
    assert paths(compile_file(deploy, CATALOG, opts)) == [
        (
            "web2",
            [
                ("dir", "/srv/80/7"),
                ("again", "/srv/80/7"),
                ("conf", "/srv/conf"),
                ("arch", "/srv/arm64"),
                ("h", "true"),
            ],
        )
    ]


def test_a_python_deploy_without_an_inventory_runs_on_the_local_host(tmp_path: Path) -> None:
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    opts = Options(facts=deploy_facts(tmp_path), optimized=False)
    assert paths(compile_file(deploy, CATALOG, opts)) == [
        (
            "@local",
            [
                ("dir", "/srv/None/None"),
                ("again", "/srv/None/None"),
                ("conf", "/srv/conf"),
                ("arch", "/srv/arm64"),
                ("h", "true"),
            ],
        )
    ]


@pytest.mark.parametrize(
    ("tags", "skip", "want"),
    [
        (["conf"], [], ["conf", "h"]),
        ([], ["conf"], ["dir", "again", "arch"]),
        (["base"], ["conf"], ["dir"]),
        (["none"], [], []),
    ],
)
def test_tags_select_the_ops_of_a_python_deploy(
    tmp_path: Path, tags: list[str], skip: list[str], want: list[str]
) -> None:
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    opts = Options(tags=tags, skip_tags=skip, facts=deploy_facts(tmp_path), optimized=False)
    assert ids(compile_file(deploy, CATALOG, opts)) == [("@local", want)]


def test_tags_select_the_ops_of_a_spec(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        "site.toml",
        '[ops.a]\nop = "files.directory"\npath = "/a"\ntags = ["x"]\n'
        '[ops.b]\nop = "files.directory"\npath = "/b"\n',
    )
    assert ids(compile_file(site, CATALOG, Options(tags=["x"]))) == [("@local", ["a"])]
    assert ids(compile_file(site, CATALOG, Options(skip_tags=["x"]))) == [("@local", ["b"])]


def test_a_compile_is_optimized_unless_asked_not_to_be(tmp_path: Path) -> None:
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    facts = deploy_facts(tmp_path)
    raw = compile_file(deploy, CATALOG, Options(facts=facts, optimized=False))
    optimized = compile_file(deploy, CATALOG, Options(facts=facts))
    assert ids(raw) == [("@local", ["dir", "again", "conf", "arch", "h"])]
    assert ids(optimized) == [("@local", ["dir", "conf", "arch", "h"])]  # again: a duplicate
    site = write(
        tmp_path,
        "site.toml",
        '[ops.a]\nop = "files.directory"\npath = "/a"\n'
        '[ops.b]\nop = "files.directory"\npath = "/a"\n',
    )
    assert ids(compile_file(site, CATALOG)) == [("@local", ["a"])]
    assert ids(compile_file(site, CATALOG, Options(optimized=False))) == [("@local", ["a", "b"])]


def test_the_default_options() -> None:
    o = Options()
    assert (o.inventory, o.limit, o.variables, o.tags, o.skip_tags, o.facts, o.optimized) == (
        None,
        None,
        {},
        (),
        (),
        None,
        True,
    )


# -- explain_vars -------------------------------------------------------------------------------


def test_the_vars_of_a_deploys_host_come_with_their_origin(tmp_path: Path) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    opts = Options(inventory=inv, variables={"x": 1, "pw": Sensitive("s")})
    assert explain_vars(deploy, CATALOG, "web1", opts) == [
        ("region", "eu", Origin("group @inventory vars", None)),
        ("port", 8080, Origin("host web1 vars", Span(inv, 6, 10, 6, 14))),
        ("tier", "front", Origin("group web vars", Span(inv, 11, 10, 11, 14))),
        ("x", 1, Origin("--var", None)),
        ("pw", "(sensitive)", Origin("--var", None)),
    ]


def test_the_vars_of_a_deploy_without_an_inventory_are_the_command_lines(
    tmp_path: Path,
) -> None:
    deploy = write(tmp_path, "deploy.py", DEPLOY)
    rows = explain_vars(deploy, CATALOG, "@local", Options(variables={"x": [1]}))
    assert rows == [("x", [1], Origin("--var", None))]


@pytest.mark.parametrize("name", ["deploy.py", "site.toml"])
def test_vars_are_explained_for_exactly_one_host(tmp_path: Path, name: str) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    path = write(tmp_path, name, "" if name.endswith(".py") else "[vars]\na = 1\n")
    for host, hint in (("wbe1", 'did you mean "web1"?'), ("web", 'did you mean "web"?')):
        with pytest.raises(SpecError) as e:
            explain_vars(path, CATALOG, host, Options(inventory=inv))
        assert e.value.diagnostics == [
            Diagnostic("unknown-host", f'no host or group named "{host}"', None, hint)
        ]


def test_the_vars_of_a_spec_host_in_the_order_of_their_layers(tmp_path: Path) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    site = write(tmp_path, "site.toml", '[vars]\napp = "shop"\nurl = "${ app }:${ port }"\n')
    rows = explain_vars(site, CATALOG, "web2", Options(inventory=inv, variables={"x": 1}))
    assert rows == [
        ("app", "shop", Origin("spec vars", Span(site, 2, 1, 2, 4))),
        ("url", "shop:80", Origin("spec vars", Span(site, 3, 1, 3, 4))),
        ("region", "eu", Origin("group @inventory", Span(inv, 2, 1, 2, 7))),
        ("port", 80, Origin("group web", Span(inv, 11, 26, 11, 30))),
        ("tier", "front", Origin("group web", Span(inv, 11, 10, 11, 14))),
        ("x", 1, Origin("--var", None)),
    ]


def test_the_vars_of_a_spec_with_a_mistake_are_refused(tmp_path: Path) -> None:
    site = write(tmp_path, "site.toml", '[vars]\na = "${ nope }"\n')
    with pytest.raises(SpecError) as e:
        explain_vars(site, CATALOG, "@local", Options())
    assert problems(e) == [
        ("undefined-name", 2, 'name "nope" is not defined', "defined names: a, facts, host")
    ]


class Chain:
    """Every file exists and links to the same path with an x added; counts fetches."""

    def __init__(self) -> None:
        self.rounds = 0

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        self.rounds += 1
        return {
            h: {k: {"exists": True, "target": dict(k[1])["path"] + "x"} for k in keys}
            for h, keys in requests.items()
        }


def chained(n: int) -> str:
    expr = "'/f'"
    for _ in range(n):
        expr = f"facts.file({expr}).target"
    return f'[vars]\nlink = "${{ {expr} }}"\n'


def test_vars_reading_facts_are_explained_after_rounds_of_facts(tmp_path: Path) -> None:
    site = write(tmp_path, "site.toml", chained(4))
    source = Chain()
    rows = explain_vars(site, CATALOG, "@local", Options(facts=source))
    assert [(n, v) for n, v, _ in rows] == [("link", "/fxxxx")]
    assert source.rounds == 4


def test_vars_that_keep_asking_for_facts_are_an_error(tmp_path: Path) -> None:
    site = write(tmp_path, "site.toml", chained(5))
    source = Chain()
    with pytest.raises(SpecError) as e:
        explain_vars(site, CATALOG, "@local", Options(facts=source))
    assert problems(e) == [("facts-unavailable", 0, "variables kept asking for facts", None)]
    assert source.rounds == 5


def test_vars_of_a_host_whose_facts_cannot_be_read_say_so(tmp_path: Path) -> None:
    """It used to say "variables kept asking for facts"."""

    class Nothing:
        def fetch(
            self, requests: Mapping[str, set[FactKey]]
        ) -> Mapping[str, Mapping[FactKey, Any]]:
            return {}

    site = write(tmp_path, "site.toml", chained(1))
    with pytest.raises(SpecError) as e:
        explain_vars(site, CATALOG, "@local", Options(facts=Nothing()))
    assert problems(e) == [("facts-unavailable", 0, "host @local could not be read", None)]


def test_vars_reading_facts_without_a_source_say_so(tmp_path: Path) -> None:
    site = write(tmp_path, "site.toml", chained(1))
    with pytest.raises(SpecError) as e:
        explain_vars(site, CATALOG, "@local", Options())
    assert problems(e) == [
        (
            "facts-unavailable",
            0,
            "this spec reads facts (file) but no host is being asked",
            "use specops plan/apply, or compile --facts FILE",
        )
    ]


def test_an_included_deploy_sees_the_group_vars_the_command_line_and_the_facts(
    tmp_path: Path,
) -> None:
    inv = write(tmp_path, "inv.toml", INVENTORY)
    write(
        tmp_path,
        "app.py",
        "from specops import host\nfrom specops.ops import files\n"
        "h = host()\n"
        "files.directory(path=f\"/{h.vars['tier']}/{h.vars['x']}/{h.facts.arch}\", _id=\"d\")\n",
    )
    site = write(tmp_path, "site.toml", 'include = ["app.py"]\n')
    opts = Options(inventory=inv, limit=["web2"], variables={"x": 3}, facts=deploy_facts(tmp_path))
    assert paths(compile_file(site, CATALOG, opts)) == [("web2", [("app/d", "/front/3/arm64")])]


def test_the_optimizer_uses_the_catalog(tmp_path: Path) -> None:
    """A file declared before its directory: the catalog knows the file needs it."""
    site = write(
        tmp_path,
        "site.toml",
        '[ops.f]\nop = "files.file"\npath = "/srv/app/x"\ncontent = "x"\n'
        '[ops.d]\nop = "files.directory"\npath = "/srv/app"\n',
    )
    assert ids(compile_file(site, CATALOG)) == [("@local", ["d", "f"])]
    assert ids(compile_file(site, CATALOG, Options(optimized=False))) == [("@local", ["f", "d"])]


def test_files_that_cannot_be_read_are_reported_where_the_spec_names_them(
    tmp_path: Path,
) -> None:
    """Includes, modules and secrets files alike (a secrets file used to have no position)."""
    site = write(
        tmp_path,
        "site.toml",
        'secrets = ["a.toml", "nosecrets.toml"]\ninclude = ["missing.toml"]\n'
        '[python]\nmodules = ["nomod.py"]\n',
    )
    write(tmp_path, "a.toml", 'a = "x"\n')
    with pytest.raises(SpecError) as e:
        compile_file(site, CATALOG)
    no_file = "No such file or directory"
    assert [(d.code, d.message, d.span) for d in e.value.diagnostics] == [
        ("file-not-found", f"cannot read {tmp_path / 'nosecrets.toml'}: {no_file}",
         Span(site, 1, 22, 1, 38)),
        ("file-not-found", f"cannot read {tmp_path / 'missing.toml'}: {no_file}",
         Span(site, 2, 12, 2, 26)),
        ("file-not-found", f"cannot read {tmp_path / 'nomod.py'}: no such file",
         Span(site, 4, 12, 4, 22)),
    ]  # fmt: skip
