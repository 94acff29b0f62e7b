"""The apply script of one host, and reading its outcome back.

One script runs every changed op of a host in order, each in a subshell
between markers with its own exit status (``@@specops:NONCE:op:I`` …
``rc:I CODE``), so a failure is pinned to its op and the ops after it are
reported as not run. Ops with ``become`` run through sudo (``as_user``);
large contents are uploaded first (``uploads``, into ``staging``) and removed when
the script ends.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Callable
from dataclasses import replace

from specops.runtime.engine.notify import clear, leave
from specops.runtime.engine.outcomes import HostPlan, OpResult, Status, scrub_op


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


def staging(run: str, session: str, sole: bool) -> str:
    """Shell code making a private staging directory for this host's uploads of this run
    (``upload/RUN/SESSION``: entries of one run reaching one machine each have their own);
    prints its path.

    Uploads of runs that were killed or interrupted are removed here: every other run's
    directory when this run holds the host's apply lock (``sole``: no other apply can be
    uploading), else those older than an hour.
    """
    age = "" if sole else "-mmin +60 "
    run, session = shlex.quote(run), shlex.quote(session)
    return (
        'u="$HOME/.specops/upload"; mkdir -p -m 700 "$u" && chmod 700 "$u" && cd "$u" && '
        f"find . -mindepth 1 -maxdepth 1 ! -name {run} {age}-exec rm -rf -- {{}} + ; "
        f"mkdir -p -m 700 {run}/{session} && cd {run}/{session} && pwd -P"
    )


def apply_script(
    plan: HostPlan, nonce: str, password: str | None = None, stage: str | None = None
) -> str:
    """The one script that applies a host's changes; empty when nothing changes.

    ``stage`` is where this run's uploads were put; the script removes them when it ends.
    """
    lines: list[str] = []
    if stage is not None:
        # A function, so the quoted path needs no second level of quoting in the trap.
        # this host's directory, then the run's when no other entry of the run still uses it
        parent = shlex.quote(posixpath.dirname(stage))
        lines.append(
            f"specops_cleanup() {{ rm -rf -- {shlex.quote(stage)}; rmdir {parent} 2>/dev/null; }}"
        )
        # also when the watchdog stops the script (SIGTERM) or it is interrupted
        lines.append("trap specops_cleanup EXIT")
        lines.append("trap 'specops_cleanup; exit 143' TERM")
        lines.append("trap 'specops_cleanup; exit 130' INT")
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
        # Notifications are kept on the host until their handler has run (engine/notify.py).
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
            output = scrub_op(n, stdout[start:].split("\n", 1)[-1] if start >= 0 else "")
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
        output = scrub_op(n, stdout[start + len(f"@@specops:{nonce}:op:{i}\n") : end])
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


class OpWatcher:
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
