"""Notifications that outlive a failed run.

When an op that notifies a handler changes something, the apply script leaves a
marker on the host (``~/.specops/pending/<handler>``) before the handler has run;
the handler removes it when it succeeds. If the run fails in between, the next
run reads the markers (``notify.Pending``) and runs the handler anyway, so a
changed config is never left with a service that was not restarted (Ansible
forgets such notifications).
"""

from __future__ import annotations

import hashlib

from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, NoParams

STATE = '"$HOME/.specops/pending"'


def marker(handler_id: str) -> str:
    """The file name of a handler's marker (ids may hold any character)."""
    return hashlib.sha256(handler_id.encode()).hexdigest()[:24]


class Pending(Fact[frozenset[str]]):
    """Markers of handlers notified by an earlier run that did not get to run them."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw(f"ls -1 {STATE} 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> frozenset[str]:
        names = [line.strip() for line in output.splitlines() if line.strip()]
        if any(len(n) != 24 or any(c not in "0123456789abcdef" for c in n) for n in names):
            raise ValueError("unexpected file in the pending notifications directory")
        return frozenset(names)


def leave(handler_ids: list[str]) -> str:
    """Shell that records notifications (run right after the notifying op succeeded)."""
    names = " ".join(marker(h) for h in handler_ids)
    return f"mkdir -p {STATE} && for m in {names}; do : > {STATE}/$m; done"


def clear(handler_id: str) -> str:
    return f"rm -f {STATE}/{marker(handler_id)}"
