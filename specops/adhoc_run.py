"""``specops run TARGETS -- COMMAND`` and ``specops run TARGETS OP NAME=VALUE…``: a shell
command on every host (streamed or collected, with a recap), or one op planned and then
applied through the same catalog, optimizer and executor as a spec.
"""

from __future__ import annotations

import argparse
import codecs
import json
import threading
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from specops.adhoc_targets import hosts, split
from specops.compiler import messages as m
from specops.compiler.adhoc import build_program
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, diag
from specops.compiler.inventory import Host
from specops.compiler.targets import is_literal
from specops.compiler.terminal import printable
from specops.exitcodes import Exit, apply_exit, plan_exit
from specops.runtime.catalog import CATALOG
from specops.runtime.connectors import become
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.fanout import CommandOutcome, run_command
from specops.runtime.engine.render import plan_json, print_plan, print_results, results_json


def run_words(args: argparse.Namespace, cl: CommandLine, out: Console) -> int:
    ti, words, command = split(args, cl)
    c = Collector()
    if command is not None and words:
        c.add(
            diag(
                m.BAD_VALUE,
                cl.span(words[0]),
                what="specops run",
                detail="takes an operation or a command after --, not both",
                hint="drop the operation, or the -- and what follows it",
            )
        )
    elif command is None and not words:
        c.add(
            diag(
                m.MISSING_KEY,
                cl.span(ti),
                where="specops run",
                key="-- COMMAND or OP NAME=VALUE",
                hint="e.g. specops run @local -- uptime",
            )
        )
    elif command is not None and not command:
        c.add(diag(m.MISSING_KEY, cl.span(ti), where="specops run --", key="a command"))
    c.check()
    inventory = hosts(args, cl, ti)
    if command is not None:
        text = command[0] if len(command) == 1 else " ".join(command)
        return _run_command(args, inventory.hosts, text, out)
    if args.become or args.stream or args.timeout is not None:
        flag = "--become" if args.become else "--stream" if args.stream else "--timeout"
        i = cl.find(flag)
        c.add(
            diag(
                m.BAD_VALUE,
                cl.span(i) if i is not None else None,
                what=flag,
                detail="applies to a command (after --), not to an operation",
            )
        )
        c.check()
    program = build_program(cl, words, CATALOG, inventory, c)
    c.check()
    assert program is not None  # no diagnostics means it was built
    return run_op(args, program, out)


def run_op(args: argparse.Namespace, program: Any, out: Console) -> int:

    with Runner(
        program,
        parallel=args.parallel,
        accept_new_host_keys=args.accept_new_host_keys,
        lock=not args.plan,
    ) as r:
        plans = r.plan()
        if args.plan:
            if args.json:
                print(json.dumps(plan_json(plans), indent=2, ensure_ascii=False))
            else:
                print_plan(out, plans)
            if any(p.unreachable for p in plans):
                return Exit.UNREACHABLE
            return plan_exit(plans)
        if not args.json:
            print_plan(out, plans)
        results = r.apply()
    if args.json:
        print(json.dumps(results_json(results), indent=2, ensure_ascii=False))
    else:
        out.print()
        print_results(out, results)
    return apply_exit(results)


class _Lines:
    """Turns output chunks into whole lines per host and stream (chunks split anywhere)."""

    def __init__(self, out: Console) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.width = 0
        self.pending: dict[tuple[str, str], tuple[codecs.IncrementalDecoder, str]] = {}

    def feed(self, host: Host, stream: str, chunk: bytes) -> None:
        key = (host.name, stream)
        with self.lock:
            dec, buf = self.pending.get(key) or (
                codecs.getincrementaldecoder("utf-8")("replace"),
                "",
            )
            buf += dec.decode(chunk)
            *lines, buf = buf.split("\n")
            self.pending[key] = (dec, buf)
            for line in lines:
                self._print(host.name, stream, line)

    def flush(self, host: str) -> None:
        with self.lock:
            for stream in ("stdout", "stderr"):
                dec, buf = self.pending.pop((host, stream), (None, ""))
                rest = buf + (dec.decode(b"", final=True) if dec else "")
                if rest:
                    self._print(host, stream, rest)

    def _print(self, host: str, stream: str, line: str) -> None:
        prefix = Text(f"{printable(host).ljust(self.width)} | ", style="bold")
        self.out.print(prefix + Text(printable(line), style="red" if stream == "stderr" else ""))


