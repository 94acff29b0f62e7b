"""plan and apply against a fleet of real loopback OpenSSH servers, from the command line.

The spec declares the inventory itself (one host entry per sshd, each with its
own key, known_hosts and scratch root), and every check reads the hosts' real
files afterwards.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import specops
from tests.fixtures import final
from tests.sshd import SshFleet, SshHost
from tests.targets import applied, planned

pytestmark = pytest.mark.fleet


def inventory_toml(hosts: list[SshHost], roots: dict[str, Path]) -> str:
    out = []
    for h in hosts:
        out.append(
            f'[hosts.{h.name}]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
            f'known_hosts = "{h.known_hosts}"\nvars = {{ root = "{roots[h.name]}" }}\n'
        )
    names = [h.name for h in hosts]
    out.append(f"[groups.web]\nhosts = {json.dumps(names[:2])}\nvars = {{ port = 8080 }}\n")
    out.append(f"[groups.db]\nhosts = {json.dumps(names[2:])}\nvars = {{ port = 5432 }}\n")
    return "\n".join(out)


OPS = """
[vars]
app = "shop"

[ops.app_dir]
op = "files.directory"
path = "${root}/${app}"
mode = "0750"

[ops.config]
op = "files.file"
path = "${root}/${app}/app.conf"
content = "host = ${host.name}\\nport = ${port}\\n"
mode = "0640"

[ops.env]
op = "files.line"
path = "${root}/${app}/env"
line = "PORT=${port}"
regex = "^PORT="

[ops.current]
op = "files.link"
path = "${root}/current"
target = "${app}"

[ops.old_pid]
op = "files.absent"
path = "${root}/${app}/old.pid"

[ops.seed]
op = "server.shell"
command = "echo seeded > ${root}/${app}/seed"
creates = "${root}/${app}/seed"
changes = []  # nothing but what creates names: the ops after it need no second phase

[ops.web_only]
op = "files.file"
path = "${root}/web.flag"
hosts = "web"
"""


@pytest.fixture
def roots(fleet: SshFleet, tmp_path: Path) -> dict[str, Path]:
    out = {}
    for h in fleet.hosts:
        root = h.scratch / tmp_path.name
        root.mkdir(parents=True)
        out[h.name] = root
    return out


@pytest.fixture
def site(fleet: SshFleet, roots: dict[str, Path], tmp_path: Path) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(inventory_toml(fleet.hosts, roots) + OPS)
    # A stale file for files.absent to remove and an env file for files.line to edit.
    for root in roots.values():
        (root / "shop").mkdir()
        (root / "shop" / "old.pid").write_text("123\n")
        (root / "shop" / "env").write_text("A=1\nPORT=1\n")
    return path


def test_apply_makes_hosts_match_and_plan_predicted_it(
    fleet: SshFleet, site: Path, roots: dict[str, Path]
) -> None:
    plan = specops("plan", str(site), "--json", code=0)
    predicted = planned(final(plan.stdout))

    apply = specops("apply", str(site), "--yes", "--json", code=0)
    result = final(apply.stdout)
    assert applied(result) == predicted
    assert all(h["round_trips"] == 3 for h in result["hosts"]), "the lock, facts, one script"

    for h in fleet.hosts:
        root = roots[h.name]
        port = 5432 if h.name == fleet.hosts[2].name else 8080
        conf = root / "shop" / "app.conf"
        assert conf.read_text() == f"host = {h.name}\nport = {port}\n"
        assert oct(conf.stat().st_mode & 0o777) == "0o640"
        assert oct((root / "shop").stat().st_mode & 0o777) == "0o750"
        assert (root / "shop" / "env").read_text() == f"A=1\nPORT={port}\n"
        assert os.readlink(root / "current") == "shop"
        assert not (root / "shop" / "old.pid").exists()
        assert (root / "shop" / "seed").read_text() == "seeded\n"
        assert (root / "web.flag").exists() == (port == 8080)
        assert not [p for p in (root / "shop").iterdir() if ".specops-" in p.name], (
            "temp files left"
        )

    again = specops("plan", str(site), "--detailed-exitcode", code=0)
    assert "No changes." in again.stdout


def test_text_plan_shows_diffs_and_summary(site: Path) -> None:
    plan = specops("plan", str(site), "--detailed-exitcode", code=2)
    out = plan.stdout
    assert "+ config" in out and "+port = 8080" in out and "-PORT=1" in out
    assert "Plan: 8 to add, 6 to change, 3 to remove, 3 to run." in out


def test_unreachable_and_failing_hosts_do_not_stop_the_others(
    fleet: SshFleet, site: Path, roots: dict[str, Path]
) -> None:
    text = site.read_text().replace(
        "[groups.web]",
        '[hosts.ghost]\nssh = "root@127.0.0.1:1"\n'
        'vars = { root = "/nonexistent", port = 1 }\n\n[groups.web]',
    )
    bad = fleet.hosts[1].name
    fail = 'command = "echo about to fail; exit 7"'
    text += f'\n[ops.boom]\nop = "server.shell"\n{fail}\nhosts = "{bad}"\n'
    text += '\n[ops.after]\nop = "files.file"\npath = "${root}/after"\n'
    site.write_text(text)
    r = specops(
        "apply", str(site), "--yes", "--json", code=3
    )  # a failed op outranks an unreachable host
    doc = {h["name"]: h for h in final(r.stdout)["hosts"]}
    assert doc["ghost"]["unreachable"] and "cannot connect" in doc["ghost"]["error"]
    boom = {o["id"]: o for o in doc[bad]["ops"]}
    assert boom["boom"]["status"] == "failed" and "about to fail" in boom["boom"]["output"]
    assert boom["boom"]["error"] == "exit code 7"
    assert boom["after"]["status"] == "not run"
    assert not (roots[bad] / "after").exists()
    for h in (fleet.hosts[0], fleet.hosts[2]):
        assert (roots[h.name] / "after").exists()
        assert all(o["status"] in ("changed", "ok") for o in doc[h.name]["ops"])


def test_python_deploy_with_inventory_file(
    fleet: SshFleet, roots: dict[str, Path], tmp_path: Path
) -> None:
    inv = tmp_path / "inventory.toml"
    inv.write_text(inventory_toml(fleet.hosts, roots))
    deploy = tmp_path / "deploy.py"
    deploy.write_text(
        "from specops import host\n"
        "from specops.ops import files\n\n"
        "root = host().vars['root']\n"
        "files.directory(path=f'{root}/py', mode='0700')\n"
        "files.file(path=f'{root}/py/who', content=host().name + '\\n')\n"
    )
    specops("apply", str(deploy), "-i", str(inv), "--yes", code=0)
    for h in fleet.hosts:
        assert (roots[h.name] / "py" / "who").read_text() == f"{h.name}\n"
    assert "No changes." in specops("plan", str(deploy), "-i", str(inv), code=0).stdout


def test_unknown_host_key_is_refused(fleet: SshFleet, tmp_path: Path) -> None:
    h = fleet.hosts[0]
    spec = tmp_path / "site.toml"
    spec.write_text(
        f'[hosts.h]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
        f'known_hosts = "{fleet.hosts[1].known_hosts}"\n'
        '[ops.x]\nop = "files.directory"\npath = "/tmp/never"\n'
    )
    r = specops("plan", str(spec), code=1)
    assert "not found in known_hosts" in r.stdout and "hint:" in r.stdout
