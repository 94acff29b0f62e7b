"""Ad-hoc work on many hosts at once: one shell command, or a set of facts, per host.

Hosts run on a bounded thread pool; each gets one connection, opened here and
closed when its work is done. A host that cannot be reached, or whose
connection dies, is an outcome like any other, never an exception: the caller
reports every host. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from specops.compiler.inventory import Host
from specops.runtime.connectors import ConnectError, Connector, EngineConnector, Result, connect
from specops.runtime.connectors.base import encode, supervised
from specops.runtime.core.fact import FactError, FactRef
from specops.runtime.engine.gather import gather

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What happened on one host; ``error`` is set when the work could not be done."""

    host: str
    target: str
    error: str | None = None
    hint: str | None = None
    unreachable: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class CommandOutcome(Outcome):
    result: Result | None = None
    image: str | None = None  # an image build whose command succeeded: the new image

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and self.result.ok


@dataclass(frozen=True)
class FactsOutcome(Outcome):
    values: tuple[tuple[FactRef[Any], Any], ...] = ()


def _each(
    hosts: Sequence[Host],
    parallel: int | None,
    work: Callable[[Host, dict[int, Connector]], T],
    on_done: Callable[[T], None] | None,
) -> list[T]:
    """``work`` on every host in the pool; on an interrupt, close what is open at once.

    Closing a connection ends the command it runs (``supervised``) and lets its
    worker return, so Ctrl-C stops the hosts instead of waiting for them.
    """
    opened: dict[int, Connector] = {}  # by id: connectors need not be hashable

    def one(h: Host) -> T:
        out = work(h, opened)
        if on_done is not None:
            on_done(out)
        return out

    n = parallel or min(32, max(1, len(hosts)))
    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="specops-host")
    try:
        results = list(pool.map(one, hosts))
    except BaseException:
        for conn in list(opened.values()):
            with contextlib.suppress(Exception):
                conn.close()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _open(
    h: Host, accept_new_host_keys: bool, opened: dict[int, Connector], timeout: float | None = None
) -> Connector:
    conn = connect(h.connection, accept_new_host_keys, timeout)
    conn.open()
    opened[id(conn)] = conn
    return conn


def run_command(
    hosts: Sequence[Host],
    command: str,
    *,
    stdin: str | None = None,
    timeout: float | None = None,
    parallel: int | None = None,
    accept_new_host_keys: bool = False,
    on_output: Callable[[Host, str, bytes], None] | None = None,
    on_done: Callable[[CommandOutcome], None] | None = None,
) -> list[CommandOutcome]:
    """Run ``command`` on every host in parallel; one outcome per host, in host order."""

    def work(h: Host, opened: dict[int, Connector]) -> CommandOutcome:
        start = time.monotonic()
        target = h.connection.target
        try:
            conn = _open(h, accept_new_host_keys, opened, timeout)
        except ConnectError as e:
            took = time.monotonic() - start
            return CommandOutcome(h.name, target, str(e), e.hint, True, took)
        try:
            sink = None
            if on_output is not None:
                out = on_output

                def sink(stream: str, chunk: bytes) -> None:
                    out(h, stream, chunk)

            if stdin is None:  # the command stops if this process goes away (Ctrl-C)
                script = command + "\n"
                r = conn.run(
                    supervised(len(encode(script))),
                    stdin=script,
                    timeout=timeout,
                    on_output=sink,
                    keep_stdin=True,
                )
                r = replace(r, command=command)
            else:
                r = conn.run(command, stdin=stdin, timeout=timeout, on_output=sink)
            image = None
            if r.ok and isinstance(conn, EngineConnector) and conn.image is not None:
                image = conn.commit()
            took = time.monotonic() - start
            return CommandOutcome(h.name, target, seconds=took, result=r, image=image)
        except Exception as e:  # the connection died mid-command: report it against the host
            took = time.monotonic() - start
            return CommandOutcome(h.name, target, f"{type(e).__name__}: {e}", None, True, took)
        finally:
            opened.pop(id(conn), None)
            conn.close()

    return _each(hosts, parallel, work, on_done)


def read_facts(
    hosts: Sequence[Host],
    refs: Sequence[FactRef[Any]],
    *,
    parallel: int | None = None,
    accept_new_host_keys: bool = False,
    on_done: Callable[[FactsOutcome], None] | None = None,
) -> list[FactsOutcome]:
    """Read ``refs`` on every host (one batched command each), in parallel."""

    def work(h: Host, opened: dict[int, Connector]) -> FactsOutcome:
        start = time.monotonic()
        target = h.connection.target
        try:
            conn = _open(h, accept_new_host_keys, opened)
        except ConnectError as e:
            return FactsOutcome(h.name, target, str(e), e.hint, True, time.monotonic() - start)
        try:
            facts, _ = gather(conn, refs)
            values = tuple((ref, facts[ref]) for ref in dict.fromkeys(refs))
            return FactsOutcome(h.name, target, seconds=time.monotonic() - start, values=values)
        except FactError as e:
            return FactsOutcome(h.name, target, str(e), seconds=time.monotonic() - start)
        except Exception as e:  # the connection died mid-read
            took = time.monotonic() - start
            return FactsOutcome(h.name, target, f"{type(e).__name__}: {e}", None, True, took)
        finally:
            opened.pop(id(conn), None)
            conn.close()

    return _each(hosts, parallel, work, on_done)
