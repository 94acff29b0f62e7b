"""Plans and results for people (rich) and for machines (JSON).

Nothing here runs commands; it only reads ``HostPlan``/``HostResult`` data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from specops.compiler.terminal import clip, printable
from specops.runtime.core.operation import Action
from specops.runtime.engine.outcomes import HostPlan, HostResult, OpPlan, Status, summarize

PLAN_VERSION = 1

_STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "red", Action.RUN: "cyan"}


MAX_DIFF_LINES = 1000


def _diff_text(diff: str) -> Text:
    out = Text()
    lines = diff.splitlines(keepends=True)
    for line in lines[:MAX_DIFF_LINES]:
        # What a host's file holds is printed escaped and clipped: it may hold
        # terminal control sequences, or be one line of megabytes. Every line ends its
        # row, the last one too: the diff is printed with end="" and the next op follows.
        line = printable(clip(line.removesuffix("\n"))) + "\n"
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        out.append("      " + line, style=style)
    if len(lines) > MAX_DIFF_LINES:
        more = len(lines) - MAX_DIFF_LINES
        out.append(f"      … {more} more lines (plan --json has the whole diff)\n", style="dim")
    return out


def _head(name: str, target: str) -> Text:
    shown = f" ({printable(target)})" if target != name else ""
    return Text.assemble((printable(name), "bold"), (shown, "dim"))


def _op_lines(console: Console, op: OpPlan, width: int) -> None:
    if op.error and op.waits_on:  # provisional: planned again once waits_on has run
        console.print(
            Text.assemble(
                ("  ? ", "bold yellow"),
                (printable(op.node.id.ljust(width)), "bold"),
                f"  ({op.node.kind}) planned after {printable(op.waits_on)} runs; "
                "as the host is now: ",
                (printable(clip(op.error)), "yellow"),
            )
        )
        return
    if op.error:
        console.print(
            Text.assemble(
                ("  x ", "bold red"),
                (printable(op.node.id.ljust(width)), "bold"),
                f"  ({op.node.kind}) ",
                (printable(clip(op.error)), "red"),
            )
        )
        return
    for ch in op.changes:
        # "?" marks a change that rests on what an earlier op should do: a guess, not a fact.
        mark = "?" if ch.depends_on else " "
        line = Text.assemble(
            (f" {mark}{ch.action.value} ", _STYLE[ch.action]),
            (printable(op.node.id.ljust(width)), "bold"),
            f"  {printable(clip(ch.summary))}",
        )
        if ch.depends_on:
            line.append(
                f"  (depends on {printable(ch.depends_on)}; known after apply)", style="dim"
            )
        console.print(line)
        if ch.diff:
            console.print(_diff_text(ch.diff), end="")


def summary_line(plans: Sequence[HostPlan]) -> str:
    c = summarize(plans)
    # Ops that could not be planned, and hosts that could not be read, are never
    # "matching the spec": say so instead of claiming there is nothing to do.
    refused = sum(1 for p in plans for o in p.ops if o.refused)
    lost = sum(1 for p in plans if p.error)
    trouble = ", ".join(
        x
        for x in (
            f"{refused} op{'s' if refused != 1 else ''} could not be planned" if refused else "",
            f"{lost} host{'s' if lost != 1 else ''} could not be read" if lost else "",
        )
        if x
    )
    if not any(c.values()):
        if trouble:
            return f"No changes planned, but {trouble} (see above)."
        return "No changes. The hosts match the spec."
    line = (
        f"Plan: {c[Action.CREATE]} to add, {c[Action.UPDATE]} to change, "
        f"{c[Action.DELETE]} to remove"
    )
    line += f", {c[Action.RUN]} to run." if c[Action.RUN] else "."
    unsure = sum(
        1 for p in plans for o in p.ops if o.waits_on or any(ch.depends_on for ch in o.changes)
    )
    if unsure:
        line += f" {unsure} marked ? rest{'s' if unsure == 1 else ''} on earlier steps."
    if trouble:
        line += f" And {trouble} (see above)."
    return line


def print_plan(console: Console, plans: Sequence[HostPlan], by_op: bool | None = None) -> None:
    """The plan per host, or per op with a host count when many hosts share changes.

    ``by_op=None`` groups by op once there are ``BY_OP_FROM`` hosts or more.
    """
    if by_op or (by_op is None and len(plans) >= BY_OP_FROM):
        _print_by_op(console, plans)
        return
    for p in plans:
        head = _head(p.host, p.target)
        if p.error:
            label = "unreachable" if p.unreachable else "error"
            console.print(head, Text(f"  {label}: {printable(p.error)}", style="bold red"))
            if p.hint:
                console.print(Text(f"  hint: {printable(p.hint)}", style="dim"))
            continue
        changed = [o for o in p.ops if o.changes or o.error]
        if not changed:
            console.print(head, Text("  no changes", style="dim"))
            continue
        console.print(head)
        width = max(len(o.node.id) for o in changed)
        for op in changed:
            _op_lines(console, op, width)
    console.print()
    console.print(Text(summary_line(plans), style="bold"))


BY_OP_FROM = 10


def _print_by_op(console: Console, plans: Sequence[HostPlan]) -> None:
    groups: dict[tuple[Any, ...], tuple[OpPlan, list[str]]] = {}
    for p in plans:
        for op in p.ops:
            if not (op.changes or op.error):
                continue
            key = (op.node.id, op.error, tuple((c.action, c.summary, c.diff, c.depends_on)
                                              for c in op.changes))  # fmt: skip
            groups.setdefault(key, (op, []))[1].append(p.host)
    for p in plans:
        if p.error:
            label = "unreachable" if p.unreachable else "error"
            console.print(
                _head(p.host, p.target), Text(f"  {label}: {printable(p.error)}", style="bold red")
            )
    width = max((len(op.node.id) for op, _ in groups.values()), default=0)
    for op, hosts in groups.values():
        shown = printable(", ".join(hosts[:5])) + (
            f" and {len(hosts) - 5} more" if len(hosts) > 5 else ""
        )
        count = f"{len(hosts)} host{'s' if len(hosts) != 1 else ''}"
        console.print(Text.assemble((f"{count}: ", "bold"), (shown, "dim")))
        _op_lines(console, op, width)
    console.print()
    console.print(Text(summary_line(plans), style="bold"))


def _failures(console: Console, r: HostResult) -> None:
    if r.error:
        label = "unreachable" if r.unreachable else "error"
        console.print(
            _head(r.host, r.target), Text(f"  {label}: {printable(r.error)}", style="bold red")
        )
        if r.hint:
            console.print(Text(f"  hint: {printable(r.hint)}", style="dim"))
        return
    console.print(_head(r.host, r.target))
    for o in r.ops:
        if o.status is Status.FAILED:
            console.print(
                Text.assemble(
                    ("  x ", "bold red"),
                    (printable(o.id), "bold"),
                    f"  ({o.kind}) failed: ",
                    (printable(o.error or ""), "red"),
                )
            )
            if o.output.strip():
                shown = "\n".join(printable(clip(x)) for x in o.output.strip().splitlines())
                console.print(Text("      " + shown.replace("\n", "\n      "), style="dim"))
        elif o.status is Status.NOT_RUN:
            console.print(
                Text.assemble(
                    ("  - ", "dim"),
                    (printable(o.id), "bold"),
                    "  not run: ",
                    printable(o.error or ""),
                )
            )


def print_results(console: Console, results: Sequence[HostResult]) -> None:
    """What went wrong (if anything), a recap table per host, and a verdict."""
    bad = [r for r in results if r.failed and not r.skipped]
    for r in bad:
        _failures(console, r)
    if bad:
        console.print()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("host", "ok", "changed", "failed", "not run", "state"):
        table.add_column(column, justify="left" if column in ("host", "state") else "right")
    for r in results:
        if r.error:
            state = "skipped" if r.skipped else "unreachable" if r.unreachable else "error"
            table.add_row(Text(printable(r.host)), "", "", "", "", Text(state, style="bold red"))
            continue
        failed = r.count(Status.FAILED)
        table.add_row(
            Text(printable(r.host)),  # a str cell would be read as console markup
            str(r.count(Status.OK)),
            str(r.count(Status.CHANGED)),
            Text(str(failed), style="bold red" if failed else ""),
            str(r.count(Status.NOT_RUN)),
            Text("failed", style="bold red") if failed else Text("ok", style="green"),
        )
    console.print(table)
    for r in results:
        if r.image:
            console.print(Text(f"{printable(r.host)}: built image {r.image}", style="bold"))
    done = sum(r.count(Status.CHANGED) for r in results)
    hosts = f"{len(results)} host{'s' if len(results) != 1 else ''}"
    verdict = f"Apply complete: {done} op{'s' if done != 1 else ''} changed on {hosts}."
    failed_hosts = [r for r in results if r.failed]
    if failed_hosts:
        names = printable(", ".join(r.host for r in failed_hosts))
        verdict = f"Apply finished with failures on {len(failed_hosts)} of {hosts}: {names}."
    console.print(Text(verdict, style="bold"))


def print_stats(console: Console, plans: Sequence[HostPlan], results: Sequence[HostResult]) -> None:
    """Round trips, bytes and seconds per phase, per host (``--stats``)."""
    table = Table(title="stats", box=None, header_style="bold", title_justify="left")
    columns = ("host", "round trips", "phases", "sent", "received", "connect", "facts", "plan")
    for column in (*columns, "apply"):
        table.add_column(column, justify="left" if column == "host" else "right")
    by_host = {r.host: r for r in results}
    for p in plans:
        r = by_host.get(p.host)
        secs = dict(r.seconds) if r else dict(p.seconds)
        trips = str(r.round_trips) if r else str(1 if p.facts else 0)
        table.add_row(
            Text(printable(p.host)),
            trips,
            str(r.phases) if r else "",
            _size(r.sent if r else p.sent),
            _size(r.received if r else p.received),
            *(
                f"{secs[k]:.3f}s" if k in secs else ""
                for k in ("connect", "facts", "plan", "apply")
            ),
        )
    console.print(table)


def _size(n: int) -> str:
    return f"{n} B" if n < 10_000 else f"{n / 1024:.1f} KiB"


def plan_json(plans: Sequence[HostPlan]) -> dict[str, Any]:
    return {
        "version": PLAN_VERSION,
        "hosts": [
            {
                "name": p.host,
                "target": p.target,
                "error": p.error,
                "unreachable": p.unreachable,
                "ops": [
                    {
                        "id": o.node.id,
                        "kind": o.node.kind,
                        "error": o.error,
                        "waits_on": o.waits_on,
                        "changes": [c.to_json() for c in o.changes],
                    }
                    for o in p.ops
                ],
            }
            for p in plans
        ],
        "summary": {a.name.lower(): n for a, n in summarize(plans).items()},
    }


def results_json(results: Sequence[HostResult]) -> dict[str, Any]:
    return {
        "version": PLAN_VERSION,
        "hosts": [
            {
                "name": r.host,
                "target": r.target,
                "error": r.error,
                "unreachable": r.unreachable,
                "skipped": r.skipped,
                "image": r.image,
                "phases": r.phases,
                "round_trips": r.round_trips,
                "bytes": {"sent": r.sent, "received": r.received},
                "seconds": {k: round(v, 4) for k, v in r.seconds.items()},
                "ops": [
                    {
                        "id": o.id,
                        "kind": o.kind,
                        "status": o.status.value,
                        "error": o.error,
                        "output": o.output,
                        "changes": [c.to_json() for c in o.changes],
                    }
                    for o in r.ops
                ],
            }
            for r in results
        ],
    }
