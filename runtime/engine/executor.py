"""The executor: plan and apply a ``Program`` on its hosts, in parallel.

Per host the cost is fixed, whatever the number of ops: one connection, one
batched fact read (``facts.gather``), one apply script. The script runs the
changed ops in order, each between markers with its own exit status, so a
failure is pinned to its op and the ops after it are reported as not run.
Hosts run on a bounded thread pool; a failing or unreachable host never stops
the others. The plan an apply shows is the plan it runs: connections stay
open between the two steps and nothing is re-read.

Planning an op against facts is pure and lives in ``planner``; a saved plan's
fact fingerprints in ``planfile``. This module does what needs the hosts.
"""

from __future__ import annotations

import contextlib
import posixpath
import secrets
import shlex
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

from specops.compiler.ir import HostProgram, Program
from specops.runtime.connectors import ConnectError, Connector, EngineConnector, connect
from specops.runtime.connectors.base import TransferError, encode, supervised
from specops.runtime.core.fact import FactError, Facts, batch_script
from specops.runtime.engine.fetched import save_locally
from specops.runtime.engine.gather import gather
from specops.runtime.engine.hostlock import hold, owner
from specops.runtime.engine.outcomes import HostPlan, HostResult, OpPlan, OpResult, Status
from specops.runtime.engine.planfile import fingerprint, why_stale
from specops.runtime.engine.planner import needed_facts, plan_ops
from specops.runtime.engine.script import (
    OpWatcher,
    apply_script,
    as_user,
    read_results,
    staging,
    uploads,
)


