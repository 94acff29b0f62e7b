"""Python deploys as first-class as spec files: tags, options checked as spec keys are,
vars, includes, the user's own frames in errors, loop ids from values, print()."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from specops.compiler.diagnostics import SpecError
from specops.compiler.frontend import Options, compile_file, explain_vars
from specops.runtime.catalog import CATALOG
from tests.cli import specops

TWIN_TOML = """
[ops.dir]
op = "files.directory"
path = "/srv/app"
tags = ["base"]

[ops.conf]
op = "files.file"
path = "/srv/app/app.conf"
content = "x\\n"
tags = ["conf"]
requires = ["dir"]
"""

TWIN_PY = """
from specops.ops import files

files.directory(path="/srv/app", _id="dir", _tags=["base"])
files.file(path="/srv/app/app.conf", content="x\\n", _id="conf", _tags=["conf"], _requires=["dir"])
"""


def write(tmp: Path, name: str, text: str) -> str:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return str(p)


def ids(program: object, **opts: object) -> list[str]:
    return [op.id for h in program.hosts for op in h.ops]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("tags", "skip", "want"),
    [([], [], ["dir", "conf"]), (["conf"], [], ["conf"]), ([], ["conf"], ["dir"])],
)
def test_tags_select_the_same_ops_in_a_spec_and_its_python_twin(
    tmp_path: Path, tags: list[str], skip: list[str], want: list[str]
) -> None:
    toml = write(tmp_path, "site.toml", TWIN_TOML)
    py = write(tmp_path, "deploy.py", TWIN_PY)
    for f in (toml, py):
        program = compile_file(f, CATALOG, Options(tags=tags, skip_tags=skip, optimized=False))
        assert ids(program) == want, f


def errors(tmp: Path, text: str) -> list[tuple[str, int, int, str]]:
    f = write(tmp, "deploy.py", text)
    with pytest.raises(SpecError) as e:
        compile_file(f, CATALOG)
    return [
        (d.code, d.span.line if d.span else 0, d.span.col if d.span else 0, d.message)
        for d in e.value.diagnostics
    ]


def test_underscore_options_are_checked_as_spec_keys_are(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        "from specops.ops import files\n"
        'files.directory(path="/a", _become=123)\n'
        'files.directory(path="/b", _handler="no")\n'
        'files.directory(path="/c", _tags=5)\n'
        'files.directory(path="/d", _bcome=True)\n',
    )
    must = "of files.directory must be"
    assert got == [
        ("wrong-type", 2, 36, f'"_become" {must} true, false or a user name, not an integer'),
        ("wrong-type", 3, 37, f'"_handler" {must} true or false, not a string'),
        ("wrong-type", 4, 34, f'"_tags" {must} a string or a list of strings, not an integer'),
        ("unknown-argument", 5, 28, 'files.directory has no argument "_bcome"'),
    ]


def test_a_bad_argument_is_underlined_not_the_whole_call(tmp_path: Path) -> None:
    got = errors(tmp_path, 'from specops.ops import files\nfiles.directory(path="/a", mode=755)\n')
    assert [(c, line, col) for c, line, col, _ in got] == [("wrong-type", 2, 33)]


def test_a_mode_may_be_an_octal_int_in_python(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "deploy.py",
        'from specops.ops import files\nfiles.directory(path="/a", mode=0o750)\n',
    )
    (op,) = compile_file(f, CATALOG).hosts[0].ops
    assert op.args["mode"] == "0750"


def test_loop_ids_come_from_values_and_a_base_id_means_every_item(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "deploy.py",
        "from specops.ops import files\n"
        'for d in ["a", "b"]:\n'
        '    files.directory(path=f"/srv/{d}", _id="dir")\n'
        'for d in ["x", "y"]:\n'
        '    files.directory(path=f"/opt/{d}")\n'
        'files.file(path="/srv/a/f", _requires=["dir"])\n',
    )
    (hp,) = compile_file(f, CATALOG, Options(optimized=False)).hosts
    assert [op.id for op in hp.ops] == [
        "dir[/srv/a]",
        "dir[/srv/b]",
        "deploy.py:5[/opt/x]",
        "deploy.py:5[/opt/y]",
        "deploy.py:6",
    ]
    assert hp.ops[-1].requires == ("dir[/srv/a]", "dir[/srv/b]")


def test_one_id_at_two_call_sites_is_a_duplicate(tmp_path: Path) -> None:
    got = errors(
        tmp_path,
        "from specops.ops import files\n"
        'files.directory(path="/a", _id="d")\n'
        'files.directory(path="/b", _id="d")\n',
    )
    assert [(c, line) for c, line, _, _ in got] == [("duplicate-id", 3)]


def test_an_included_deploys_ops_are_prefixed_and_clashes_are_duplicates(tmp_path: Path) -> None:
    write(tmp_path, "roles/app.py", TWIN_PY)
    site = write(tmp_path, "site.toml", 'include = ["roles/app.py"]\n')
    (hp,) = compile_file(site, CATALOG, Options(optimized=False)).hosts
    assert [(op.id, op.requires) for op in hp.ops] == [("app/dir", ()), ("app/conf", ("app/dir",))]
    clash = write(
        tmp_path,
        "clash.toml",
        'include = [{ file = "roles/app.py", name = "web" }]\n'
        '[ops."web/dir"]\nop = "files.directory"\npath = "/x"\n',
    )
    with pytest.raises(SpecError) as e:
        compile_file(clash, CATALOG)
    assert [d.code for d in e.value.diagnostics] == ["duplicate-id"]


def test_an_error_in_a_helper_shows_the_users_own_frames(tmp_path: Path) -> None:
    # a module name no other test imports (modules stay imported in one process)
    write(tmp_path, "mylib14/__init__.py", "")
    write(tmp_path, "mylib14/helpers.py", "def load(d):\n    return d['missing']\n")
    f = write(tmp_path, "deploy.py", "from mylib14.helpers import load\n\nload({})\n")
    with pytest.raises(SpecError) as e:
        compile_file(f, CATALOG)
    (d,) = e.value.diagnostics
    assert d.code == "python-error" and d.message == "KeyError: 'missing'"
    assert d.span is not None and d.span.file.endswith("mylib14/helpers.py") and d.span.line == 2
    assert [(n.file.rsplit("/", 1)[-1], n.line) for _, n in d.notes] == [("deploy.py", 3)]
    assert "specops" not in " ".join(n.file for _, n in d.notes)


def test_vars_of_a_deploy_show_where_each_value_came_from(tmp_path: Path) -> None:
    inv = write(
        tmp_path,
        "inv.toml",
        '[vars]\nregion = "eu"\n[hosts.web1]\nlocal = true\nvars = { port = 8080 }\n'
        '[groups.web]\nhosts = ["web1"]\nvars = { tier = "front", port = 80 }\n',
    )
    f = write(tmp_path, "deploy.py", TWIN_PY)
    rows = explain_vars(f, CATALOG, "web1", Options(inventory=inv, variables={"x": 1}))
    assert {name: (value, origin.label) for name, value, origin in rows} == {
        "region": ("eu", "group @inventory vars"),
        "tier": ("front", "group web vars"),
        "port": (8080, "host web1 vars"),
        "x": (1, "--var"),
    }


def test_print_in_a_deploy_stays_out_of_the_ir(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "deploy.py",
        "from specops import host\nfrom specops.ops import files\n"
        'print("hello from", host().name)\nfiles.directory(path="/a")\n',
    )
    r = specops("compile", f, code=0)
    assert json.loads(r.stdout)["hosts"][0]["ops"][0]["kind"] == "files.directory"
    assert r.stderr == "[@local] hello from @local\n"


def test_the_examples_python_uses_only_the_public_api() -> None:
    public = {"specops", "specops.ops", "specops.toolkit"}
    root = Path(__file__).parents[2] / "examples"
    seen = set()
    for f in root.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            mod = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for m in [mod, *names]:
                if m and m.split(".")[0] == "specops":
                    seen.add(m)
                    assert m in public, f"{f.relative_to(root)} imports {m}"
    assert "specops.toolkit" in seen, "the custom op example should show the toolkit"
