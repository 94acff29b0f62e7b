"""The executor: plan and apply a ``Program`` on its hosts, in parallel.

Per host the cost is fixed, whatever the number of ops: one connection, one
batched fact read (``facts.gather``), one apply script. The script runs the
changed ops in order, each between markers with its own exit status, so a
failure is pinned to its op and the ops after it are reported as not run.
Hosts run on a bounded thread pool; a failing or unreachable host never stops
the others. The plan an apply shows is the plan it runs: connections stay
open between the two steps and nothing is re-read.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import secrets
import shlex
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from specops.compiler.ir import HostProgram, OpNode, Program
from specops.compiler.redact import scrub, secret_values

from .connectors import ConnectError, Connector, connect
from .connectors.base import encode, supervised
from .facts import FactError, FactRef, Facts, batch_script, gather
from .files_get import save_locally
from .notify_facts import Pending, clear, leave, marker
from .operation import OPERATIONS, Action, Change, PlanError


@dataclass(frozen=True)
class OpPlan:
    node: OpNode
    changes: tuple[Change, ...]
    error: str | None = None

    @property
    def action(self) -> Action | None:
        """The op's headline action: the strongest of its changes."""
        acts = {c.action for c in self.changes}
        for a in (Action.CREATE, Action.DELETE, Action.RUN, Action.UPDATE):
            if a in acts:
                return a
        return None


@dataclass(frozen=True)
class HostPlan:
    host: str
    target: str
    ops: tuple[OpPlan, ...] = ()
    error: str | None = None
    hint: str | None = None
    unreachable: bool = False
    # The fingerprint of every fact the plan read (``str(ref)`` → sha256), so a
    # saved plan can refuse to apply once the host has changed.
    facts: Mapping[str, str] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)  # phase → time
    sent: int = 0  # bytes of scripts sent (the fact read)
    received: int = 0  # bytes of output received

    @property
    def changed(self) -> list[OpPlan]:
        return [o for o in self.ops if o.changes]


class Status(enum.Enum):
    OK = "ok"
    CHANGED = "changed"
    FAILED = "failed"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class OpResult:
    id: str
    kind: str
    status: Status
    changes: tuple[Change, ...] = ()
    output: str = ""
    error: str | None = None


@dataclass(frozen=True)
class HostResult:
    host: str
    target: str
    ops: tuple[OpResult, ...] = ()
    error: str | None = None
    hint: str | None = None
    unreachable: bool = False
    round_trips: int = 0
    seconds: Mapping[str, float] = field(default_factory=dict)  # phase → time
    sent: int = 0  # bytes of scripts sent
    received: int = 0  # bytes of output received
    skipped: bool = False  # never attempted (an earlier batch failed too much)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.ops if o.status is status)

    @property
    def failed(self) -> bool:
        return self.error is not None or any(o.status is Status.FAILED for o in self.ops)


def plan_ops(hp: HostProgram, facts: Facts) -> tuple[OpPlan, ...]:
    """Plan every op against the facts, each seeing the predicted effects of earlier ones."""
    out: list[OpPlan] = []
    changed: set[str] = set()
    pending = facts.get(Pending.ref(), frozenset())
    for node in hp.ops:
        notified = any(n.id in changed for n in hp.ops if node.id in n.notify)
        if node.handler and not notified and marker(node.id) not in pending:
            out.append(OpPlan(node, ()))  # a handler nothing changed has nothing to do
            continue
        op = OPERATIONS[node.kind]
        a = op.args(node.args)
        try:
            changes = tuple(op.plan(a, facts))
            guess = next((facts.guessed[r] for r in op.facts(a) if r in facts.guessed), None)
            if guess is not None:
                changes = tuple(replace(ch, depends_on=guess) for ch in changes)
            if changes:
                changed.add(node.id)
                facts.update(op.effects(a, facts), by=node.id)
        except PlanError as e:
            out.append(OpPlan(node, (), _scrub(node, str(e))))
            continue
        out.append(OpPlan(node, _redact(node, changes)))
    return tuple(out)


