"""The runtime from the command line on the loopback fleet: saved plans, stale plans,
rolling batches, stats, the JSON event stream and ~/.ssh/config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import specops
from tests.fixtures import final
from tests.sshd import SshFleet, SshHost

pytestmark = pytest.mark.fleet


def host_entry(name: str, h: SshHost, root: Path) -> str:
    return (
        f'[hosts.{name}]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
        f'known_hosts = "{h.known_hosts}"\nvars = {{ root = "{root}" }}\n'
    )


@pytest.fixture
def site(fleet: SshFleet, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    roots = {}
    text = ""
    for i, h in enumerate(fleet.hosts):
        roots[f"h{i}"] = h.scratch / f"{tmp_path.name}"
        roots[f"h{i}"].mkdir()
        text += host_entry(f"h{i}", h, roots[f"h{i}"])
    text += (
        '[ops.conf]\nop = "files.file"\npath = "${root}/app.conf"\ncontent = "v1\\n"\n'
        '[ops.line]\nop = "files.line"\npath = "${root}/env"\nline = "A=1"\n'
    )
    spec = tmp_path / "site.toml"
    spec.write_text(text)
    return spec, roots


def test_saved_plan_applies_exactly_and_refuses_when_stale(
    site: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    spec, roots = site
    saved = tmp_path / "site.plan"
    r = specops("plan", str(spec), "-o", str(saved), code=0)
    assert f"specops apply {saved}" in r.stdout, r.stdout
    shown = specops("show", str(saved), "--json", code=0)
    doc = json.loads(shown.stdout)
    assert doc["version"] == 1 and [h["name"] for h in doc["hosts"]] == ["h0", "h1", "h2"]
    assert "+ conf" in specops("show", str(saved), code=0).stdout

    # A host changed after the plan was saved: nothing is applied anywhere.
    (roots["h1"] / "env").write_text("B=2\n")
    stale = specops("apply", str(saved), "--yes", code=1)
    assert (
        "h1" in stale.stdout
        and "files.FileContent" in stale.stdout
        and "changed since" in stale.stdout
    )
    assert not (roots["h0"] / "app.conf").exists()

    (roots["h1"] / "env").unlink()
    specops("apply", str(saved), "--yes", code=0)
    assert all((root / "app.conf").read_text() == "v1\n" for root in roots.values())
    # Applying the same plan again is refused: the hosts are no longer what it saw.
    specops("apply", str(saved), "--yes", code=1)


def test_saved_plans_never_hold_secrets(site: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    spec, _ = site
    spec.write_text(
        spec.read_text() + '[ops.token]\nop = "files.file"\npath = "${root}/t"\n'
        "content = \"${ env('HOME') }\"\n"
    )
    r = specops("plan", str(spec), "-o", str(tmp_path / "x.plan"), code=1)
    assert "sensitive" in r.stderr and not (tmp_path / "x.plan").exists()


def test_serial_batches_stop_at_the_fail_percent(site: tuple[Path, dict[str, Path]]) -> None:
    spec, roots = site
    spec.write_text(
        spec.read_text() + '[ops.boom]\nop = "server.shell"\ncommand = "exit 1"\nhosts = "h0"\n'
    )
    r = specops(
        "apply", str(spec), "--yes", "--serial", "1", "--fail-percent", "30", "--json", code=3
    )
    hosts = {h["name"]: h for h in final(r.stdout)["hosts"]}
    assert hosts["h0"]["ops"][-1]["status"] == "failed"
    assert hosts["h1"]["skipped"] and hosts["h2"]["skipped"]
    assert not (roots["h1"] / "app.conf").exists()


def test_event_stream_and_stats(site: tuple[Path, dict[str, Path]]) -> None:
    spec, _ = site
    r = specops("apply", str(spec), "--yes", "--json", code=0)
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert all(e["version"] == 1 for e in events)
    kinds = [e.get("event", e.get("kind")) for e in events]
    assert kinds[0] == "start" and kinds[-1] == "apply"
    assert kinds.count("host_planned") == 3 and kinds.count("host_applied") == 3
    stats = specops("plan", str(spec), "--stats", code=0)
    assert "round trips" in stats.stdout and "facts" in stats.stdout
    applied = final(specops("apply", str(spec), "--yes", "--json", code=0).stdout)
    for h in applied["hosts"]:
        assert h["round_trips"] <= 2 and h["bytes"]["sent"] > 0 and "facts" in h["seconds"]


def test_ssh_config_alias_is_honoured(fleet: SshFleet, tmp_path: Path) -> None:
    h = fleet.hosts[0]
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text(
        f"Host web-alias\n  HostName {h.address}\n  Port {h.port}\n  User root\n"
        f"  IdentityFile {h.key_file}\n  IdentitiesOnly yes\n"
    )
    (home / ".ssh" / "known_hosts").write_text(h.known_hosts.read_text())
    root = h.scratch / tmp_path.name
    spec = tmp_path / "alias.toml"
    spec.write_text(
        f'[hosts.web]\nssh = "web-alias"\n[ops.d]\nop = "files.directory"\npath = "{root}"\n'
    )
    specops("apply", str(spec), "--yes", env={"HOME": str(home)}, code=0)
    assert root.is_dir()


def test_plan_grouped_by_op_counts_hosts(
    site: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    spec, _ = site
    shared = tmp_path / "never-created"
    spec.write_text(spec.read_text() + f'[ops.same]\nop = "files.directory"\npath = "{shared}"\n')
    r = specops("plan", str(spec), "--by-op", code=0)
    assert "3 hosts: h0, h1, h2" in r.stdout and f"create directory {shared}" in r.stdout
    assert r.stdout.count(f"create directory {shared}") == 1
    assert "Plan: " in r.stdout


def test_large_contents_travel_by_sftp(fleet: SshFleet, tmp_path: Path) -> None:
    h = fleet.hosts[0]
    root = h.scratch / tmp_path.name
    root.mkdir()
    content = "".join(f"line {i} " + "é" * 40 + "\n" for i in range(6_000))  # ~0.55 MB
    (tmp_path / "big.txt").write_text(content)
    spec = tmp_path / "big.toml"
    spec.write_text(
        host_entry("h", h, root) + '[ops.big]\nop = "files.file"\npath = "${root}/big.txt"\n'
        'content = "${ file(\'big.txt\') }"\nmode = "0640"\n'
    )
    r = specops("apply", str(spec), "--yes", "--json", code=0)
    (host,) = final(r.stdout)["hosts"]
    # the apply lock, facts, staging directory, one upload, the script: the content did not
    # ride in the script
    assert host["round_trips"] == 5
    assert host["ops"][0]["changes"][0]["commands"][0].count("<upload") == 1
    assert (root / "big.txt").read_text() == content
    assert oct((root / "big.txt").stat().st_mode & 0o777) == "0o640"
    assert list((Path.home() / ".specops" / "upload").iterdir()) == [], "uploads left behind"
    assert "No changes." in specops("plan", str(spec), code=0).stdout


def test_files_get_fetches_to_the_controller(fleet: SshFleet, tmp_path: Path) -> None:
    roots = {}
    text = ""
    for i, h in enumerate(fleet.hosts):
        roots[i] = h.scratch / tmp_path.name
        roots[i].mkdir()
        (roots[i] / "app.conf").write_text(f"conf of h{i}\n")
        text += host_entry(f"h{i}", h, roots[i])
    spec = tmp_path / "get.toml"
    spec.write_text(
        text + '[ops.backup]\nop = "files.get"\npath = "${root}/app.conf"\n'
        'dest = "backups/${host.name}/app.conf"\n'
    )
    specops("apply", str(spec), "--yes", "--json", code=0)
    for i in range(3):
        assert (tmp_path / "backups" / f"h{i}" / "app.conf").read_text() == f"conf of h{i}\n"
    assert "No changes." in specops("plan", str(spec), code=0).stdout
    (roots[1] / "app.conf").write_text("changed\n")
    again = final(specops("apply", str(spec), "--yes", "--json", code=0).stdout)
    assert [h["name"] for h in again["hosts"] if h["ops"][0]["status"] == "changed"] == ["h1"]
    assert (tmp_path / "backups" / "h1" / "app.conf").read_text() == "changed\n"


def test_proxy_jump_from_ssh_config(tmp_path: Path) -> None:
    """``ProxyJump`` in ~/.ssh/config: the session to the target is forwarded by the
    jump host's sshd (its log shows the forwarding), keys checked on both hops."""
    with SshFleet(2, tmp_path / "hops", first_octet=62, log_level="DEBUG1") as hops:
        jump, target = hops.hosts
        home = tmp_path / "home"
        (home / ".ssh").mkdir(parents=True)
        (home / ".ssh" / "config").write_text(
            f"Host jump\n  HostName {jump.address}\n  Port {jump.port}\n  User root\n"
            f"  IdentityFile {jump.key_file}\n  IdentitiesOnly yes\n"
            f"Host inner\n  HostName {target.address}\n  Port {target.port}\n  User root\n"
            f"  IdentityFile {target.key_file}\n  IdentitiesOnly yes\n  ProxyJump jump\n"
        )
        (home / ".ssh" / "known_hosts").write_text(hops.known_hosts.read_text())
        root = target.scratch / "via-jump"
        spec = tmp_path / "jump.toml"
        spec.write_text(
            f'[hosts.inner]\nssh = "inner"\n[ops.d]\nop = "files.directory"\npath = "{root}"\n'
        )
        r = specops("apply", str(spec), "--yes", env={"HOME": str(home)}, code=0)
        assert root.is_dir()
        log = (hops.base_dir / "host0" / "sshd.log").read_text(errors="replace")
        assert "direct-tcpip" in log and f"{target.address} port {target.port}" in log, log[-3000:]
        # The jump host's key is checked like the target's: unknown means refused.
        (home / ".ssh" / "known_hosts").write_text(target.known_hosts.read_text())
        r = specops("plan", str(spec), env={"HOME": str(home)}, code=1)
        assert "Traceback" not in r.stderr, r.stdout + r.stderr
        assert f"[{jump.address}]:{jump.port}" in r.stdout + r.stderr
        assert "known_hosts" in r.stdout + r.stderr
