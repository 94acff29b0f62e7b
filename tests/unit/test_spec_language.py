"""The spec language end to end through the compiler: loops, conditions, handlers,
includes, variables, patterns, tags, Python modules, secrets and facts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.diagnostics import SpecError
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file, explain_vars
from specops.compiler.ir import Program, to_json
from specops.runtime.catalog import CATALOG

HOSTS = """
[hosts.web1]
ssh = "root@127.0.0.11:22"
vars = { tier = "front" }
[hosts.web2]
ssh = "root@127.0.0.12:22"
[hosts.db1]
ssh = "root@127.0.0.13:22"
vars = { port = 5433 }
[groups.web]
hosts = ["web1", "web2"]
vars = { port = 80, tier = "web" }
[groups.db]
hosts = ["db1"]
vars = { port = 5432 }
[groups.all]
hosts = ["web", "db"]
vars = { port = 1, region = "eu" }
"""


def write(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return tmp / next(iter(files))


def build(tmp: Path, files: dict[str, str], **opts: Any) -> Program:
    return compile_file(str(write(tmp, files)), CATALOG, Options(**opts))


def ops(program: Program, host: str) -> dict[str, dict[str, Any]]:
    h = program.host(host)
    return {
        o.id: {
            "args": dict(o.args),
            "requires": list(o.requires),
            "notify": list(o.notify),
            "handler": o.handler,
            "tags": list(o.tags),
        }
        for o in h.ops
    }


def errors(tmp: Path, files: dict[str, str], **opts: Any) -> list[tuple[str, int, str]]:
    with pytest.raises(SpecError) as e:
        build(tmp, files, **opts)
    return [(d.code, d.span.line if d.span else 0, d.message) for d in e.value.diagnostics]


def test_for_each_over_a_list_and_a_map(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """
        [vars]
        dirs = ["logs", "cache"]
        links = { current = "r2", previous = "r1" }
        [ops.dir]
        op = "files.directory"
        for_each = "dirs"
        path = "/srv/${item}"
        [ops.link]
        op = "files.link"
        for_each = "links"
        path = "/srv/${key}"
        target = "${item}"
        requires = ["dir"]
    """
        },
    )
    got = ops(p, "@local")
    assert list(got) == ["dir[logs]", "dir[cache]", "link[current]", "link[previous]"]
    assert got["dir[cache]"]["args"]["path"] == "/srv/cache"
    assert got["link[previous]"]["args"]["target"] == "r1"
    assert got["link[current]"]["requires"] == ["dir[logs]", "dir[cache]"]


def test_when_is_a_boolean_evaluated_per_host_and_item(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": HOSTS
            + """
        [ops.front]
        op = "files.directory"
        path = "/srv/front"
        when = "default(tier, '') == 'front'"
        [ops.ports]
        op = "files.directory"
        for_each = "[1, 2, 3]"
        when = "item != 2 and port > 1"
        path = "/srv/${item}"
    """
        },
    )
    assert list(ops(p, "web1")) == ["front", "ports[0]", "ports[2]"]
    assert list(ops(p, "web2")) == ["ports[0]", "ports[2]"]


def test_when_must_be_boolean(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        {
            "s.toml": """
        [vars]
        name = "x"
        [ops.a]
        op = "files.directory"
        path = "/a"
        when = "name"
    """
        },
    )
    assert got == [("when-not-boolean", 7, '"when" must be true or false, not a string')]


def test_handlers_follow_their_notifiers(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """
        [ops.conf]
        op = "files.file"
        path = "/etc/app.conf"
        content = "x"
        notify = ["restart"]
        [ops.other]
        op = "files.directory"
        path = "/srv"
        [handlers.restart]
        op = "server.shell"
        command = "systemctl restart app"
    """
        },
    )
    got = ops(p, "@local")
    assert list(got) == ["conf", "other", "restart"]
    assert got["conf"]["notify"] == ["restart"] and got["restart"]["handler"] is True


def test_reference_errors_suggest(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        {
            "s.toml": """
        [ops.conf]
        op = "files.file"
        path = "/etc/app.conf"
        notify = ["restrat", "other"]
        before = ["nope"]
        [ops.other]
        op = "files.directory"
        path = "/srv"
        [handlers.restart]
        op = "server.shell"
        command = "true"
    """
        },
    )
    codes = {(c, line) for c, line, _ in got}
    assert codes == {("unknown-reference", 5), ("bad-value", 5), ("unknown-reference", 6)}


def test_before_orders_the_other_op(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """
        [ops.late]
        op = "files.directory"
        path = "/b"
        [ops.early]
        op = "files.directory"
        path = "/a"
        before = ["late"]
    """
        },
    )
    assert list(ops(p, "@local")) == ["early", "late"]


def test_includes_prefix_ids_and_follow_the_one_rule(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "site.toml": """
            include = [
              { file = "roles/web.toml", hosts = "web", vars = { listen = 8080 }, tags = ["web"] },
              { file = "roles/web.toml", name = "web_eu", when = "region == 'us'" },
            ]
            """
            + HOSTS
            + """
            [vars]
            app = "shop"
            listen = 1
            [ops.base]
            op = "files.directory"
            path = "/srv/${app}"
            requires = ["web/conf"]
        """,
            "roles/web.toml": """
            [vars]
            listen = 9999
            docroot = "/var/www/${app}"
            [ops.conf]
            op = "files.file"
            path = "/etc/web.conf"
            content = "listen ${listen} root ${docroot}"
            requires = ["dir"]
            notify = ["reload"]
            [ops.dir]
            op = "files.directory"
            path = "${docroot}"
            [handlers.reload]
            op = "server.shell"
            command = "reload"
        """,
        },
    )
    web = ops(p, "web1")
    assert list(web) == ["web/dir", "web/conf", "web/reload", "base"]
    assert web["web/conf"]["args"]["content"] == "listen 8080 root /var/www/shop"
    assert web["web/conf"]["requires"] == ["web/dir"] and web["web/conf"]["notify"] == [
        "web/reload"
    ]
    assert web["web/conf"]["tags"] == ["web"]
    assert web["base"]["requires"] == ["web/conf"]
    assert list(ops(p, "db1")) == ["base"]  # hosts = "web"; the second include's when is false


def test_include_problems(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        {
            "a.toml": 'include = ["b.toml", "missing.toml"]\n',
            "b.toml": 'include = ["a.toml"]\n[hosts.x]\nlocal = true\n',
        },
    )
    codes = sorted(c for c, _, _ in got)
    assert codes == ["bad-value", "cycle", "file-not-found"]


def test_variable_precedence_and_origins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "s.toml": HOSTS
            + """
        [vars]
        port = 0
        region = "spec"
        url = "http://${host.name}:${port}"
        [ops.a]
        op = "files.file"
        path = "/etc/url"
        content = "${url} ${region} ${tier}"
    """
        },
    )
    p = compile_file(str(path), CATALOG, Options(variables={"tier": "cli"}))
    # group all < group web (nested, more specific) < host < --var; spec vars lowest;
    # url is evaluated lazily, in the final scope, so it sees the winning port.
    assert ops(p, "web1")["a"]["args"]["content"] == "http://web1:80 eu cli"
    rows = {n: (v, o.label) for n, v, o in explain_vars(str(path), CATALOG, "db1", Options())}
    assert rows["port"] == (5433, "host db1")
    assert rows["region"] == ("eu", "group all")
    assert rows["url"] == ("http://db1:5433", "spec vars")


def test_host_patterns(tmp_path: Path) -> None:
    files = {
        "s.toml": HOSTS
        + """
        [ops.a]
        op = "files.directory"
        path = "/a"
        hosts = ["all", "!web2"]
        [ops.b]
        op = "files.directory"
        path = "/b"
        hosts = "web*"
    """
    }
    p = build(tmp_path, files)
    assert {h.name: [o.id for o in h.ops] for h in p.hosts} == {
        "web1": ["a", "b"],
        "web2": ["b"],
        "db1": ["a"],
    }
    limited = build(tmp_path, files, limit=["w*", "!web1"])
    assert [h.name for h in limited.hosts] == ["web2"]


def test_tags_select_ops_and_keep_their_handlers(tmp_path: Path) -> None:
    files = {
        "s.toml": """
        [ops.a]
        op = "files.file"
        path = "/a"
        tags = ["conf"]
        notify = ["h"]
        [ops.b]
        op = "files.file"
        path = "/b"
        tags = ["slow"]
        [handlers.h]
        op = "server.shell"
        command = "true"
    """
    }
    assert list(ops(build(tmp_path, files, tags=["conf"]), "@local")) == ["a", "h"]
    assert list(ops(build(tmp_path, files, skip_tags=["conf"]), "@local")) == ["b"]


def test_python_module_adds_an_op_and_a_function(tmp_path: Path) -> None:
    files = {
        "s.toml": """
            [python]
            modules = ["lib/extra.py"]
            [ops.motd]
            op = "extra.motd"
            text = "${ shout('hi') }"
        """,
        "lib/extra.py": """
            from dataclasses import dataclass
            import specops

            @specops.function
            def shout(s: str) -> str:
                "Upper-case with emphasis."
                return s.upper() + "!"

            @dataclass(frozen=True)
            class MotdArgs:
                text: str = specops.arg(doc="The message of the day.")

            @specops.operation
            class Motd(specops.Operation[MotdArgs]):
                "Write /etc/motd."
                kind = "extra.motd"

                def plan(self, a, f):
                    cmd = specops.sh("echo", a.text)
                    return [specops.Change(specops.Action.UPDATE, "motd", (cmd,))]
        """,
    }
    p = build(tmp_path, files)
    assert ops(p, "@local")["motd"]["args"] == {"text": "HI!"}
    files["s.toml"] = files["s.toml"].replace("text = \"${ shout('hi') }\"", "txt = 1")
    assert [c for c, _, _ in errors(tmp_path, files)] == ["missing-argument", "unknown-argument"]


def test_python_module_errors_are_located(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        {"s.toml": '[python]\nmodules = ["bad.py"]\n', "bad.py": "x = 1\nraise ValueError('no')\n"},
    )
    assert got == [("python-error", 2, "ValueError: no")]


def test_python_deploy_include_joins_the_ir(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": 'include = [{ file = "legacy.py", tags = ["legacy"] }]\n'
            '[ops.a]\nop = "files.directory"\npath = "/a"\n',
            "legacy.py": "from specops.ops import files\nfiles.directory(path='/legacy')\n",
        },
    )
    got = ops(p, "@local")
    # prefixed with the include's name, as an included spec's ops are
    assert list(got) == ["legacy/legacy.py:2", "a"]
    assert got["legacy/legacy.py:2"]["tags"] == ["legacy"]


def test_sensitive_values_are_redacted_in_the_ir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "hunter2-long")
    p = build(
        tmp_path,
        {
            "s.toml": 'secrets = "secrets.toml"\n[ops.a]\nop = "files.file"\npath = "/etc/db"\n'
            "content = \"password=${ env('DB_PASSWORD') }\"\n"
            '[ops.b]\nop = "files.file"\npath = "/etc/api"\ncontent = "${api_key}"\n',
            "secrets.toml": 'api_key = "sk-123456"\n',
        },
    )
    node = p.host("@local").ops[0]
    assert node.sensitive == ("content",) and node.args["content"] == "password=hunter2-long"
    dump = to_json(p)
    assert "hunter2" not in dump and "sk-123456" not in dump and dump.count("(sensitive)") == 2


def test_facts_offline(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "hosts": {
                    "*": {"os": {"id": "debian"}, "arch": "x86_64"},
                    "web2": {"os": {"id": "alpine"}},
                    "web1": {"file": {"/etc/app": {"exists": True}}},
                }
            }
        )
    )
    files = {
        "s.toml": HOSTS
        + """
        [ops.deb]
        op = "files.directory"
        path = "/srv/${facts.arch}"
        when = "facts.os.id == 'debian' and not facts.file('/etc/app').exists"
    """
    }
    p = build(tmp_path, files, facts=JsonFacts(str(facts)))
    assert {h.name: [o.args["path"] for o in h.ops] for h in p.hosts} == {
        "web1": [],
        "web2": [],
        "db1": ["/srv/x86_64"],
    }
    got = errors(tmp_path, files)
    assert got[0][0] == "facts-unavailable"


def test_an_argument_declared_secret_is_sensitive_from_any_source(tmp_path: Path) -> None:
    p = build(
        tmp_path,
        {
            "s.toml": """
        [vars]
        db_password = "plain-text-pw"
        [ops.db_user]
        op = "mysql.user"
        name = "shop"
        password = "${db_password}"
    """
        },
    )
    node = p.host("@local").ops[0]
    assert node.sensitive == ("password",) and "plain-text-pw" in node.secrets
    assert "plain-text-pw" not in to_json(p) and "(sensitive)" in to_json(p)


def test_a_template_sees_the_hosts_variables_but_no_secret_it_was_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKEN", "t0ken-value")
    (tmp_path / "t.j2").write_text("{{ app }} on {{ host.name }}\n")
    p = build(
        tmp_path,
        {
            "s.toml": """
        [vars]
        app = "shop"
        token = "${ env('TOKEN') }"
        [ops.conf]
        op = "files.template"
        src = "t.j2"
        path = "/etc/app.conf"
        vars = { extra = 1 }
    """
        },
    )
    args = p.host("@local").ops[0].args
    assert args["vars"] == {"app": "shop", "host": {"name": "@local"}, "extra": 1}
    assert args["src"] == str(tmp_path / "t.j2")