def _scrub(node: OpNode, text: str) -> str:
    if not node.sensitive:
        return text
    secrets = sorted(
        {*secret_values(node.args, node.sensitive), *node.secrets}, key=len, reverse=True
    )
    return scrub(text, secrets)


def _redact(node: OpNode, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Changes as they may be shown: summaries scrubbed, diffs and commands hidden."""
    if not node.sensitive:
        return changes
    return tuple(
        replace(
            ch,
            summary=_scrub(node, ch.summary),
            hidden=True,
            diff="(diff hidden: the content holds sensitive values)\n" if ch.diff else None,
        )
        for ch in changes
    )


def needed_facts(hp: HostProgram) -> list[FactRef[Any]]:
    refs: list[FactRef[Any]] = [Pending.ref()] if any(op.handler for op in hp.ops) else []
    for node in hp.ops:
        op = OPERATIONS[node.kind]
        refs.extend(op.facts(op.args(node.args)))
    return refs


def as_user(script: str, user: bool | str, password: str | None) -> str:
    """``script`` run through sudo as ``user`` (True: root); the password, if any, on a pipe.

    The password goes through a ``printf`` builtin into ``sudo -S``: never on a
    command line, never in an argument another process can read.
    """
    who = ["-u", user] if isinstance(user, str) else []
    cmd = " ".join(shlex.quote(p) for p in ["sudo", "-p", "", *who, "--", "sh", "-c", script])
    if password is None:
        return cmd.replace("sudo -p", "sudo -n -p", 1)
    return f"printf '%s\\n' {shlex.quote(password)} | {cmd.replace('sudo -p', 'sudo -S -p', 1)}"


def uploads(plan: HostPlan) -> dict[str, bytes]:
    """Contents the script needs uploaded first (by name), for the ops that will run."""
    out: dict[str, bytes] = {}
    for op in plan.ops:
        if op.error:
            break
        for ch in op.changes:
            for c in ch.commands:
                out.update(c.uploads)
    return out


STAGE = 'mkdir -p -m 700 "$HOME/.specops/upload" && cd "$HOME/.specops/upload" && pwd -P'


def apply_script(
    plan: HostPlan, nonce: str, password: str | None = None, stage: str | None = None
) -> str:
    """The one script that applies a host's changes; empty when nothing changes.

    ``stage`` is where this run's uploads were put; the script removes them when it ends.
    """
    lines: list[str] = []
    if stage is not None:
        files = " ".join(shlex.quote(f"{stage}/{name}") for name in uploads(plan))
        # A function, so the quoted paths need no second level of quoting in the trap.
        lines.append(f"specops_cleanup() {{ rm -f -- {files}; }}")
        lines.append("trap specops_cleanup EXIT")
    handler_ids = {op.node.id for op in plan.ops if op.node.handler}
    for i, op in enumerate(plan.ops):
        if op.error:
            break  # ops after a refused one must not run: they may depend on it
        if not op.changes:
            continue
        lines.append(f"printf '%s\\n' '@@specops:{nonce}:op:{i}'")
        body = [c.render(stage) for ch in op.changes for c in ch.commands]
        if op.node.become:
            body = [as_user("set -e\n" + "\n".join(body), op.node.become, password)]
        # Notifications are kept on the host until their handler has run (notify_facts).
        handlers = [h for h in op.node.notify if h in handler_ids]
        if handlers:
            body.append(leave(handlers))
        if op.node.handler:
            body.append(clear(op.node.id))
        lines.append("( set -e")
        lines += body
        lines.append(") </dev/null 2>&1")
        lines.append("rc=$?")
        lines.append(f"printf '\\n@@specops:{nonce}:rc:{i} %d\\n' \"$rc\"")
        lines.append('[ "$rc" -eq 0 ] || exit "$rc"')
    return "\n".join(lines) + "\n" if lines else ""


def read_results(plan: HostPlan, stdout: str, nonce: str, tail: str) -> tuple[OpResult, ...]:
    """Each op's outcome from the apply script's marked output."""
    out: list[OpResult] = []
    stopped: str | None = None
    for i, op in enumerate(plan.ops):
        n = op.node
        if stopped is not None:
            out.append(OpResult(n.id, n.kind, Status.NOT_RUN, op.changes, error=stopped))
            continue
        if op.error:
            out.append(OpResult(n.id, n.kind, Status.FAILED, (), error=op.error))
            stopped = f"{n.id} failed"
            continue
        if not op.changes:
            out.append(OpResult(n.id, n.kind, Status.OK))
            continue
        start = stdout.find(f"@@specops:{nonce}:op:{i}\n")
        end_mark = f"\n@@specops:{nonce}:rc:{i} "
        end = stdout.find(end_mark, start) if start >= 0 else -1
        if start < 0 or end < 0:
            output = _scrub(n, stdout[start:].split("\n", 1)[-1] if start >= 0 else "")
            out.append(
                OpResult(
                    n.id,
                    n.kind,
                    Status.FAILED,
                    op.changes,
                    output,
                    f"the host stopped answering{': ' + tail if tail else ''}",
                )
            )
            stopped = f"{n.id} failed"
            continue
        output = _scrub(n, stdout[start + len(f"@@specops:{nonce}:op:{i}\n") : end])
        code = int(stdout[end + len(end_mark) :].split("\n", 1)[0] or 255)
        if code == 0:
            out.append(OpResult(n.id, n.kind, Status.CHANGED, op.changes, output))
        else:
            out.append(
                OpResult(n.id, n.kind, Status.FAILED, op.changes, output, f"exit code {code}")
            )
            stopped = f"{n.id} failed"
    return _per_part(plan, out)


def _per_part(plan: HostPlan, results: list[OpResult]) -> tuple[OpResult, ...]:
    """A node the optimizer merged (``OpNode.parts``) reports once per original op."""
    parts = {o.node.id: o.node.parts for o in plan.ops if o.node.parts}
    if not parts:
        return tuple(results)
    return tuple(replace(r, id=i) for r in results for i in parts.get(r.id, (r.id,)))


class _OpWatcher:
    """Finds op-start markers in streamed output (a marker may span two chunks)."""

    def __init__(self, plan: HostPlan, nonce: str, tell: Callable[[str, str], None]) -> None:
        self.plan, self.tell = plan, tell
        self.prefix = f"@@specops:{nonce}:op:".encode()
        self.tail = b""

    def feed(self, stream: str, chunk: bytes) -> None:
        if stream != "stdout":
            return
        data = self.tail + chunk
        start = 0
        while (i := data.find(self.prefix, start)) >= 0:
            end = data.find(b"\n", i)
            if end < 0:
                break
            index = data[i + len(self.prefix) : end]
            if index.isdigit() and int(index) < len(self.plan.ops):
                self.tell(self.plan.host, self.plan.ops[int(index)].node.id)
            start = end + 1
        self.tail = data[max(start, len(data) - len(self.prefix) - 8) :]


@dataclass
class _Session:
    program: HostProgram
    conn: Connector | None = None
    plan: HostPlan | None = None
    sent: int = 0
    received: int = 0


T = TypeVar("T")


@dataclass
class Runner:
    """Plans a program on all its hosts, then (optionally) applies that same plan."""

    program: Program
    parallel: int | None = None
    accept_new_host_keys: bool = False
    connector: Callable[[HostProgram], Connector] | None = None
    # Fact fingerprints a saved plan was made with: a host whose facts differ is refused.
    expect: Mapping[str, Mapping[str, str]] | None = None
    timeout: float | None = None  # per command: the fact read, the apply script
    become_password: str | None = field(default=None, repr=False)
    # Told (host, op id) as each op starts on a host, from the script's markers as they stream.
    on_op: Callable[[str, str], None] | None = None
    _sessions: list[_Session] = field(default_factory=list)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _each(self, work: Callable[[_Session], T], sessions: list[_Session]) -> list[T]:
        """``work`` on every session in the pool; on an interrupt, stop the hosts too.

        Closing the connections ends each host's script (see ``supervised``) and
        lets the workers return at once, instead of the interrupt waiting for
        every host to finish.
        """
        pool = self._pool()
        try:
            out = list(pool.map(work, sessions))
        except BaseException:
            self.close()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return out

    def _pool(self) -> ThreadPoolExecutor:
        n = self.parallel or min(32, max(1, len(self.program.hosts)))
        return ThreadPoolExecutor(max_workers=n, thread_name_prefix="specops-host")

    def _connect(self, hp: HostProgram) -> Connector:
        if self.connector is not None:
            return self.connector(hp)
        return connect(hp.connection, self.accept_new_host_keys)

    def _plan_one(self, s: _Session) -> HostPlan:
        hp = s.program
        target = hp.connection.target
        t0 = time.monotonic()
        try:
            conn = self._connect(hp)
            conn.open()
        except ConnectError as e:
            return HostPlan(hp.name, target, error=str(e), hint=e.hint, unreachable=True)
        s.conn = conn
        t1 = time.monotonic()
        try:
            refs = needed_facts(hp)
            # Ops that run as root must be planned from what root sees.
            wrap = (
                (lambda s: as_user(s, True, self.become_password))
                if any(op.become for op in hp.ops)
                else None
            )
            facts, reply = gather(conn, refs, timeout=self.timeout, wrap=wrap)
            s.sent += len(batch_script(list(dict.fromkeys(refs)), "0" * 16)) if refs else 0
            if reply is not None:
                s.received += len(reply.stdout.encode()) + len(reply.stderr.encode())
        except FactError as e:
            return HostPlan(hp.name, target, error=str(e))
        except Exception as e:  # a transport failure mid-read: report it against the host
            return HostPlan(hp.name, target, error=f"{type(e).__name__}: {e}", unreachable=True)
        t2 = time.monotonic()
        prints = {str(ref): fingerprint(value) for ref, value in facts.items()}
        stale = _stale(prints, self.expect.get(hp.name)) if self.expect is not None else None
        if stale:
            return HostPlan(
                hp.name,
                target,
                error=stale,
                facts=prints,
                hint="plan again: the host changed after this plan was saved",
            )
        ops = plan_ops(hp, facts)
        seconds = {"connect": t1 - t0, "facts": t2 - t1, "plan": time.monotonic() - t2}
        return HostPlan(
            hp.name, target, ops, facts=prints, seconds=seconds, sent=s.sent, received=s.received
        )

    def plan(self, on_done: Callable[[HostPlan], None] | None = None) -> list[HostPlan]:
        self._sessions = [_Session(hp) for hp in self.program.hosts]

        def work(s: _Session) -> HostPlan:
            s.plan = self._plan_one(s)
            if on_done:
                on_done(s.plan)
            return s.plan

        return self._each(work, self._sessions)

    def _apply_one(self, s: _Session) -> HostResult:
        plan = s.plan
        assert plan is not None  # plan() ran first: apply() checks
        if plan.error or s.conn is None:
            return HostResult(
                plan.host,
                plan.target,
                error=plan.error,
                hint=plan.hint,
                unreachable=plan.unreachable,
                round_trips=s.conn.round_trips if s.conn else 0,
            )
        nonce = secrets.token_hex(8)
        stage = None
        needed = uploads(plan)
        if needed:  # large contents go by SFTP into a private staging directory first
            try:
                made = s.conn.run(STAGE, timeout=self.timeout)
                stage = made.stdout.strip()
                if not made.ok or not stage.startswith("/"):
                    raise OSError(made.stderr.strip() or "no staging directory")
                for name, data in needed.items():
                    s.conn.put(data, f"{stage}/{name}", 0o600)
                    s.sent += len(data)
            except Exception as e:  # a failed upload fails this host, before anything ran
                return HostResult(
                    plan.host,
                    plan.target,
                    error=f"uploading files failed: {e}",
                    round_trips=s.conn.round_trips,
                )
        script = apply_script(plan, nonce, self.become_password, stage)
        stdout, tail = "", ""
        t0 = time.monotonic()
        if script:
            try:
                watch = _OpWatcher(plan, nonce, self.on_op) if self.on_op else None
                r = s.conn.run(
                    supervised(len(encode(script))),
                    stdin=script,
                    timeout=self.timeout,
                    on_output=watch.feed if watch else None,
                    keep_stdin=True,  # the script stops if this process goes away
                )
                stdout, tail = r.stdout, r.stderr.strip()[-300:]
                s.sent += len(script.encode())
                s.received += len(r.stdout.encode()) + len(r.stderr.encode())
                if r.exited == 124 and "timed out" in r.stderr:
                    tail = f"timed out after {self.timeout} s"
            except Exception as e:  # the connection died mid-apply
                tail = f"{type(e).__name__}: {e}"
        results = self._fetch(s, plan, read_results(plan, stdout, nonce, tail))
        seconds = {**plan.seconds, "apply": time.monotonic() - t0}
        return HostResult(
            plan.host,
            plan.target,
            results,
            round_trips=s.conn.round_trips,
            seconds=seconds,
            sent=s.sent,
            received=s.received,
        )

    def _fetch(
        self, s: _Session, plan: HostPlan, results: tuple[OpResult, ...]
    ) -> tuple[OpResult, ...]:
        """Copy files to the controller for the ops that asked (``files.get``) and ran."""
        fetches = {op.node.id: ch.fetch for op in plan.ops for ch in op.changes if ch.fetch}
        if not fetches or s.conn is None:
            return results
        out = []
        for r in results:
            want = fetches.get(r.id)
            if want is not None and r.status is Status.CHANGED:
                try:
                    data = s.conn.get(want[0])
                    save_locally(want[1], data)
                    s.received += len(data)
                except Exception as e:  # reported against the op, like a failed command
                    r = replace(r, status=Status.FAILED, error=f"fetching failed: {e}")
            out.append(r)
        return tuple(out)

    def apply(
        self,
        on_done: Callable[[HostResult], None] | None = None,
        hosts: set[str] | None = None,
    ) -> list[HostResult]:
        """Apply the plan on every host (or on ``hosts``): one script each, in parallel."""
        if not self._sessions or any(s.plan is None for s in self._sessions):
            raise RuntimeError("Runner.apply() needs Runner.plan() first")
        chosen = [s for s in self._sessions if hosts is None or s.program.name in hosts]

        def work(s: _Session) -> HostResult:
            r = self._apply_one(s)
            if on_done:
                on_done(r)
            return r

        return self._each(work, chosen)

    def skip(self, host: str, reason: str) -> HostResult:
        """The result of a host that is never applied (``--fail-percent`` stopped the run)."""
        target = next(s.program.connection.target for s in self._sessions if s.program.name == host)
        return HostResult(host, target, error=reason, skipped=True)

    def close(self) -> None:
        for s in self._sessions:
            if s.conn is not None:
                # Closing a dead connection must not hide the results.
                with contextlib.suppress(Exception):
                    s.conn.close()


def fingerprint(value: Any) -> str:
    """A stable digest of a parsed fact value (dataclasses, maps, bytes…)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _stale(now: Mapping[str, str], then: Mapping[str, str] | None) -> str | None:
    if then is None:
        return "the saved plan has no facts for this host"
    for ref, digest in then.items():
        if now.get(ref) != digest:
            return f"stale plan: {ref} changed since the plan was saved"
    return None


def summarize(plans: Iterable[HostPlan]) -> dict[Action, int]:
    counts = dict.fromkeys(Action, 0)
    for p in plans:
        for op in p.ops:
            if op.action is not None:
                counts[op.action] += 1
    return counts
