"""Language and catalog behaviour users of Ansible and pyinfra expect: literal for_each
lists, become as a host or group default, cycles pointing at the entries that make
them, hints in the file's own syntax, Ansible's template whitespace, saved plans that
keep their uncertainty."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.diagnostics import SpecError
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, OpPlan
from specops.runtime.engine.planfile import plans_from_doc
from specops.runtime.engine.render import plan_json
from specops.runtime.operations.files.transfer import TemplateArgs, render
from tests.unit.test_executor import node
from tests.unit.test_spec_language import build, errors


def test_for_each_takes_a_literal_list_in_toml_and_yaml(tmp_path: Path) -> None:
    toml = build(
        tmp_path / "t",
        {
            "site.toml": """
            [vars]
            root = "/srv"
            [ops.d]
            op = "files.directory"
            path = "${root}/${item}"
            for_each = ["a", "b-${ root }"]
            """
        },
    )
    yaml = build(
        tmp_path / "y",
        {
            "site.yaml": """
            vars: { root: /srv }
            ops:
              d:
                op: files.directory
                path: "${root}/${item}"
                for_each: [a, "b-${ root }"]
            """
        },
    )
    for program in (toml, yaml):
        (hp,) = program.hosts
        assert [(o.id, o.args["path"]) for o in hp.ops] == [
            ("d[a]", "/srv/a"),
            ("d[b-/srv]", "/srv/b-/srv"),
        ]


def test_a_wrong_when_is_hinted_in_the_files_own_syntax(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as e:
        build(
            tmp_path,
            {"site.yaml": "ops:\n  a:\n    op: files.directory\n    path: /a\n    when: 3\n"},
        )
    (d,) = e.value.diagnostics
    assert d.hint == "write it as a string: when: \"facts.os.id == 'debian'\""
    with pytest.raises(SpecError) as e:
        build(tmp_path, {"site.toml": '[ops.a]\nop = "files.directory"\npath = "/a"\nwhen = 3\n'})
    assert e.value.diagnostics[0].hint == "write it as a string: when = \"facts.os.id == 'debian'\""


def test_become_defaults_from_the_host_then_its_groups(tmp_path: Path) -> None:
    program = build(
        tmp_path,
        {
            "site.toml": """
            [hosts.a]
            ssh = "root@127.0.0.11:22"
            become = "deploy"
            [hosts.b]
            ssh = "root@127.0.0.12:22"
            [hosts.c]
            ssh = "root@127.0.0.13:22"
            [groups.all]
            hosts = ["inner", "c"]
            become = true
            [groups.inner]
            hosts = ["a", "b"]
            become = "app"
            [ops.plain]
            op = "files.directory"
            path = "/x"
            [ops.own]
            op = "files.directory"
            path = "/y"
            become = false
            """
        },
    )
    got = {(h.name, o.id): o.become for h in program.hosts for o in h.ops}
    assert got == {
        ("a", "plain"): "deploy",  # the host's own
        ("b", "plain"): "app",  # the innermost group's
        ("c", "plain"): True,
        ("a", "own"): False,  # an op's own always wins
        ("b", "own"): False,
        ("c", "own"): False,
    }


def test_become_of_a_host_must_be_true_or_a_name(tmp_path: Path) -> None:
    got = errors(tmp_path, {"site.toml": "[hosts.a]\nlocal = true\nbecome = 3\n"})
    assert [(code, line) for code, line, _ in got] == [("wrong-shape", 3)]


def test_a_cycle_points_at_the_entries_that_make_it(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as e:
        build(
            tmp_path,
            {
                "site.toml": (
                    '[ops.a]\nop = "files.directory"\npath = "/a"\nrequires = ["b"]\n'
                    'before = ["c", "b"]\n\n'
                    '[ops.b]\nop = "files.directory"\npath = "/b"\n\n'
                    '[ops.c]\nop = "files.directory"\npath = "/c"\n'
                )
            },
        )
    (d,) = e.value.diagnostics
    assert d.code == "cycle"
    spots = sorted((span.line, span.col) for _, span in d.notes)
    assert spots == [(4, 13), (5, 16)]  # requires = ["b"], and "b" in before = ["c", "b"]


def test_templates_render_as_ansible_does(tmp_path: Path) -> None:
    src = tmp_path / "t.j2"
    src.write_text(
        "{% for u in users %}\nuser {{ u }}\n{% endfor %}\n{% if x %}\non\n{% endif %}\n"
    )
    got = render(TemplateArgs(src=str(src), path="/x", vars={"users": ["a", "b"], "x": True}), {})
    assert got == b"user a\nuser b\non\n"


def test_a_saved_plan_keeps_what_is_known_only_after_apply() -> None:
    n = node("edit", "files.line", path="/etc/x", line="y")
    ch = Change(Action.UPDATE, "add line 'y' in /etc/x", (), depends_on="install")
    plans = [
        HostPlan("h", "@local", (OpPlan(n, (ch,), waits_on="install"),)),
        HostPlan("g", "@local", (OpPlan(n, (), "/etc/x does not exist", waits_on="install"),)),
    ]
    (h, g) = plans_from_doc({"plan": plan_json(plans)})
    assert h.ops[0].waits_on == "install" and h.ops[0].changes[0].depends_on == "install"
    assert g.ops[0].waits_on == "install" and not g.ops[0].refused
