"""The multi-role example (roles, loops, handlers, a Python module) on the loopback fleet."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.frontend import Options, compile_file
from specops.compiler.ir import to_json
from specops.runtime.catalog import CATALOG
from tests.cli import specops
from tests.fixtures import UPDATE, final, rewrite
from tests.sshd import SshFleet

pytestmark = pytest.mark.fleet

EXAMPLE = Path(__file__).parents[2] / "examples" / "multirole"
GOLDEN = Path(__file__).parents[1] / "golden" / "multirole.ir.json"


def test_toml_yaml_and_python_compile_to_the_golden_ir() -> None:
    opts = Options(inventory=str(EXAMPLE / "inventory.toml"))
    toml = to_json(compile_file(str(EXAMPLE / "site.toml"), CATALOG, opts))
    yaml = to_json(compile_file(str(EXAMPLE / "site.yaml"), CATALOG, opts))
    python = to_json(compile_file(str(EXAMPLE / "deploy.py"), CATALOG, opts))
    if UPDATE:
        rewrite(GOLDEN, toml)
    assert toml == yaml == python == GOLDEN.read_text()


@pytest.fixture
def inventory(fleet: SshFleet, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    names = ["web1", "web2", "db1"]
    roots = {}
    lines = []
    for name, h in zip(names, fleet.hosts, strict=True):
        roots[name] = h.scratch / f"{tmp_path.name}-{name}"
        lines.append(
            f'[hosts.{name}]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
            f'known_hosts = "{h.known_hosts}"\nvars = {{ root = "{roots[name]}" }}\n'
        )
    lines.append('[groups.web]\nhosts = ["web1", "web2"]\nvars = { listen = 8080 }\n')
    lines.append('[groups.db]\nhosts = ["db1"]\n')
    lines.append('[groups.prod]\nhosts = ["web", "db"]\nvars = { stage = "prod" }\n')
    inv = tmp_path / "inventory.toml"
    inv.write_text("\n".join(lines))
    return inv, roots


def changed(doc: dict[str, Any], key: str) -> dict[str, list[str]]:
    if key == "plan":
        return {h["name"]: [o["id"] for o in h["ops"] if o["changes"]] for h in doc["hosts"]}
    return {
        h["name"]: [o["id"] for o in h["ops"] if o["status"] == "changed"] for h in doc["hosts"]
    }


@pytest.mark.parametrize("form", ["site.toml", "site.yaml", "deploy.py"])
def test_apply_converges_and_handlers_run_only_on_change(
    form: str, inventory: tuple[Path, dict[str, Path]]
) -> None:
    inv, roots = inventory
    site = str(EXAMPLE / form)
    plan = specops("plan", site, "-i", str(inv), "--json", code=0)
    predicted = changed(final(plan.stdout), "plan")
    web_ops = [
        "web/docroot[shop]",
        "web/docroot[blog]",
        "web/index[shop]",
        "web/index[blog]",
        "web/config",
        "web/reload",
        "release",
    ]
    assert predicted["web1"] == web_ops
    assert predicted["db1"] == ["db/data", "db/config", "db/init", "release"]

    apply = specops("apply", site, "-i", str(inv), "--yes", "--json", code=0)
    assert changed(final(apply.stdout), "apply") == predicted

    web = roots["web1"]
    assert (web / "web.conf").read_text() == (
        f"listen 8080\nsite blog 8081 {web}/www/blog\nsite shop 8080 {web}/www/shop\n"
    )
    assert (web / "www" / "shop" / "index.html").read_text() == "<h1>shop on web1</h1>\n"
    assert (web / "reloads.log").read_text() == "reloaded\n"
    assert json.loads((roots["db1"] / "release.json").read_text()) == {
        "app": "shop",
        "stage": "prod",
        "version": "1.10",
    }
    assert (roots["db1"] / "db" / "db.conf").read_text().startswith("port = 5432\n")
    assert not (roots["db1"] / "reloads.log").exists()

    again = specops("apply", site, "-i", str(inv), "--yes", code=0)
    assert "No changes." in again.stdout, again.stdout
    assert (web / "reloads.log").read_text() == "reloaded\n", "an unchanged config must not reload"

    (web / "web.conf").write_text("drifted\n")
    fix = specops("apply", site, "-i", str(inv), "--yes", "--json", code=0)
    assert changed(final(fix.stdout), "apply")["web1"] == ["web/config", "web/reload"]
    assert (web / "reloads.log").read_text() == "reloaded\nreloaded\n"
    assert changed(final(fix.stdout), "apply")["web2"] == []


def test_tags_and_limit_patterns(inventory: tuple[Path, dict[str, Path]]) -> None:
    inv, _ = inventory
    r = specops(
        "plan",
        str(EXAMPLE / "site.toml"),
        "-i",
        str(inv),
        "--json",
        "--tags",
        "db",
        "--limit",
        "prod",
        "--limit",
        "!web2",
        code=0,
    )
    doc = final(r.stdout)
    assert [h["name"] for h in doc["hosts"]] == ["web1", "db1"]
    assert changed(doc, "plan") == {"web1": [], "db1": ["db/data", "db/config", "db/init"]}


def test_vars_shows_where_each_value_came_from(inventory: tuple[Path, dict[str, Path]]) -> None:
    inv, roots = inventory
    r = specops(
        "vars",
        str(EXAMPLE / "site.toml"),
        "-i",
        str(inv),
        "db1",
        "--json",
        "--var",
        'version="2.0"',
        code=0,
    )
    rows = {row["name"]: (row["value"], row["from"]) for row in json.loads(r.stdout)}
    assert rows == {
        "app": ("shop", "spec vars"),
        "version": ("2.0", "--var"),
        "stage": ("prod", "group prod"),
        "root": (str(roots["db1"]), "host db1"),
    }


def test_facts_in_expressions_are_read_from_the_hosts(fleet: SshFleet, tmp_path: Path) -> None:
    h = fleet.hosts[0]
    root = h.scratch / tmp_path.name
    spec = tmp_path / "facts.toml"
    spec.write_text(
        f'[hosts.h]\nssh = "{h.target}"\nkey = "{h.key_file}"\nknown_hosts = "{h.known_hosts}"\n'
        f'[ops.by_os]\nop = "files.file"\npath = "{root}/${{facts.os.id}}-${{facts.arch}}"\n'
        f"when = \"facts.os.id == 'debian' and not facts.file('{root}/skip').exists\"\n"
    )
    root.mkdir()
    r = specops("apply", str(spec), "--yes", "--json", code=0)
    (host,) = final(r.stdout)["hosts"]
    assert host["round_trips"] == 4, "facts for compiling, the apply lock, facts, one script"
    arch = os.uname().machine
    assert (root / f"debian-{arch}").exists()
    (root / "skip").write_text("")
    assert final(specops("plan", str(spec), "--json", code=0).stdout)["hosts"][0]["ops"] == []
