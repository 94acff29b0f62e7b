"""``specops run`` and ``specops facts`` from the command line, against real hosts.

The loopback sshd fleet, ``@local``, a chroot into a real Debian root, and the
stand-in docker/kubectl (tests/standins) over that same root. Every check of
an applied op reads the host's files afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import specops
from tests.processes import assert_gone, running
from tests.sshd import SshFleet, SshHost

pytestmark = pytest.mark.fleet


def ssh_args(fleet: SshFleet, hosts: list[SshHost] | None = None) -> list[str]:
    """TARGETS for these fleet hosts, with the fleet's key and known_hosts."""
    chosen = hosts or fleet.hosts
    return [
        ",".join(h.target for h in chosen),
        "--key",
        str(fleet.key_file),
        "--known-hosts",
        str(fleet.known_hosts),
    ]


def no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr + r.stdout, r.stderr


# -- specops run -- COMMAND ------------------------------------------------------------


def test_command_on_the_fleet_local_and_a_chroot(fleet: SshFleet, debian_root: Path) -> None:
    targets, *opts = ssh_args(fleet)
    r = specops(
        "run",
        f"{targets},@local,@chroot{debian_root}",
        *opts,
        "--",
        "echo from $(cat /etc/debian_version 2>/dev/null || echo ?)",
        code=0,
    )
    for h in fleet.hosts:
        assert f"{h.target}  ok" in r.stdout
    assert "@local  ok" in r.stdout and f"@chroot{debian_root}  ok" in r.stdout
    assert r.stdout.count("from ") == 5
    assert "Recap: 5 hosts: 5 ok." in r.stdout


def test_failed_host_exits_3_and_unreachable_exits_4(fleet: SshFleet) -> None:
    targets, *opts = ssh_args(fleet, fleet.hosts[:2])
    r = specops("run", targets, *opts, "--", "exit 3", code=3)
    assert "failed: exit code 3" in r.stdout and "2 failed" in r.stdout
    r = specops("run", "root@127.0.0.1:1,@local", "--", "true", code=4)
    assert "root@127.0.0.1:1  unreachable" in r.stdout and "hint:" in r.stdout
    assert "1 ok, 1 unreachable (root@127.0.0.1:1)" in r.stdout
    # A failure outranks an unreachable host.
    r = specops("run", "root@127.0.0.1:1,@local", "--", "exit 1", code=3)
    no_traceback(r)


def test_stream_prefixes_every_line_with_its_host(fleet: SshFleet) -> None:
    targets, *opts = ssh_args(fleet)
    r = specops(
        "run", targets, *opts, "--stream", "--", "echo one; echo two >&2; echo three", code=0
    )
    for h in fleet.hosts:
        mine = [ln.split("| ", 1)[1] for ln in r.stdout.splitlines() if ln.startswith(h.target)]
        assert mine == ["one", "two", "three"] or sorted(mine) == ["one", "three", "two"]


def test_json_has_every_host(fleet: SshFleet) -> None:
    targets, *opts = ssh_args(fleet)
    r = specops("run", targets, *opts, "--json", "--", "printf 'größe'; exit 2", code=3)
    hosts = json.loads(r.stdout)["hosts"]
    assert [(h["name"], h["exit"], h["stdout"]) for h in hosts] == [
        (h.target, 2, "größe") for h in fleet.hosts
    ]


def test_become_runs_through_sudo() -> None:
    r = specops("run", "@local", "--become", "--become-user", "nobody", "--", "id -un", code=0)
    assert "nobody" in r.stdout


def test_inventory_group_and_glob_select_hosts(fleet: SshFleet, tmp_path: Path) -> None:
    inv = tmp_path / "inventory.toml"
    lines = []
    for h in fleet.hosts:
        lines += [
            f"[hosts.{h.name}]",
            f'ssh = "{h.target}"',
            f'key = "{h.key_file}"',
            f'known_hosts = "{h.known_hosts}"',
            "",
        ]
    lines += ["[groups.web]", f'hosts = ["{fleet.hosts[0].name}", "{fleet.hosts[1].name}"]']
    inv.write_text("\n".join(lines) + "\n")
    r = specops("run", "-i", str(inv), "web", "--", "echo hi", code=0)
    assert "Recap: 2 hosts: 2 ok." in r.stdout
    assert fleet.hosts[2].name not in r.stdout
    r = specops("run", "-i", str(inv), "host*,@local", "--", "echo hi", code=0)
    assert "Recap: 4 hosts: 4 ok." in r.stdout
    r = specops("run", "-i", str(inv), "wbe", "--", "echo hi", code=1)
    assert 'no host or group named "wbe"' in r.stderr and 'did you mean "web"' in r.stderr


def test_docker_and_kubectl_stand_ins(standins: Path) -> None:
    r = specops("run", "@docker/web,@kubectl/apps/api", "--", "cat /etc/debian_version", code=0)
    assert "@docker/web  ok" in r.stdout and "@kubectl/apps/api  ok" in r.stdout
    r = specops("run", "@docker/db", "--", "true", code=4)
    assert "No such container: db" in r.stdout


# -- specops run OP NAME=VALUE ---------------------------------------------------------


