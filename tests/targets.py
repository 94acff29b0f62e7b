"""Disposable Debian hosts for real-host tests, made by ``../shared/targets/make-target.sh``.

Each target is a minimal Debian bookworm root with its own sshd on a 127.x
address, reachable over real SSH as root. A test session makes targets on
first use (well under a second each from the cached image) and destroys them
all at the end; the cached image is built once per machine (~30-45 s) and
kept under ``/var/tmp/specops-targets/cache``, never inside the repository.

    def test_x(targets: Targets) -> None:
        t = targets.get("files")               # made once per session, shared
        spec = t.inventory() + OPS              # [hosts.NAME] with key and known_hosts
        result = converge(tmp_path, spec)       # plan, apply, compare, plan again
        assert t.sh("cat /etc/foo").stdout == "…"

Each session uses its own ``TARGETS_DIR`` (``run-PID``) and its own third
octet, so two sessions on one machine never touch each other's targets;
leftovers of a session that died are destroyed at the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

BASE = Path(os.environ.get("SPECOPS_TARGETS_BASE", "/var/tmp/specops-targets"))
MAKE_TARGET = Path(
    os.environ.get(
        "SPECOPS_MAKE_TARGET",
        str(Path(__file__).resolve().parents[2] / "shared" / "targets" / "make-target.sh"),
    )
)
Init = Literal["tiny", "systemd"]


class TargetError(RuntimeError):
    """A target could not be made (the message says why, with make-target's output)."""


@dataclass(frozen=True)
class Target:
    name: str
    address: str
    port: int
    key: Path
    known_hosts: Path
    dir: Path
    init: Init

    @property
    def ssh_target(self) -> str:
        return f"root@{self.address}:{self.port}"

    def inventory(self, host: str | None = None, vars: dict[str, Any] | None = None) -> str:
        """A ``[hosts.NAME]`` table reaching this target (TOML)."""
        out = (
            f"[hosts.{host or self.name}]\n"
            f"ssh = {json.dumps(self.ssh_target)}\n"
            f"key = {json.dumps(str(self.key))}\n"
            f"known_hosts = {json.dumps(str(self.known_hosts))}\n"
        )
        if vars:
            out += f"vars = {json_to_toml_inline(vars)}\n"
        return out + "\n"

    def sh(
        self, script: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a shell script on the target as root over SSH (for checks, not for ops)."""
        r = subprocess.run(
            [
                "ssh",
                "-i",
                str(self.key),
                "-p",
                str(self.port),
                "-o",
                f"UserKnownHostsFile={self.known_hosts}",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "LogLevel=ERROR",
                f"root@{self.address}",
                "sh -s",
            ],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and r.returncode != 0:
            raise AssertionError(
                f"on {self.name}: {script!r} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
            )
        return r


def json_to_toml_inline(v: Any) -> str:
    """A TOML inline value for simple JSON data (strings, numbers, booleans, lists, maps)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {json_to_toml_inline(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(json_to_toml_inline(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Targets:
    """The session's targets: ``get(name)`` makes one on first use; ``close()`` destroys all."""

    def __init__(self, base: Path = BASE) -> None:
        self.base = base
        self.cache = base / "cache"
        self.dir = base / f"run-{os.getpid()}"
        # A third octet per session keeps concurrent sessions' sshds apart.
        self.octet = 20 + os.getpid() % 200
        self._targets: dict[str, Target] = {}
        self._cached: set[str] = set()
        self._lock = threading.Lock()

    def _env(self, init: Init, targets_dir: Path | None = None) -> dict[str, str]:
        return {
            **os.environ,
            "PATH": f"{self.dir / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "TARGETS_DIR": str(targets_dir or self.dir),
            "CACHE_DIR": str(self.cache),
            "INIT": init,
        }

    def _run(self, *args: str, init: Init = "tiny", targets_dir: Path | None = None) -> str:
        r = subprocess.run(
            ["bash", str(MAKE_TARGET), *args],
            env=self._env(init, targets_dir),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if r.returncode != 0:
            raise TargetError(
                f"make-target.sh {' '.join(args)} failed ({r.returncode}):\n{r.stderr[-3000:]}"
            )
        return r.stdout

    def check_prerequisites(self) -> None:
        if os.geteuid() != 0:
            raise TargetError("make-target.sh must run as root")
        if not MAKE_TARGET.is_file():
            raise TargetError(f"{MAKE_TARGET} not found (set SPECOPS_MAKE_TARGET)")
        for tool in ("mmdebstrap", "unshare", "ssh", "ssh-keygen"):
            if shutil.which(tool) is None:
                raise TargetError(f"{tool} not found: tests/run.sh installs it")

    def install_keyscan_shim(self) -> None:
        """Work around a start-up race in make-target.sh ``create``.

        Its boot loop runs ``ssh-keyscan`` (refused at once while sshd is not up)
        and then checks that the target's process is ``unshare``; with
        ``INIT=systemd`` that process is still the ``cgenter.sh`` shell for a few
        milliseconds, so ``create`` often reports "failed to boot" for a target
        that is booting fine. A shim that pauses after a failed scan closes the gap.
        """
        real = shutil.which("ssh-keyscan")
        if real is None:
            raise TargetError("ssh-keyscan not found")
        shim = self.dir / "bin" / "ssh-keyscan"
        shim.parent.mkdir(parents=True, exist_ok=True)
        shim.write_text(f'#!/bin/sh\n"{real}" "$@" && exit 0\nrc=$?\nsleep 0.2\nexit $rc\n')
        shim.chmod(0o755)

    def reap_stale(self) -> None:
        """Destroy the targets of earlier sessions that died without cleaning up."""
        for d in sorted(self.base.glob("run-*")):
            pid = d.name.removeprefix("run-")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(TargetError):
                self._run("destroy-all", targets_dir=d)
            shutil.rmtree(d, ignore_errors=True)

    def get(self, name: str, init: Init = "tiny") -> Target:
        """The target ``name`` (made on first use; the same object afterwards)."""
        with self._lock:
            if name in self._targets:
                t = self._targets[name]
                if t.init != init:
                    raise TargetError(f"target {name} exists with INIT={t.init}")
                return t
            if init not in self._cached:
                self._run("cache", init=init)  # a no-op once the image is cached
                self._cached.add(init)
            address = f"127.0.{self.octet}.{21 + len(self._targets)}"
            if not (self.dir / "bin" / "ssh-keyscan").exists():
                self.install_keyscan_shim()
            try:
                self._run("create", name, address, init=init)
            except TargetError:
                # A half-made target may still be booting: never leave it running.
                if (self.dir / name / "ip").exists():
                    with contextlib.suppress(TargetError):
                        self._run("destroy", name)
                raise
            t = Target(
                name=name,
                address=address,
                port=2222,
                key=self.dir / "id_ed25519",
                known_hosts=self.dir / name / "known_hosts",
                dir=self.dir / name,
                init=init,
            )
            self._targets[name] = t
        if init == "systemd":
            # systemd is pid 1 but may still be starting units: wait until it settles.
            t.sh("systemctl is-system-running --wait >/dev/null 2>&1 || true", timeout=120)
        return t

    def close(self) -> None:
        with self._lock:
            for name in list(self._targets):
                with contextlib.suppress(TargetError):
                    self._run("destroy", name)
                del self._targets[name]
            if self.dir.exists():
                shutil.rmtree(self.dir, ignore_errors=True)


# -- running specops against targets --------------------------------------------------


def specops(
    *args: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "specops", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def json_doc(stdout: str) -> dict[str, Any]:
    """The result document of ``--json`` output (one document, or the last line of a stream)."""
    try:
        doc: dict[str, Any] = json.loads(stdout)
        return doc
    except json.JSONDecodeError:
        pass
    for line in reversed(stdout.strip().splitlines()):
        obj = json.loads(line)
        if isinstance(obj, dict) and "event" not in obj and "hosts" in obj:
            return obj
    raise ValueError(f"no result document in --json output: {stdout[-500:]!r}")


def planned(doc: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per host, per op id, the summaries of the changes a plan --json predicts."""
    return {
        h["name"]: {o["id"]: [c["summary"] for c in o["changes"]] for o in h["ops"] if o["changes"]}
        for h in doc["hosts"]
    }


def applied(doc: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per host, per op id, the summaries of the changes an apply --json made."""
    return {
        h["name"]: {
            o["id"]: [c["summary"] for c in o["changes"]]
            for o in h["ops"]
            if o["status"] == "changed"
        }
        for h in doc["hosts"]
    }


@dataclass(frozen=True)
class Converged:
    plan: dict[str, Any]
    apply: dict[str, Any]

    def changed(self, host: str) -> set[str]:
        return set(applied(self.apply).get(host, {}))


def converge(
    spec: Path, *args: str, cwd: Path | None = None, expect_changes: bool = True
) -> Converged:
    """Plan, apply, check apply did what the plan said, then check a new plan is empty.

    ``args`` go to every specops command (e.g. ``-i inventory.toml``).
    """
    plan = specops("plan", str(spec), "--json", *args, cwd=cwd)
    assert plan.returncode == 0, f"plan failed:\n{plan.stdout}\n{plan.stderr}"
    plan_doc = json_doc(plan.stdout)
    errors = [
        (h["name"], o["id"], o["error"]) for h in plan_doc["hosts"] for o in h["ops"] if o["error"]
    ]
    assert not errors, f"plan errors: {errors}"
    apply = specops("apply", str(spec), "--yes", "--json", *args, cwd=cwd)
    apply_doc = json_doc(apply.stdout) if apply.stdout.strip().startswith("{") else {}
    failed = [
        (o["id"], o["error"], o["output"][-2000:])
        for h in apply_doc.get("hosts", [])
        for o in h["ops"]
        if o["status"] != "changed" and o["status"] != "ok"
    ]
    assert apply.returncode == 0, f"apply failed ({apply.returncode}): {failed}\n{apply.stderr}"
    assert applied(apply_doc) == planned(plan_doc), "apply did not do what the plan predicted"
    if expect_changes:
        assert planned(plan_doc), "the first plan found nothing to do: the test proves nothing"
    again = specops("plan", str(spec), "--json", *args, cwd=cwd)
    assert again.returncode == 0, again.stdout + again.stderr
    left = planned(json_doc(again.stdout))
    assert not any(left.values()), f"not idempotent, a second plan still has changes: {left}"
    return Converged(plan_doc, apply_doc)
