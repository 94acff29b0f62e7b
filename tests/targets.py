"""Disposable Debian hosts for real-host tests, shared by a test session.

The hosts come from the project's test bed (``tests/testbed``, docs/testing.md):
each is a minimal Debian bookworm root with its own sshd on a 127.x address,
reachable over real SSH as root (and as ``tester``, who may sudo). A session
makes a host on first use (about a second from the cached image) and stops them
all at the end; the image is built once per machine (under a minute).

    def test_x(targets: Targets) -> None:
        t = targets.get("files")               # made once per session, shared
        spec = t.inventory() + OPS              # [hosts.NAME] with key and known_hosts
        result = converge(tmp_path, spec)       # plan, apply, compare, plan again
        assert t.sh("cat /etc/foo").stdout == "…"

Each session keeps its hosts in its own directory (``run-PID``) and uses its own
third octet, so two sessions on one machine never touch each other's hosts;
the hosts of a session that died are stopped at the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cli import specops
from tests.testbed import host as testbed
from tests.testbed.image import HOME, Init, TestbedError, missing_tools

Target = testbed.Host
TargetError = TestbedError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Targets:
    """The session's hosts: ``get(name)`` makes one on first use; ``close()`` stops all."""

    def __init__(self, base: Path = HOME / "sessions") -> None:
        self.base = base
        self.dir = base / f"run-{os.getpid()}"
        # A third octet per session keeps concurrent sessions' sshds apart.
        self.octet = 20 + os.getpid() % 200
        self._targets: dict[str, Target] = {}
        self._made = 0
        self._lock = threading.Lock()

    def check_prerequisites(self) -> None:
        missing = missing_tools()
        if missing:
            raise TargetError("missing: " + ", ".join(missing) + " (tests/run.sh installs them)")

    def reap_stale(self) -> None:
        """Stop the hosts of earlier sessions that died without cleaning up."""
        for d in sorted(self.base.glob("run-*")):
            pid = d.name.removeprefix("run-")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            for sub in sorted(d.iterdir()):
                host = testbed.load(sub)
                if host is not None:
                    with contextlib.suppress(TargetError):
                        testbed.stop(host)
            shutil.rmtree(d, ignore_errors=True)

    def get(self, name: str, init: Init = "tiny") -> Target:
        """The host ``name`` (made on first use; the same object afterwards)."""
        with self._lock:
            if name in self._targets:
                t = self._targets[name]
                if t.init != init:
                    raise TargetError(f"target {name} exists with init={t.init}")
                return t
            self._made += 1
            address = f"127.0.{self.octet}.{20 + self._made}"
            t = testbed.start(name, address, self.dir, init)
            self._targets[name] = t
        if init == "systemd":
            # systemd is pid 1 but may still be starting units: wait until it settles.
            t.sh("systemctl is-system-running --wait >/dev/null 2>&1 || true", timeout=120)
        return t

    def close(self) -> None:
        with self._lock:
            for name in list(self._targets):
                with contextlib.suppress(TargetError):
                    testbed.stop(self._targets[name])
                del self._targets[name]
            if self.dir.exists():
                shutil.rmtree(self.dir, ignore_errors=True)


# -- running specops against targets --------------------------------------------------


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


def certain(doc: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """``planned`` without the ops whose plan waits on an earlier op (known after apply)."""
    return {
        h["name"]: {
            o["id"]: [c["summary"] for c in o["changes"]]
            for o in h["ops"]
            if o["changes"] and not o["waits_on"]
        }
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
    plan = specops("plan", str(spec), "--json", *args, cwd=cwd, code=0)
    plan_doc = json_doc(plan.stdout)
    errors = [
        (h["name"], o["id"], o["error"])
        for h in plan_doc["hosts"]
        for o in h["ops"]
        if o["error"] and not o["waits_on"]
    ]
    assert not errors, f"plan errors: {errors}"
    apply = specops("apply", str(spec), "--yes", "--json", *args, cwd=cwd, code=0)
    apply_doc = json_doc(apply.stdout)
    # What the plan was sure of, apply did; ops waiting on an earlier one were planned again.
    waited = {(h["name"], o["id"]) for h in plan_doc["hosts"] for o in h["ops"] if o["waits_on"]}
    done = {
        h: {i: c for i, c in ops.items() if (h, i) not in waited}
        for h, ops in applied(apply_doc).items()
    }
    assert done == certain(plan_doc), "apply did not do what the plan predicted"
    if expect_changes:
        assert planned(plan_doc), "the first plan found nothing to do: the test proves nothing"
    again = specops("plan", str(spec), "--json", *args, cwd=cwd, code=0)
    left = planned(json_doc(again.stdout))
    assert not any(left.values()), f"not idempotent, a second plan still has changes: {left}"
    return Converged(plan_doc, apply_doc)