@dataclass
class _Session:
    program: HostProgram
    conn: Connector | None = None
    plan: HostPlan | None = None
    sent: int = 0
    received: int = 0
    stage: str | None = None  # this run's upload directory on the host, while it has files


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
    # Take each host's apply lock before reading its facts (an apply; a plan only reads),
    # waiting at most lock_wait seconds for another apply to finish (runtime/engine/hostlock.py).
    lock: bool = False
    lock_wait: float = 0.0
    _sessions: list[_Session] = field(default_factory=list)
    # One run id for all hosts: entries that reach one machine share its lock.
    _owner: str = field(default_factory=owner)

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
        return connect(hp.connection, self.accept_new_host_keys, self.timeout)

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
        if self.lock:
            busy = hold(conn, self._owner, self.lock_wait)
            if busy is not None:
                hint = "wait for it to finish, or give --lock-wait SECONDS"
                return HostPlan(hp.name, target, error=busy, hint=hint)
        t1 = time.monotonic()
        try:
            facts = self._read_facts(s, hp)
        except FactError as e:
            return HostPlan(hp.name, target, error=str(e))
        except Exception as e:  # a transport failure mid-read: report it against the host
            return HostPlan(hp.name, target, error=f"{type(e).__name__}: {e}", unreachable=True)
        t2 = time.monotonic()
        prints = {str(ref): fingerprint(value) for ref, value in facts.items()}
        stale = why_stale(prints, self.expect.get(hp.name)) if self.expect is not None else None
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

    def _read_facts(self, s: _Session, hp: HostProgram) -> Facts:
        """The facts ``hp``'s ops read, in one round trip (``FactError`` when one fails)."""
        assert s.conn is not None
        refs = needed_facts(hp)
        # Ops that run as root must be planned from what root sees.
        wrap = (
            (lambda s: as_user(s, True, self.become_password))
            if any(op.become for op in hp.ops)
            else None
        )
        facts, reply = gather(s.conn, refs, timeout=self.timeout, wrap=wrap)
        s.sent += len(batch_script(list(dict.fromkeys(refs)), "0" * 16)) if refs else 0
        if reply is not None:
            s.received += len(reply.stdout.encode()) + len(reply.stderr.encode())
        return facts

    def plan(self, on_done: Callable[[HostPlan], None] | None = None) -> list[HostPlan]:
        self._sessions = [_Session(hp) for hp in self.program.hosts]

        def work(s: _Session) -> HostPlan:
            s.plan = self._plan_one(s)
            if on_done:
                on_done(s.plan)
            return s.plan

        return self._each(work, self._sessions)

    def _apply_one(self, s: _Session) -> HostResult:
        """Apply a host's plan in phases: a phase runs the ops up to the first one that
        waits on an earlier op; the facts are then read again and the ops left planned
        again, until none is left or one failed. Without waiting ops, one phase."""
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
        t0 = time.monotonic()
        results: list[OpResult] = []
        ops, phases, error = plan.ops, 0, None
        while ops:
            cut = next((i for i, o in enumerate(ops) if o.waits_on and i), len(ops))
            head, ops = ops[:cut], ops[cut:]
            phases += 1
            done, error = self._run_phase(s, replace(plan, ops=head))
            results += done
            failed = next((r.id for r in done if r.status not in (Status.OK, Status.CHANGED)), None)
            if error or failed or not ops:
                results += [_not_run(o, error or f"{failed} failed") for o in ops]
                break
            rest = replace(s.program, ops=tuple(o.node for o in ops))
            try:
                facts = self._read_facts(s, rest)
            except Exception as e:  # reading failed: nothing after this point runs
                error = f"reading facts again after {head[-1].node.id} failed: {e}"
                results += [_not_run(o, error) for o in ops]
                break
            changed = frozenset(r.id for r in results if r.status is Status.CHANGED)
            ops = plan_ops(rest, facts, changed, s.program)
        image, commit_error = self._commit(s.conn, tuple(results)) if not error else (None, None)
        seconds = {**plan.seconds, "apply": time.monotonic() - t0}
        return HostResult(
            plan.host,
            plan.target,
            tuple(results),
            error=error or commit_error,
            round_trips=s.conn.round_trips,
            seconds=seconds,
            sent=s.sent,
            received=s.received,
            image=image,
            phases=phases,
        )

    def _run_phase(self, s: _Session, plan: HostPlan) -> tuple[tuple[OpResult, ...], str | None]:
        """One script for ``plan``'s changed ops: their results, or an error before any ran."""
        assert s.conn is not None
        nonce = secrets.token_hex(8)
        stage = None
        needed = uploads(plan)
        if needed:  # large contents go by SFTP into a private staging directory first
            try:
                run = self._owner.split(" ", 1)[0]
                made = s.conn.run(staging(run, nonce, sole=self.lock), timeout=self.timeout)
                stage = made.stdout.strip()
                if not made.ok or not stage.startswith("/"):
                    raise OSError(made.stderr.strip() or "no staging directory")
                s.stage = stage
                for name, data in needed.items():
                    s.conn.put(data, f"{stage}/{name}", 0o600)
                    s.sent += len(data)
            except Exception as e:  # a failed upload fails this host, before anything ran
                error = f"uploading files failed: {e}"
                return tuple(_not_run(o, error) for o in plan.ops), error
        script = apply_script(plan, nonce, self.become_password, stage)
        stdout, tail = "", ""
        if script:
            try:
                watch = OpWatcher(plan, nonce, self.on_op) if self.on_op else None
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
        s.stage = None  # the script removed it
        return self._fetch(s, plan, read_results(plan, stdout, nonce, tail)), None

    @staticmethod
    def _commit(conn: Connector, results: tuple[OpResult, ...]) -> tuple[str | None, str | None]:
        """An image build that applied cleanly is committed: (image id, error)."""
        if not isinstance(conn, EngineConnector) or conn.image is None:
            return None, None
        if any(r.status is not Status.OK and r.status is not Status.CHANGED for r in results):
            return None, None  # the failures say why; a half-built image is never saved
        try:
            return conn.commit(), None
        except (ConnectError, TransferError) as e:
            return None, f"committing the image failed: {e}"

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
                    if s.stage is not None:  # interrupted between upload and script
                        parent = shlex.quote(posixpath.dirname(s.stage))
                        rm = f"rm -rf -- {shlex.quote(s.stage)}; rmdir {parent} 2>/dev/null"
                        s.conn.run(rm, timeout=5)
                with contextlib.suppress(Exception):
                    s.conn.close()


def _not_run(op: OpPlan, why: str | None) -> OpResult:
    return OpResult(op.node.id, op.node.kind, Status.NOT_RUN, op.changes, error=why)
