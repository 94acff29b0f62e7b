"""become: ops run through sudo on a real Debian target, logged in as an unprivileged user."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.cli import specops
from tests.fixtures import final
from tests.targets import Targets


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
    r = specops("apply", str(spec), "--yes", "--json", code=0)
    assert [o["status"] for o in final(r.stdout)["hosts"][0]["ops"]] == ["changed"] * 3
    owners = t.sh(
        "stat -c '%U %a' /root/specops-become /tmp/specops-as-tester; cat /tmp/specops-who"
    )
    assert owners.stdout.split("\n")[:3] == ["root 600", "tester 644", "daemon"]
    # Facts of become ops are read as root: /root is not readable by tester, yet nothing changes.
    specops("plan", str(spec), "--detailed-exitcode", code=0)


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
    r = specops("apply", str(spec), "--yes", code=3)  # the host fails: sudo refused
    assert "Traceback" not in r.stdout + r.stderr
    assert "password" in (r.stdout + r.stderr).lower() or "sudo" in (r.stdout + r.stderr).lower()


PASSWORD = "pw with 'quotes' $(and) spaces"


def apply_on_a_terminal(spec: Path, password: str) -> tuple[int, str]:
    """``specops apply --ask-become-pass`` under a real pseudo-terminal (script(1)),
    typing ``password`` at the prompt as a user would."""
    cmd = shlex.join([sys.executable, "-m", "specops", "apply", str(spec), "--yes",
                      "--ask-become-pass"])  # fmt: skip
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    p = subprocess.Popen(
        ["script", "-qefc", cmd, "/dev/null"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    assert p.stdin is not None and p.stdout is not None
    seen = b""
    deadline = time.monotonic() + 60
    while b"sudo password:" not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        chunk = os.read(p.stdout.fileno(), 4096)
        assert chunk, f"no prompt: {seen.decode(errors='replace')}"
        seen += chunk
    p.stdin.write(password.encode() + b"\n")
    p.stdin.flush()
    rest = p.stdout.read()
    p.wait(timeout=120)
    return p.returncode, (seen + rest).decode(errors="replace")


def test_ask_become_pass_on_a_terminal(targets: Targets, tmp_path: Path) -> None:
    """sudo that wants a password: asked once on the terminal, never echoed or shown."""
    t = targets.get("become")
    t.sh(
        "id pwuser >/dev/null 2>&1 || useradd -m pwuser; "
        f"printf 'pwuser:%s\\n' {shlex.quote(PASSWORD)} | chpasswd; "
        "echo 'pwuser ALL=(ALL) ALL' > /etc/sudoers.d/pwuser; chmod 440 /etc/sudoers.d/pwuser; "
        "mkdir -p /home/pwuser/.ssh; cp /root/.ssh/authorized_keys /home/pwuser/.ssh/; "
        "chown -R pwuser /home/pwuser/.ssh; rm -f /root/specops-pw"
    )
    spec = tmp_path / "pw.toml"
    spec.write_text(
        f'[hosts.t]\nssh = "pwuser@{t.address}:{t.port}"\nkey = {json.dumps(str(t.key))}\n'
        f"known_hosts = {json.dumps(str(t.known_hosts))}\n\n"
        '[ops.as_root]\nop = "files.file"\npath = "/root/specops-pw"\ncontent = "ok\\n"\n'
        "become = true\n"
    )
    code, out = apply_on_a_terminal(spec, "wrong password")
    assert code == 3 and "Traceback" not in out, out
    assert "wrong password" not in out
    assert t.sh("test -e /root/specops-pw", check=False).returncode != 0
    code, out = apply_on_a_terminal(spec, PASSWORD)
    assert code == 0, out
    assert PASSWORD not in out and "$(and)" not in out
    assert t.sh("stat -c '%U %a' /root/specops-pw").stdout == "root 644\n"
