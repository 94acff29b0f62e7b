"""One connection per host per run, shared by compile-time facts and the executor.

A spec that reads ``facts.os.id`` needs the host before the IR exists; the
runner needs it again to plan and apply. The pool opens each host once
(remembering a failure, so an unreachable host costs one timeout, not three)
and closes everything at the end.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field

from specops.compiler.ir import Connection
from specops.runtime.connectors import ConnectError, Connector, connect


@dataclass
class Pool:
    accept_new_host_keys: bool = False
    timeout: float | None = None  # connecting (the SSH handshake): --timeout
    _open: dict[str, Connector] = field(default_factory=dict)
    _failed: dict[str, ConnectError] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def get(self, name: str, target: Connection) -> Connector:
        """The open connector for host ``name``; raises ``ConnectError`` if it cannot be reached."""
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name in self._failed:
                raise self._failed[name]
            if name not in self._open:
                conn = connect(target, self.accept_new_host_keys, self.timeout)
                try:
                    conn.open()
                except ConnectError as e:
                    self._failed[name] = e
                    raise
                self._open[name] = conn
            return self._open[name]

    def close(self) -> None:
        for conn in self._open.values():
            with contextlib.suppress(Exception):  # a dead connection must not hide results
                conn.close()
        self._open.clear()
