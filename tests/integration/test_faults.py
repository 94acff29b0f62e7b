"""The fault matrix: every fault on one host leaves the others finished, the failure
reported with its host and op, distinct exit codes, no half-written file, and a re-run
that converges. See docs/reliability.md."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli import specops
from tests.fixtures import final
from tests.processes import assert_gone
from tests.sshd import SshFleet, SshHost

pytestmark = pytest.mark.fleet

OLD = "old content\n"
NEW = "new content " + "x" * 200_000 + "\n"  # large enough to fill a 64 KiB tmpfs


def tail(r: subprocess.CompletedProcess[str]) -> str:
    return (r.stdout + r.stderr)[-3000:]


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def entry(
    name: str, h: SshHost, root: Path, key: Path | None = None, known: Path | None = None
) -> str:
    return (
        f'[hosts.{name}]\nssh = "{h.target}"\nkey = "{key or h.key_file}"\n'
        f'known_hosts = "{known or h.known_hosts}"\nvars = {{ root = "{root}" }}\n'
    )


OPS = (
    '[ops.slow]\nop = "server.shell"\ncommand = "touch ${root}/started; sleep ${pause}"\n'
    '[ops.big]\nop = "files.file"\npath = "${root}/data"\ncontent = "${payload}"\n'
)


def make_site(tmp: Path, entries: str, pause: float = 0, payload: str = NEW) -> Path:
    spec = tmp / "site.toml"
    body = f"[vars]\npause = {pause}\npayload = {payload!r}\n".replace("'", '"')
    spec.write_text(entries + body.replace('"new content', '"new content') + OPS)
    return spec


def roots_for(fleet: SshFleet, tmp: Path) -> dict[str, Path]:
    out = {}
    for i, h in enumerate(fleet.hosts):
        out[f"h{i}"] = h.scratch / f"{tmp.name}"
        out[f"h{i}"].mkdir(exist_ok=True)
        (out[f"h{i}"] / "data").write_text(OLD)
    return out


def by_host(stdout: str) -> dict[str, dict[str, Any]]:
    return {h["name"]: h for h in final(stdout)["hosts"]}


def assert_whole(path: Path) -> None:
    assert path.read_text() in (OLD, NEW), "a file was left half-written"
    assert not [p for p in path.parent.iterdir() if ".specops-" in p.name], "temp files left"


def test_auth_failure_and_host_key_mismatch(fleet: SshFleet, tmp_path: Path) -> None:
    roots = roots_for(fleet, tmp_path)
    h0, h1, h2 = fleet.hosts
    wrong_key = tmp_path / "wrong_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong_key)], check=True
    )
    forged = tmp_path / "forged_known_hosts"
    forged.write_text(
        h1.known_hosts.read_text().split(" ", 1)[0]
        + " "
        + h0.known_hosts.read_text().split(" ", 1)[1]
    )
    spec = make_site(
        tmp_path,
        entry("h0", h0, roots["h0"], key=wrong_key)
        + entry("h1", h1, roots["h1"], known=forged)
        + entry("h2", h2, roots["h2"]),
        payload="fine\n",
    )
    r = specops("apply", str(spec), "--yes", "--json", code=4)
    hosts = by_host(r.stdout)
    assert "authentication failed" in hosts["h0"]["error"]
    assert "does not match" in hosts["h1"]["error"]
    assert (roots["h2"] / "data").read_text() == "fine\n"
    assert (roots["h0"] / "data").read_text() == OLD and (roots["h1"] / "data").read_text() == OLD


def test_a_command_hanging_past_the_timeout(fleet: SshFleet, tmp_path: Path) -> None:
    roots = roots_for(fleet, tmp_path)
    entries = "".join(entry(f"h{i}", h, roots[f"h{i}"]) for i, h in enumerate(fleet.hosts))
    spec = make_site(tmp_path, entries, payload="fine\n")
    spec.write_text(
        spec.read_text() + '[ops.hang]\nop = "server.shell"\ncommand = "sleep 30"\nhosts = "h1"\n'
    )
    started = time.monotonic()
    r = specops("apply", str(spec), "--yes", "--json", "--timeout", "3", code=3)
    assert time.monotonic() - started < 30
    hang = {o["id"]: o for o in by_host(r.stdout)["h1"]["ops"]}["hang"]
    assert hang["status"] == "failed" and "timed out" in hang["error"]
    assert (roots["h0"] / "data").read_text() == "fine\n" == (roots["h2"] / "data").read_text()


def test_a_full_disk_leaves_the_old_file(fleet: SshFleet, tmp_path: Path) -> None:
    roots = roots_for(fleet, tmp_path)
    full = roots["h1"]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], check=True)
    try:
        (full / "data").write_text(OLD)
        entries = "".join(entry(f"h{i}", h, roots[f"h{i}"]) for i, h in enumerate(fleet.hosts))
        r = specops("apply", str(make_site(tmp_path, entries)), "--yes", "--json", code=3)
        big = {o["id"]: o for o in by_host(r.stdout)["h1"]["ops"]}["big"]
        assert big["status"] == "failed" and "No space left" in big["output"]
        assert (full / "data").read_text() == OLD
        assert_whole(full / "data")
        assert (roots["h0"] / "data").read_text() == NEW == (roots["h2"] / "data").read_text()
    finally:
        subprocess.run(["umount", str(full)], check=True)
    (full / "data").write_text(OLD)
    specops("apply", str(tmp_path / "site.toml"), "--yes", code=0)
    assert (full / "data").read_text() == NEW


def test_sshd_killed_in_the_middle_of_an_apply(fleet: SshFleet, tmp_path: Path) -> None:
    roots = roots_for(fleet, tmp_path)
    with SshFleet(1, tmp_path / "doomed", first_octet=60) as doomed:
        victim = doomed.hosts[0]
        vroot = victim.scratch / "root"
        vroot.mkdir()
        (vroot / "data").write_text(OLD)
        entries = "".join(entry(f"h{i}", h, roots[f"h{i}"]) for i, h in enumerate(fleet.hosts))
        spec = make_site(tmp_path, entries + entry("victim", victim, vroot), pause=3)

        def kill_when_started() -> None:
            wait_for(vroot / "started")
            doomed.close()

        killer = threading.Thread(target=kill_when_started)
        killer.start()
        try:
            r = specops("apply", str(spec), "--yes", "--json", code=3)
        finally:
            killer.join()
    ops = {o["id"]: o for o in by_host(r.stdout)["victim"]["ops"]}
    assert ops["slow"]["status"] == "failed" and ops["big"]["status"] == "not run"
    assert_whole(vroot / "data")
    for name in ("h0", "h1", "h2"):
        assert (roots[name] / "data").read_text() == NEW
    with SshFleet(1, tmp_path / "reborn", first_octet=61) as reborn:
        h = reborn.hosts[0]
        spec.write_text(
            entries
            + entry("victim", h, vroot)
            + spec.read_text()
            .split("[vars]", 1)[1]
            .join(["[vars]", ""])
            .replace("pause = 3", "pause = 0")
        )
        specops("apply", str(spec), "--yes", code=0)
        assert (vroot / "data").read_text() == NEW


PAUSE = 7.125  # seconds; unique, so the test finds its own sleep among other processes


def test_the_controller_interrupted(fleet: SshFleet, tmp_path: Path) -> None:
    roots = roots_for(fleet, tmp_path)
    entries = "".join(entry(f"h{i}", h, roots[f"h{i}"]) for i, h in enumerate(fleet.hosts))
    spec = make_site(tmp_path, entries, pause=PAUSE)
    env = {**os.environ, "NO_COLOR": "1"}
    # Output goes to files: a plan with big diffs would fill a pipe nobody reads yet.
    with (tmp_path / "out").open("w") as o, (tmp_path / "err").open("w") as e:
        p = subprocess.Popen(
            [sys.executable, "-m", "specops", "apply", str(spec), "--yes"],
            stdout=o,
            stderr=e,
            text=True,
            env=env,
        )
        for root in roots.values():
            wait_for(root / "started")
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
    out, err = (tmp_path / "out").read_text(), (tmp_path / "err").read_text()
    assert p.returncode == 130, (out + err)[-3000:]
    assert "Traceback" not in err
    # It says what had been done where: every host stopped during the slow op.
    assert "Interrupted. What the apply had done:" in out, out[-2000:]
    said = {x.split(":", 1)[0].strip(): x for x in out.split("Interrupted.", 1)[1].splitlines()}
    for name in roots:
        assert "stopped during slow" in said.get(name, ""), out[-2000:]
    # The hosts' scripts stop with the controller: the running op is killed (its
    # sleep is gone long before it would end) and the op after it never starts.
    assert_gone(f"sleep {PAUSE}", 3, "the hosts' scripts outlived the controller")
    time.sleep(0.5)
    for root in roots.values():
        assert (root / "data").read_text() == OLD
    specops("apply", str(spec.with_name("site.toml")), "--yes", code=0)
    assert all((root / "data").read_text() == NEW for root in roots.values())


def _staged(home: Path) -> list[Path]:
    up = home / ".specops" / "upload"
    return sorted(p for p in up.rglob("*")) if up.exists() else []


def test_staged_uploads_are_private_and_never_left_behind(fleet: SshFleet, tmp_path: Path) -> None:
    """Large contents go by SFTP into a per-run staging directory: private (0600) from
    the first byte, removed when the run is interrupted mid-upload, and what a killed
    run left there is removed by the next run."""
    h = fleet.hosts[0]  # the fleet logs in as this machine's root: its home is ours
    home = Path.home()
    stale = home / ".specops" / "upload" / "0123deadrun" / "cafe"
    stale.mkdir(parents=True, exist_ok=True)
    (stale / "partial").write_bytes(b"x" * 1000)
    root = tmp_path / "root"
    root.mkdir()
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(1024 * 1024) * 80)  # 80 MiB: long enough to interrupt
    spec = tmp_path / "site.toml"
    spec.write_text(
        entry("h0", h, root)
        + f'[ops.big]\nop = "files.copy"\nsrc = "{big}"\npath = "{root}/big.bin"\n'
    )
    with (tmp_path / "out").open("w") as o, (tmp_path / "err").open("w") as e:
        p = subprocess.Popen(
            [sys.executable, "-m", "specops", "apply", str(spec), "--yes"],
            stdout=o,
            stderr=e,
            env={**os.environ, "NO_COLOR": "1"},
        )
        modes: set[int] = set()
        deadline = time.monotonic() + 60
        while not modes and time.monotonic() < deadline:
            for f in _staged(home):
                if f.is_file() and "specops-" in f.name:
                    with contextlib.suppress(OSError):
                        modes.add(f.stat().st_mode & 0o777)
            time.sleep(0.02)
        assert modes, "no staged upload was seen"
        assert not (home / ".specops" / "upload" / "0123deadrun").exists(), "stale not removed"
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
    assert p.returncode == 130, (tmp_path / "err").read_text()[-2000:]
    assert modes == {0o600}, f"a staged upload was readable by others: {sorted(map(oct, modes))}"
    assert _staged(home) == [], "an interrupted upload was left in the staging directory"
    assert not (root / "big.bin").exists()
    specops("apply", str(spec), "--yes", code=0)
    assert (root / "big.bin").read_bytes() == big.read_bytes()
    assert _staged(home) == []