def _decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")("replace")


def _status(o: CommandOutcome) -> Text:
    if o.error:
        return Text(f"unreachable: {printable(o.error)}", style="bold red")
    assert o.result is not None
    if o.result.ok:
        return Text(f"ok ({o.seconds:.2f} s)", style="green")
    return Text(f"failed: exit code {o.result.exited} ({o.seconds:.2f} s)", style="bold red")


def _head(o: CommandOutcome) -> Text:
    # A host named on the command line is already named by how it is reached.
    target = f" ({printable(o.target)})" if o.target != o.host and not is_literal(o.host) else ""
    return Text.assemble((printable(o.host), "bold"), (target, "dim"), "  ") + _status(o)


def _run_command(
    args: argparse.Namespace, hosts: Sequence[Host], command: str, out: Console
) -> int:

    if args.become:
        command = become(command, args.become_user)
    lines = _Lines(out)
    lines.width = max(len(h.name) for h in hosts)
    lock = threading.Lock()

    def done(o: CommandOutcome) -> None:
        if args.json:
            return
        if args.stream:
            lines.flush(o.host)
            with lock:
                if o.error or not o.ok:
                    out.print(_head(o))
                if o.image:
                    out.print(Text(f"{o.host}: built image {o.image}", style="bold"))
            return
        with lock:
            out.print(_head(o))
            if o.hint:
                out.print(Text(f"  hint: {printable(o.hint)}", style="dim"))
            if o.result is not None:
                if o.result.stdout:
                    out.print(Text(printable(o.result.stdout.rstrip("\n"))))
                if o.result.stderr:
                    out.print(Text(printable(o.result.stderr.rstrip("\n")), style="red"))
            if o.image:
                out.print(Text(f"  built image {o.image}", style="bold"))

    outcomes = run_command(
        hosts,
        command,
        timeout=args.timeout,
        parallel=args.parallel,
        accept_new_host_keys=args.accept_new_host_keys,
        on_output=lines.feed if args.stream and not args.json else None,
        on_done=done,
    )
    failed = [o for o in outcomes if not o.error and not o.ok]
    unreachable = [o for o in outcomes if o.error]
    if args.json:
        print(json.dumps(_command_json(outcomes), indent=2, ensure_ascii=False))
    else:
        out.print()
        out.print(_recap(outcomes, failed, unreachable))
    if failed:
        return Exit.FAILED
    return Exit.UNREACHABLE if unreachable else Exit.OK


def _recap(
    outcomes: Sequence[CommandOutcome],
    failed: Sequence[CommandOutcome],
    unreachable: Sequence[CommandOutcome],
) -> Text:
    n = len(outcomes)
    ok = n - len(failed) - len(unreachable)
    line = Text(f"Recap: {n} host{'s' if n != 1 else ''}: {ok} ok", style="bold")
    if failed:
        names = ", ".join(o.host for o in failed)
        line.append(f", {len(failed)} failed ({names})", style="bold red")
    if unreachable:
        names = ", ".join(o.host for o in unreachable)
        line.append(f", {len(unreachable)} unreachable ({names})", style="bold red")
    return line.append(".")


def _command_json(outcomes: Sequence[CommandOutcome]) -> dict[str, Any]:
    hosts = []
    for o in outcomes:
        entry: dict[str, Any] = {
            "name": o.host,
            "target": o.target,
            "ok": o.ok,
            "unreachable": o.unreachable,
            "error": o.error,
            "seconds": round(o.seconds, 3),
        }
        if o.result is not None:
            entry.update(exit=o.result.exited, stdout=o.result.stdout, stderr=o.result.stderr)
        if o.image is not None:
            entry["image"] = o.image
        hosts.append(entry)
    return {"version": 1, "hosts": hosts}
