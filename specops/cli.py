"""The ``specops`` command line: compile, plan, apply, vars, ops, schema.

Exit codes: 0 success; 1 a user error (bad spec, bad arguments) or a plan
that could not be made; 2 ``plan --detailed-exitcode`` found changes;
3 an apply failed on some host; 4 some host was unreachable (and none failed).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from specops import adhoc, bounds
from specops.cli_args import parser
from specops.compiler import messages as m
from specops.compiler import optimize as optimizer
from specops.compiler.diagnostics import SpecError, diag, render_all
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file, explain_vars, target_inventory
from specops.compiler.ir import to_json
from specops.compiler.schema import spec_schema
from specops.compiler.scope import parse_var
from specops.compiler.terminal import printable
from specops.exitcodes import Exit, apply_exit, plan_exit
from specops.runtime.catalog import CATALOG
from specops.runtime.engine import planfile
from specops.runtime.engine.events import Events, Progress
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.fact_source import HostFactSource
from specops.runtime.engine.outcomes import HostPlan, HostResult
from specops.runtime.engine.pool import Pool
from specops.runtime.engine.render import (
    plan_json,
    print_plan,
    print_results,
    print_stats,
    results_json,
)
from specops.runtime.spec_facts import SPEC_FACTS


def _options(args: argparse.Namespace, **extra: Any) -> Options:
    variables = {}
    for text in args.var:
        try:
            name, value = parse_var(text)
        except ValueError as e:
            raise SpecError([diag(m.BAD_VALUE, None, what="--var", detail=str(e))]) from None
        variables[name] = value
    split = [t for group in args.tags for t in group.split(",") if t]
    skip = [t for group in args.skip_tags for t in group.split(",") if t]
    return Options(
        inventory=args.inventory,
        limit=args.limit,
        variables=variables,
        tags=split,
        skip_tags=skip,
        **extra,
    )


def _confirm(console: Console) -> bool:
    """Ask on the terminal; without one nobody can answer, so nothing is applied."""
    if not sys.stdin.isatty():
        console.print(
            Text(
                "Not applied: there is no terminal to confirm on. Review the plan above, "
                "then run the same command with --yes (or apply a saved plan: "
                "specops plan … -o FILE.plan, specops apply FILE.plan --yes).",
                style="bold red",
            )
        )
        return False
    answer = console.input("\nApply these changes? Only 'yes' is accepted: ")
    if answer.strip().lower() != "yes":
        console.print("Apply cancelled.")
        return False
    return True


def _cmd_ops(out: Console) -> int:
    for op in CATALOG:
        out.print(Text.assemble((f"{op.kind:<20}", "bold"), f" {printable(op.summary)}"))
    return Exit.OK


def run(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    wrong, cl = bounds.check(args, sys.argv[1:] if argv is None else argv)
    if wrong:
        print(render_all(wrong, cl.sources), file=sys.stderr)
        return Exit.ERROR
    if getattr(args, "traceback", False):
        os.environ["SPECOPS_TRACEBACK"] = "1"  # read where user code's errors are reported
    if args.command in adhoc.COMMANDS:
        return adhoc.run(args, argv)
    out = Console(highlight=False, soft_wrap=True)
    if args.command == "ops":
        return _cmd_ops(out)
    if args.command == "schema":
        sys.stdout.write(json.dumps(spec_schema(CATALOG), indent=2, ensure_ascii=False) + "\n")
        return Exit.OK
    if args.command == "compile":
        facts = JsonFacts(args.facts) if args.facts else None
        explain = args.explain and not args.no_optimize
        program = compile_file(
            args.file,
            CATALOG,
            _options(args, facts=facts, optimized=not args.no_optimize and not explain),
        )
        if explain:  # optimize here, keeping the log of what each pass did
            log: optimizer.Log = []
            program = optimizer.optimize(program, CATALOG, log)
            sys.stderr.write(optimizer.explain(log))
        sys.stdout.write(to_json(program, origins=args.origins))
        return Exit.OK
    if args.command == "show":
        return _cmd_show(out, args)
    pool = Pool(args.accept_new_host_keys, getattr(args, "timeout", None))
    try:
        if args.command == "vars":
            return _cmd_vars(out, args, pool)
        return _run(out, args, pool)
    finally:
        pool.close()


def _cmd_vars(out: Console, args: argparse.Namespace, pool: Pool) -> int:
    # Variables may read facts: the host is asked for them, as a plan would.
    source = HostFactSource(pool, target_inventory(args.file, args.inventory), SPEC_FACTS)
    rows = explain_vars(args.file, CATALOG, args.host, _options(args, facts=source))
    if args.json:
        doc = [
            {"name": n, "value": v, "from": o.label, "at": str(o.span) if o.span else None}
            for n, v, o in rows
        ]
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return Exit.OK
    table = Table(box=None, header_style="bold")
    for column in ("name", "value", "from", "at"):
        table.add_column(column, no_wrap=column != "value", overflow="fold")
    for name, value, origin in rows:
        shown = json.dumps(value, ensure_ascii=False, default=str)
        table.add_row(name, shown, origin.label, str(origin.span) if origin.span else "")
    out.print(table)
    return Exit.OK


def _run(out: Console, args: argparse.Namespace, pool: Pool) -> int:
    expect = None
    if args.command == "apply" and planfile.is_plan(args.file):
        program, expect, _ = planfile.load(args.file)
    else:
        source = HostFactSource(pool, target_inventory(args.file, args.inventory), SPEC_FACTS)
        program = compile_file(args.file, CATALOG, _options(args, facts=source))
    events = Events(args.json)
    events.emit("start", command=args.command, hosts=[h.name for h in program.hosts])
    runner = Runner(
        program,
        parallel=args.parallel,
        connector=lambda hp: pool.get(hp.name, hp.connection),
        expect=expect,
        timeout=args.timeout,
        become_password=getpass.getpass("sudo password: ") if args.ask_become_pass else None,
        lock=args.command == "apply" and not args.no_lock,
        lock_wait=getattr(args, "lock_wait", 0.0) or 0.0,
    )
    started: dict[str, list[str]] = {}  # per host, the ops the apply scripts began

    def on_op(host: str, op: str) -> None:
        started.setdefault(host, []).append(op)
        progress.current(host, op)

    with runner as r, Progress(out, enabled=not args.json) as progress:
        r.on_op = on_op
        plans = r.plan(on_done=progress.step("planning", len(program.hosts), events.planned))
        if args.command == "plan":
            if args.out:
                planfile.save(args.out, program, plans, args.file)
            events.done("plan", plan_json(plans))
            if not args.json:
                print_plan(out, plans, args.by_op)
                if args.out:
                    out.print(f"Saved the plan to {args.out}: specops apply {args.out}")
                if args.stats:
                    print_stats(out, plans, [])
            return plan_exit(plans, args.detailed_exitcode)
        stale = [p for p in plans if expect is not None and p.error and p.facts]
        if stale:
            for p in stale:
                out.print(
                    Text.assemble((printable(p.host), "bold red"), f": {printable(p.error or '')}")
                )
            out.print("Nothing was applied: plan again (specops plan … -o FILE).")
            events.done("apply", {"refused": [p.host for p in stale]})
            return Exit.ERROR
        if not args.json:
            print_plan(out, plans, args.by_op)
        progress.pause()
        if any(p.changed for p in plans) and not args.yes and not _confirm(out):
            return Exit.ERROR
        progress.resume()
        results: list[HostResult] = []
        finished: list[HostResult] = []  # of the batch under way, for an interrupt
        for batch in _batches([h.name for h in program.hosts], args.serial):
            if _over_limit(results, args.fail_percent):
                results += [
                    r.skip(h, f"not run: more than {args.fail_percent}% of hosts failed")
                    for h in batch
                ]
                continue
            step = progress.step("applying", len(program.hosts), events.applied)
            finished.clear()
            try:
                results += r.apply(hosts=set(batch), on_done=_keeping(finished, step))
            except KeyboardInterrupt:
                progress.pause()
                _interrupted(out, [*results, *finished], started, plans)
                raise
        events.done("apply", results_json(results))
        if not args.json:
            out.print()
            print_results(out, results)
            if args.stats:
                print_stats(out, plans, results)
        return apply_exit(results)


def _keeping(
    into: list[HostResult], then: Callable[[HostResult], None]
) -> Callable[[HostResult], None]:
    def done(result: HostResult) -> None:
        into.append(result)
        then(result)

    return done


def _interrupted(
    out: Console, done: Sequence[HostResult], started: dict[str, list[str]], plans: list[HostPlan]
) -> None:
    """After Ctrl-C: what was applied where, so nobody has to guess."""
    out.print()
    out.print(Text("Interrupted. What the apply had done:", style="bold red"))
    results = {r.host: r for r in done}
    for p in plans:
        r = results.get(p.host)
        if r is not None:
            by: dict[str, list[str]] = {}
            for o in r.ops:
                by.setdefault(o.status.value, []).append(o.id)
            parts = [f"changed {', '.join(by.get('changed', [])) or 'nothing'}"]
            if by.get("failed"):
                parts.append(f"stopped during {', '.join(by['failed'])} (it may be partly done)")
            if by.get("not run"):
                parts.append(f"not run: {', '.join(by['not run'])}")
            out.print(Text(f"  {printable(p.host)}: {printable('; '.join(parts))}"))
        elif p.host in started:
            ran = started[p.host]
            line = f"  {printable(p.host)}: "
            if ran[:-1]:
                line += f"applied {printable(', '.join(ran[:-1]))}; "
            line += f"stopped during {printable(ran[-1])} (it may be partly done); the rest not run"
            out.print(Text(line))
        elif p.changed:
            out.print(Text(f"  {printable(p.host)}: nothing applied"))
    out.print(Text("Run plan again to see where each host stands.", style="dim"))


def _batches(hosts: list[str], serial: str | None) -> list[list[str]]:
    if not serial:
        return [hosts]
    text = serial.strip()
    try:
        size = (len(hosts) * float(text[:-1]) / 100) if text.endswith("%") else int(text)
    except ValueError:
        raise SpecError(
            [
                diag(
                    m.BAD_VALUE,
                    None,
                    what="--serial",
                    detail=f"{serial!r} is not N or N%",
                    hint="e.g. --serial 2 or --serial 25%",
                )
            ]
        ) from None
    n = max(1, math.ceil(size))
    return [hosts[i : i + n] for i in range(0, len(hosts), n)]


def _over_limit(results: Sequence[HostResult], percent: float | None) -> bool:
    if percent is None or not results:
        return False
    failed = sum(1 for r in results if r.failed)
    return failed * 100 / len(results) > percent


def _cmd_show(out: Console, args: argparse.Namespace) -> int:
    _, _, doc = planfile.load(args.file)
    if args.json:
        print(json.dumps(doc["plan"], indent=2, ensure_ascii=False))
        return Exit.OK
    out.print(f"Plan of {doc['source']}, made {doc['created']}")
    print_plan(out, planfile.plans_from_doc(doc))
    return Exit.OK


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate must not end in a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        return run(argv)
    except SpecError as e:
        print(render_all(e.diagnostics), file=sys.stderr)
        return Exit.ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
