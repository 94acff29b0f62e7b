"""One apply at a time per host (runtime/engine/hostlock.py), on the loopback fleet.

Two applies that would leave each host in a state neither declared (one writes
a.conf, the other b.conf, both replace the same app.conf) are started together:
the second fails every host at once, naming who holds it, and changes nothing;
with ``--lock-wait`` it waits and then applies. A controller killed mid-apply
leaves no lock behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.processes import running
from tests.sshd import SshFleet
from tests.targets import json_doc

pytestmark = pytest.mark.fleet


def spec(fleet: SshFleet, root: Path, name: str, pause: float) -> str:
    hosts = "".join(
        f'[hosts.{h.name}]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
        f'known_hosts = "{h.known_hosts}"\n'
        for h in fleet.hosts
    )
    return hosts + (
        f'[ops.slow]\nop = "server.shell"\ncommand = "sleep {pause}"\nchanges = []\n\n'
        f'[ops.conf]\nop = "files.file"\npath = "{root}/${{host.name}}-app.conf"\n'
        f'content = "{name}\\n"\n\n'
        f'[ops.mine]\nop = "files.file"\npath = "{root}/${{host.name}}-{name}.conf"\n'
    )


def start(site: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "specops", "apply", str(site), "--yes", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_until(cond: Callable[[], bool], what: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_a_second_apply_is_refused_then_waits_its_turn(fleet: SshFleet, tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(spec(fleet, root, "a", 4.5))
    b.write_text(spec(fleet, root, "b", 0))
    first = start(a)
    wait_until(lambda: running("sleep 4.5"), "the first apply never reached its script")
    refused = start(b)
    out, err = refused.communicate(timeout=60)
    assert refused.returncode == 3, out + err
    doc = json_doc(out)
    errors = {h["name"]: h["error"] for h in doc["hosts"]}
    assert set(errors) == {h.name for h in fleet.hosts}
    assert all(e and e.startswith("another specops apply holds it: ") for e in errors.values())
    assert all(str(os.getpid()) not in e for e in errors.values())  # it names the other run
    assert not list(root.glob("*-b.conf")), "the refused apply changed something"

    waiting = start(b, "--lock-wait", "60")
    out_a, err_a = first.communicate(timeout=120)
    assert first.returncode == 0, out_a + err_a
    out_b, err_b = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, out_b + err_b
    for h in fleet.hosts:  # the second apply ran after the first: its state wins whole
        assert (root / f"{h.name}-app.conf").read_text() == "b\n"
        assert (root / f"{h.name}-a.conf").exists() and (root / f"{h.name}-b.conf").exists()


def test_a_killed_controller_leaves_no_lock(fleet: SshFleet, tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(spec(fleet, root, "a", 30.5))
    b.write_text(spec(fleet, root, "b", 0))
    first = start(a)
    wait_until(lambda: running("sleep 30.5"), "the first apply never reached its script")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    t0 = time.monotonic()
    second = start(b, "--lock-wait", "20")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, out + err
    assert time.monotonic() - t0 < 20, "the lock of the killed run was kept"
    assert not any(h["error"] for h in json_doc(out)["hosts"])
