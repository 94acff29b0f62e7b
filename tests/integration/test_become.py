"""become: ops run through sudo on a real Debian target, logged in as an unprivileged user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures import final
from tests.targets import Targets


def specops(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "specops", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_become_root_and_another_user(targets: Targets, tmp_path: Path) -> None:
    t = targets.get("become")
    spec = tmp_path / "become.toml"
    spec.write_text(
        f'[hosts.t]\nssh = "tester@{t.address}:{t.port}"\nkey = {json.dumps(str(t.key))}\n'
        f"known_hosts = {json.dumps(str(t.known_hosts))}\n\n"
        '[ops.as_root]\nop = "files.file"\npath = "/root/specops-become"\ncontent = "root\\n"\n'
        'mode = "0600"\nbecome = true\n\n'
        '[ops.as_me]\nop = "files.file"\npath = "/tmp/specops-as-tester"\ncontent = "me\\n"\n\n'
        '[ops.as_daemon]\nop = "server.shell"\ncommand = "id -un > /tmp/specops-who"\n'
        'creates = "/tmp/specops-who"\nbecome = "daemon"\n'
    )
    r = specops("apply", str(spec), "--yes", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [o["status"] for o in final(r.stdout)["hosts"][0]["ops"]] == ["changed"] * 3
    owners = t.sh(
        "stat -c '%U %a' /root/specops-become /tmp/specops-as-tester; cat /tmp/specops-who"
    )
    assert owners.stdout.split("\n")[:3] == ["root 600", "tester 644", "daemon"]
    # Facts of become ops are read as root: /root is not readable by tester, yet nothing changes.
    again = specops("plan", str(spec), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr


def test_become_without_sudo_rights_fails_the_op_cleanly(targets: Targets, tmp_path: Path) -> None:
    t = targets.get("become")
    t.sh(
        "id nosudo >/dev/null 2>&1 || useradd -m nosudo; mkdir -p /home/nosudo/.ssh; "
        "cp /home/tester/.ssh/authorized_keys /home/nosudo/.ssh/ 2>/dev/null || "
        "cp /root/.ssh/authorized_keys /home/nosudo/.ssh/; chown -R nosudo /home/nosudo/.ssh"
    )
    spec = tmp_path / "nosudo.toml"
    spec.write_text(
        f'[hosts.t]\nssh = "nosudo@{t.address}:{t.port}"\nkey = {json.dumps(str(t.key))}\n'
        f"known_hosts = {json.dumps(str(t.known_hosts))}\n\n"
        '[ops.x]\nop = "server.shell"\ncommand = "true"\nbecome = true\n'
    )
    r = specops("apply", str(spec), "--yes")
    assert r.returncode in (1, 3), r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "password" in (r.stdout + r.stderr).lower() or "sudo" in (r.stdout + r.stderr).lower()
