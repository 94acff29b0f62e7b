"""No injection, for every op: hostile strings in every string argument position of
every op kind, applied on a disposable Debian host; nothing the strings say runs.

Each (op kind, argument, payload) is one op with the op's first fixture case
(tests/ops/<kind>/) as its other arguments, on its own host entry (the same
target, so a failing op never keeps another from running). Failing is fine
(apt cannot install a package named ``x$(touch …)``); the proof is that no
marker file appears on the target or here, and that every op is reported. A
payload the op's validation refuses is a pass for that position, and counted.
``tests/integration/test_injection.py`` checks exact end states for the file
ops with hypothesis.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.catalog import validate_args
from specops.compiler.ir import Connection, HostProgram, OpNode, Program
from specops.runtime.catalog import CATALOG
from specops.runtime.executor import Runner
from specops.runtime.outcomes import Status
from tests.targets import Targets

pytestmark = pytest.mark.fleet

ROOT = Path(__file__).resolve().parents[2]
MARK = "/tmp/pwned-"  # every payload tries to create MARK + a tag

# Arguments that are shell code by design: running them is the op's job.
CODE = {("server.shell", "command"), ("server.shell", "unless")}
# Kinds that change the target under the others, applied after them; sshd_option
# reloads sshd (connections being made then are dropped), so it runs alone, last.
LATER = {"server.hostname", "server.mount", "server.sysctl"}
LAST = {"ssh.sshd_option"}
# Not run: it would reboot the target (its command generation is in the fixtures).
SKIP = {"server.reboot"}


def payloads(tag: str) -> list[str]:
    cmd = f"touch {MARK}{tag}"
    return [
        f"x$({cmd})`{cmd}`",
        f"x'\";{cmd}; #",
        f"x\n{cmd}\n",
        f"-x | {cmd} & * é",
    ]


def base_args(kind: str) -> dict[str, Any]:
    case = sorted((ROOT / "tests" / "ops" / kind).glob("*.json"))[0]
    args: dict[str, Any] = json.loads(case.read_text())["args"]
    # No host here reaches the internet: URLs point at a closed local port.
    return {k: ("http://127.0.0.1:9/x.tgz" if k == "url" else v) for k, v in args.items()}


def positions(args: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(argument, how to put a payload there, label) for every string position."""
    for k, v in args.items():
        if isinstance(v, str):
            yield k, None, k
        elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            yield k, 0, f"{k}[0]"
        elif isinstance(v, dict):
            for dk, dv in v.items():
                if isinstance(dv, str):
                    yield k, dk, f"{k}.{dk}"


def put(args: dict[str, Any], k: str, where: Any, payload: str) -> dict[str, Any]:
    out = dict(args)
    old = args[k]
    if where is None:
        # Keep a path absolute (validation wants it) with the payload in its last part.
        out[k] = f"/tmp/inject/{payload}" if old.startswith("/") else payload
    elif isinstance(where, int):
        out[k] = [payload, *old[1:]]
    else:
        out[k] = {**old, where: payload}
    return out


def build() -> tuple[list[tuple[str, OpNode]], list[str]]:
    """Every op to apply, with its host name; and the positions validation refused."""
    ops: list[tuple[str, OpNode]] = []
    refused: list[str] = []
    for optype in sorted(CATALOG.builtins(), key=lambda t: t.kind):
        if optype.kind in SKIP:
            continue
        args = base_args(optype.kind)
        for k, where, label in positions(args):
            if (optype.kind, k) in CODE:
                continue
            for i, payload in enumerate(payloads(secrets.token_hex(4))):
                raw = put(args, k, where, payload)
                valid, problems = validate_args(
                    optype, raw, lambda n: None, lambda n: None, None, base_dir=str(ROOT)
                )
                if valid is None:
                    assert problems, (optype.kind, label)
                    refused.append(f"{optype.kind} {label} #{i}")
                    continue
                op_id = f"{optype.kind}__{label}__{i}"
                ops.append((f"h{len(ops)}", OpNode(op_id, optype.kind, valid)))
    return ops, refused


def _phase(kind: str) -> int:
    return 2 if kind in LAST else 1 if kind in LATER else 0


def test_no_argument_of_any_op_runs_as_code(targets: Targets) -> None:
    t = targets.get("inject")
    t.sh(f"rm -f {MARK}*; mkdir -p /tmp/inject")
    conn = Connection("ssh", "root", t.address, t.port,
                      {"key": str(t.key), "known_hosts": str(t.known_hosts)})  # fmt: skip
    ops, refused = build()
    kinds = {n.kind for _, n in ops}
    # Every kind with a string argument is here, or validation refused every payload.
    wanted = {t.kind for t in CATALOG.builtins() if any(positions(base_args(t.kind)))} - SKIP
    assert wanted <= kinds | {r.split()[0] for r in refused}
    assert len(kinds) >= 35, sorted(kinds)
    results = []
    for phase, parallel in ((0, 8), (1, 8), (2, 1)):
        chosen = [(h, n) for h, n in ops if _phase(n.kind) == phase]
        program = Program(tuple(HostProgram(h, conn, (n,)) for h, n in chosen))
        with Runner(program, parallel=parallel, timeout=120) as r:
            r.plan()
            results += r.apply()
    assert len(results) == len(ops)
    lost = [(res.host, res.error) for res in results if res.unreachable]
    # An unreachable host here would mean an op broke the target (or sshd).
    assert not lost, lost
    for res in results:  # every op was reported: run, failed with its reason, or refused
        assert res.error is not None or len(res.ops) == 1, res
    pwned = t.sh(f"ls {MARK}* 2>/dev/null || true").stdout.strip()
    assert pwned == "", f"an argument ran as code on the host: {pwned}"
    assert not list(Path("/tmp").glob("pwned-*")), "an argument ran as code here"
    changed = sum(1 for res in results for o in res.ops if o.status is Status.CHANGED)
    assert changed > len(ops) // 4, "too few ops ran for this to prove anything"
    print(f"{len(ops)} ops applied over {len(kinds)} kinds, {changed} changed; "
          f"{len(refused)} positions refused by validation")  # fmt: skip
