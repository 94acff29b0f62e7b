"""No injection, for every op: hostile strings in every text argument position of
every op kind, applied on a disposable Debian host; nothing the strings say runs.

Each (op kind, position, payload) is one op (``tests/injection_cases.py``: shell
syntax, and options that make git, tar, ssh or apt run a command) with the op's
first fixture case (``tests/ops/<kind>/``) as its other arguments, on its own
host entry (the same target, so a failing op never keeps another from running).
Positions the fixture leaves out (optional owners, comments, shells, guards) get
a payload too. Failing is fine (apt cannot install a package named
``x$(touch …)``); the proof is that no marker file appears on the target or
here, that every op is reported by its id, and that nothing crashed. A payload
the op's validation refuses is a pass for that position, and counted.
``tests/unit/test_op_injection.py`` checks the commands themselves, for every
fixture case; ``tests/integration/test_injection.py`` checks exact end states
of the file ops with hypothesis.
"""

from __future__ import annotations

import secrets
import shlex
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.catalog import OpType
from specops.compiler.ir import Connection, HostProgram, OpNode, Program
from specops.runtime.catalog import CATALOG
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from tests.injection_cases import CODE, INJECT_DIR, MARK, ROOT, fixture_args, hostile, payloads
from tests.injection_cases import positions as text_positions
from tests.targets import Targets

pytestmark = pytest.mark.fleet

# Kinds that change the target under the others, applied after them; sshd_option
# reloads sshd (connections being made then are dropped), so it runs alone, last.
LATER = {"server.hostname", "server.mount", "server.sysctl", "server.timezone", "server.locale"}
LAST = {"ssh.sshd_option"}
# Not run: it would reboot the target (its commands are checked by the unit test).
SKIP = {"server.reboot"}


# Kinds whose ``path`` is shared by the whole host (or names something that must
# exist already): the others get a path of their own per op, so that two ops
# never edit one file at once (a file edited since its plan fails the op).
SHARED_PATH = {"server.mount", "server.alternatives", "apt.deb"}
# What an op's own path must hold before the op can reach its other arguments.
SETUP = {
    "files.replace": "printf 'a=old\\n' > {p}",
    "files.attrs": "mkdir -p {p}",
    "files.get": "echo data > {p}",
}
ARCHIVE = "/opt/tool.tar.gz"  # files.extract's, holding bin/tool


def base_args(kind: str) -> dict[str, Any]:
    _, args, _ = fixture_args(kind)[0]
    # No host here reaches the internet: URLs point at a closed local port.
    return {k: ("http://127.0.0.1:9/x.tgz" if k == "url" else v) for k, v in args.items()}


def own_path(optype: OpType, args: dict[str, Any], n: int) -> dict[str, Any]:
    """``args`` with a path of the op's own (and what depends on it)."""
    kind = optype.kind
    if "path" not in {f.name for f in optype.fields()} or kind in SHARED_PATH:
        return args
    path = f"{INJECT_DIR}/own/{n}"
    out = {**args, "path": path}
    if kind == "files.extract":
        out["creates"] = f"{path}/bin/tool"
    return out


def build(base_dir: Path) -> tuple[list[tuple[str, OpNode]], list[str]]:
    """Every op to apply, with its host name; and the positions validation refused."""
    ops: list[tuple[str, OpNode]] = []
    refused: list[str] = []
    for optype in sorted(CATALOG.builtins(), key=lambda t: t.kind):
        if optype.kind in SKIP:
            continue
        for p in text_positions(optype, base_args(optype.kind)):
            if (optype.kind, p.arg) in CODE:
                continue
            for name, payload in payloads(secrets.token_hex(4)):
                args = own_path(optype, base_args(optype.kind), len(ops))
                valid, _ = hostile(optype, args, p, payload, str(base_dir))
                if valid is None:
                    refused.append(f"{optype.kind} {p.label} {name}")
                    continue
                op_id = f"{optype.kind}__{p.label}__{name}"
                ops.append((f"h{len(ops)}", OpNode(op_id, optype.kind, valid)))
    return ops, refused


def _phase(kind: str) -> int:
    return 2 if kind in LAST else 1 if kind in LATER else 0


def test_no_argument_of_any_op_runs_as_code(targets: Targets, tmp_path: Path) -> None:
    t = targets.get("inject")  # its own target: hostname, mounts, sysctl, sshd change here
    t.sh(f"rm -rf {MARK}* {INJECT_DIR}; mkdir -p {INJECT_DIR}/own")
    # Controller-side paths (files.get dest, files.copy src) resolve under tmp_path.
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    conn = Connection("ssh", "root", t.address, t.port,
                      {"key": str(t.key), "known_hosts": str(t.known_hosts)})  # fmt: skip
    ops, refused = build(tmp_path)
    kinds = {n.kind for _, n in ops}
    setup = [
        SETUP[n.kind].format(p=shlex.quote(n.args["path"]))
        for _, n in ops
        if n.kind in SETUP and n.args["path"].startswith(f"{INJECT_DIR}/own/")
    ]
    setup.append(
        f"mkdir -p /tmp/tool/bin && touch /tmp/tool/bin/tool && tar -czf {ARCHIVE} -C /tmp/tool ."
    )
    t.sh(" && ".join(setup))
    # Every kind with a text position is applied, or validation refused every payload.
    wanted = {
        o.kind for o in CATALOG.builtins() if any(text_positions(o, base_args(o.kind)))
    } - SKIP
    assert wanted <= kinds | {r.split()[0] for r in refused}
    assert len(kinds) >= 35, sorted(kinds)
    results = []
    for phase, parallel in ((0, 8), (1, 8), (2, 1)):
        chosen = [(h, n) for h, n in ops if _phase(n.kind) == phase]
        program = Program(tuple(HostProgram(h, conn, (n,)) for h, n in chosen))
        with Runner(program, parallel=parallel, timeout=120) as r:
            r.plan()
            results += r.apply()
    by_host = {res.host: res for res in results}
    assert len(by_host) == len(ops)
    lost = [(res.host, res.error) for res in results if res.unreachable]
    # An unreachable host here would mean an op broke the target (or sshd).
    assert not lost, lost
    counts: dict[str, int] = {}
    for host, node in ops:  # every op is reported by its id: ok, changed or failed
        res = by_host[host]
        assert res.error is None, (node.id, res.error)
        assert [o.id for o in res.ops] == [node.id], (node.id, res.ops)
        (o,) = res.ops
        assert o.status in (Status.OK, Status.CHANGED, Status.FAILED), (node.id, o)
        assert o.status is not Status.FAILED or o.error or o.output, (node.id, o)
        counts[o.status.value] = counts.get(o.status.value, 0) + 1
    pwned = t.sh(f"ls -d {MARK}* 2>/dev/null || true").stdout.strip()
    assert pwned == "", f"an argument ran as code on the host: {pwned}"
    assert not list(Path("/tmp").glob("pwned-*")), "an argument ran as code here"
    assert counts.get("changed", 0) > len(ops) // 4, "too few ops ran for this to prove anything"
    print(f"{len(ops)} ops applied over {len(kinds)} kinds: {counts}; "
          f"{len(refused)} (position, payload) pairs refused by validation")  # fmt: skip
