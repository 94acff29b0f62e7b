"""One apply at a time per host: a lock held for as long as the apply's connection lives.

``hold`` starts a command on the host that takes an exclusive ``flock`` on
``~/.specops/apply.lock`` (waiting at most ``wait`` seconds), writes who holds
it beside it, says so, and then waits for its stdin to end. Its stdin ends
when the controller closes the connection, at the end of the apply or when it
is killed or loses the network: the command exits, and the kernel releases the
lock. A lock can therefore never be left behind by a dead controller; there is
nothing stale to take over. The lock is per login user on the host (the
directory specops keeps its state in). Several inventory entries of one run that
reach the same machine (the loopback fleet, ``@local`` beside ``ssh localhost``)
share it: the holder's run id is in the owner file. A host without ``flock`` is
applied unlocked.
"""

from __future__ import annotations

import getpass
import math
import os
import secrets
import shlex
import socket
import threading
import time

from specops.runtime.connectors import Connector

_DIR = '"$HOME/.specops"'
_ANSWERS = ("@@locked", "@@busy", "@@nolock")


def owner() -> str:
    """This run, as another apply will be told: a run id, then who and since when."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    who = f"{getpass.getuser()}@{socket.gethostname()} (pid {os.getpid()}, since {stamp})"
    return f"{secrets.token_hex(8)} {who}"


def script(who: str, wait: float) -> str:
    """Take the lock, polling so that another entry of this same run (whose owner line
    may take a moment to appear) is recognised at once rather than waited for."""
    lock, info = f"{_DIR}/apply.lock", f"{_DIR}/apply.owner"
    run = shlex.quote(who.split(" ", 1)[0])
    # at least a second: the entry holding the lock for this run may not have said so yet
    seconds = max(1, math.ceil(wait))
    return (
        "command -v flock >/dev/null 2>&1 || { echo @@nolock; exit 0; }\n"
        f"mkdir -p -m 700 {_DIR} && exec 9>>{lock} || exit 1\n"
        f"end=$(( $(date +%s) + {seconds} ))\n"
        "while :; do\n"
        "  if flock -n 9; then\n"
        f"    printf '%s\\n' {shlex.quote(who)} > {info}\n"
        "    echo @@locked\n"
        "    exec cat >/dev/null\n"  # held until the controller's side of stdin closes
        "  fi\n"
        f"  if [ \"$(cut -d' ' -f1 {info} 2>/dev/null)\" = {run} ]; then\n"
        "    echo @@locked; exit 0\n"  # this run holds it, through another entry
        "  fi\n"
        '  [ "$(date +%s)" -lt "$end" ] || break\n'
        "  sleep 0.2\n"
        "done\n"
        f"echo \"@@busy $(cut -d' ' -f2- {info} 2>/dev/null)\"\n"
    )


def hold(conn: Connector, who: str, wait: float = 0.0) -> str | None:
    """Take the host's apply lock for as long as ``conn`` stays open.

    Returns None when it is held (or the host has no ``flock``), else why not: who
    holds it, or what failed.
    """
    seen: list[str] = []
    answered = threading.Event()

    def watch(stream: str, chunk: bytes) -> None:
        if stream == "stdout":
            seen.append(chunk.decode("utf-8", "replace"))
            if any(a in "".join(seen) for a in _ANSWERS):
                answered.set()

    def run() -> None:
        try:
            r = conn.run(script(who, wait), stdin="", keep_stdin=True, on_output=watch)
            if not answered.is_set():
                seen.append(f"@@failed {r.stderr.strip()[-200:] or f'exit code {r.exited}'}")
        except Exception as e:  # the connection died: the lock is not held
            seen.append(f"@@failed {type(e).__name__}: {e}")
        answered.set()

    threading.Thread(target=run, daemon=True, name="specops-lock").start()
    if not answered.wait(wait + 60):
        return "the host did not answer the lock request"
    text = "".join(seen)
    if "@@locked" in text or "@@nolock" in text:
        return None
    if "@@busy" in text:
        holder = text.split("@@busy", 1)[1].strip().splitlines()
        return f"another specops apply holds it: {holder[0] if holder else 'unknown'}"
    return "its apply lock could not be taken: " + text.split("@@failed", 1)[-1].strip()