def test_op_plans_then_applies_on_the_fleet(fleet: SshFleet) -> None:
    paths = [h.scratch / "adhoc" / "srv" for h in fleet.hosts]
    # Every host gets the same path: give them one that exists under each scratch dir.
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
    targets, *opts = ssh_args(fleet, fleet.hosts[:1])
    path = str(paths[0])
    r = specops(
        "run", targets, *opts, "files.directory", f"path={path}", "mode=0750", "--plan", code=0
    )
    assert f"+ files.directory  create directory {path}" in r.stdout
    assert not paths[0].exists()
    specops("run", targets, *opts, "files.directory", f"path={path}", "mode=0750", code=0)
    assert paths[0].is_dir() and oct(paths[0].stat().st_mode)[-3:] == "750"
    r = specops(
        "run", targets, *opts, "files.directory", f"path={path}", "mode=0750", "--plan", code=0
    )
    assert "no changes" in r.stdout


def test_op_with_typed_arguments_in_a_chroot(debian_root: Path) -> None:
    target = f"@chroot{debian_root}"
    specops("run", target, "files.file", "path=/tmp/adhoc.conf", "content=a\n", "mode=0640", code=0)
    f = debian_root / "tmp" / "adhoc.conf"
    assert f.read_text() == "a\n" and oct(f.stat().st_mode)[-3:] == "640"
    specops("run", target, "files.line", "path=/tmp/adhoc.conf", "line=a", "present=false", code=0)
    assert f.read_text() == ""


def test_op_errors_point_into_the_command_line() -> None:
    r = specops("run", "@local", "files.directory", "path=/tmp/x", "mdoe=0755", code=1)
    assert r.stderr.splitlines() == [
        '<command line>:1:48: error[unknown-argument]: files.directory has no argument "mdoe"',
        "   1 | specops run @local files.directory path=/tmp/x mdoe=0755",
        "     |                                                ^^^^",
        'hint: did you mean "mode"?',
    ]
    r = specops("run", "@local", "files.line", "path=/tmp/x", "line=a", "present=maybe", code=1)
    assert "error[wrong-type]" in r.stderr and "must be a boolean" in r.stderr
    assert "^^^^^" in r.stderr
    r = specops("run", "@local", "files.directry", "path=/tmp/x", code=1)
    assert 'did you mean "files.directory"' in r.stderr
    r = specops("run", "@local", "files.directory", "path=relative", code=1)
    assert "error[bad-value]" in r.stderr
    r = specops("run", "@local", "files.directory", code=1)
    assert 'files.directory needs argument "path"' in r.stderr
    r = specops("run", "@lcoal", "--", "true", code=1)
    assert "error[bad-connection]" in r.stderr and 'did you mean "@local"' in r.stderr
    r = specops("run", "@local", "uptime", code=1)
    assert 'put it after "--"' in r.stderr
    no_traceback(r)


# -- specops facts ---------------------------------------------------------------------


def test_default_facts_on_local_fleet_and_chroot(fleet: SshFleet, debian_root: Path) -> None:
    targets, *opts = ssh_args(fleet, fleet.hosts[:1])
    r = specops("facts", f"{targets},@local,@chroot{debian_root}", *opts, "--json", code=0)
    hosts = {h["name"]: h["facts"] for h in json.loads(r.stdout)["hosts"]}
    chroot = hosts[f"@chroot{debian_root}"]
    assert chroot["host.OsRelease()"]["version_codename"] == "bookworm"
    assert hosts["@local"]["host.Uname()"]["hostname"]
    r = specops("facts", "@local", code=0)
    assert "host.Uname()" in r.stdout and "hostname:" in r.stdout


def test_named_fact_with_arguments(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    r = specops("facts", "@local", "files.FileInfo", f"path={tmp_path / 'f'}", "--json", code=0)
    (host,) = json.loads(r.stdout)["hosts"]
    assert host["facts"][f"files.FileInfo(path='{tmp_path / 'f'}')"]["size"] == 1
    r = specops("facts", "@local", "files.FileInfo", "pth=/", code=1)
    assert 'needs argument "path"' in r.stderr and 'did you mean "path"' in r.stderr
    r = specops("facts", "@local", "host.uname", code=1)
    assert 'did you mean "host.Uname"' in r.stderr
    no_traceback(r)


def test_ctrl_c_stops_the_command_on_every_host(fleet: SshFleet, tmp_path: Path) -> None:
    """Like ssh(1) with a terminal: interrupting ``specops run`` ends the remote
    commands at once, instead of waiting for them or leaving them running."""
    pause = "9.4375"  # this test's own sleep, among every process on the machine
    marks = [h.scratch / f"{tmp_path.name}-started" for h in fleet.hosts]
    cmd = f"touch {marks[0]} {marks[1]} {marks[2]}; sleep {pause}; touch {tmp_path}/late"
    env = {**os.environ, "NO_COLOR": "1"}
    with (tmp_path / "out").open("w") as out:
        p = subprocess.Popen(
            [sys.executable, "-m", "specops", "run", *ssh_args(fleet), "--", cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not all(m.exists() for m in marks) or not running(f"sleep {pause}"):
            assert time.monotonic() < deadline, (tmp_path / "out").read_text()
            time.sleep(0.05)
        time.sleep(0.3)  # every host's sleep has started
        p.send_signal(signal.SIGINT)
        p.wait(timeout=8)
    text = (tmp_path / "out").read_text()
    assert p.returncode == 130 and "Traceback" not in text, text
    assert_gone(f"sleep {pause}", 5, "the remote commands outlived the controller")
    assert not (tmp_path / "late").exists()
