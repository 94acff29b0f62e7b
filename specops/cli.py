"""The ``specops`` command line: compile, plan, apply, vars, ops, schema.

Exit codes: 0 success; 1 a user error (bad spec, bad arguments) or a plan
that could not be made; 2 ``plan --detailed-exitcode`` found changes;
3 an apply failed on some host; 4 some host was unreachable (and none failed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from specops import __version__, adhoc
from specops.compiler import messages as m
from specops.compiler.diagnostics import SpecError, diag, render_all
from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file, explain_vars, load_inventory
from specops.compiler.inventory import DEFAULT_INVENTORY
from specops.compiler.ir import to_json
from specops.compiler.load import load
from specops.compiler.schema import spec_schema
from specops.compiler.scope import parse_var
from specops.compiler.spec import read_spec
from specops.runtime.catalog import CATALOG
from specops.runtime.executor import HostPlan, HostResult, Runner
from specops.runtime.host_facts import HostFactSource
from specops.runtime.pool import Pool
from specops.runtime.render import plan_json, print_plan, print_results, results_json

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_FAILED, EXIT_UNREACHABLE = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="specops", description=__doc__.splitlines()[0] if __doc__ else None
    )
    p.add_argument("--version", action="version", version=f"specops {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def target(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("file", help="spec file (.toml, .yaml) or Python deploy (.py)")
        sp.add_argument("-i", "--inventory", help="hosts and groups from this file instead")
        sp.add_argument(
            "--limit",
            action="append",
            metavar="PATTERN",
            help="only these hosts: names, groups, globs (web*), !exclusions; repeatable",
        )
        sp.add_argument(
            "--var",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="set a variable (highest precedence); VALUE is JSON when it parses, else text",
        )
        sp.add_argument(
            "--tags",
            action="append",
            default=[],
            metavar="TAG",
            help="only ops with one of these tags (and the handlers they notify)",
        )
        sp.add_argument(
            "--skip-tags",
            action="append",
            default=[],
            metavar="TAG",
            help="leave out ops with these tags",
        )

    def runtime(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--parallel", type=int, metavar="N", help="hosts at once (default: up to 32)"
        )
        sp.add_argument("--json", action="store_true", help="print JSON instead of text")
        sp.add_argument(
            "--accept-new-host-keys",
            action="store_true",
            help="trust SSH host keys not yet in known_hosts (changed keys are still refused)",
        )

    c = sub.add_parser("compile", help="compile to the operation IR")
    target(c)
    c.add_argument("--emit", choices=["ir"], default="ir", help="what to print (default: ir)")
    c.add_argument("--origins", action="store_true", help="include source locations of each op")
    c.add_argument("--no-optimize", action="store_true", help="skip the optimizer")
    c.add_argument(
        "--facts", metavar="FILE", help="host facts from this JSON file (compile offline)"
    )

    v = sub.add_parser("vars", help="show the variables a host sees and where each came from")
    target(v)
    v.add_argument("host", help="the host")
    v.add_argument("--json", action="store_true", help="print JSON instead of a table")

    pl = sub.add_parser("plan", help="show what would change on each host (dry run)")
    target(pl)
    runtime(pl)
    pl.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when nothing would change, 2 when something would, 1 on error",
    )

    ap = sub.add_parser("apply", help="show the plan, then make it so")
    target(ap)
    runtime(ap)
    ap.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

    sub.add_parser("ops", help="list the operations")
    sub.add_parser("schema", help="print the JSON Schema of spec files")
    adhoc.add_parsers(sub)
    return p


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
    if not sys.stdin.isatty():
        return True
    answer = console.input("\nApply these changes? Only 'yes' is accepted: ")
    return answer.strip().lower() == "yes"


def _plan_exit(plans: Sequence[HostPlan], detailed: bool) -> int:
    if any(p.error or any(o.error for o in p.ops) for p in plans):
        return EXIT_ERROR
    return EXIT_CHANGES if detailed and any(p.changed for p in plans) else EXIT_OK


def _apply_exit(results: Sequence[HostResult]) -> int:
    if any(r.failed and not r.unreachable for r in results):
        return EXIT_FAILED
    if any(r.unreachable for r in results):
        return EXIT_UNREACHABLE
    return EXIT_OK


def _cmd_ops(out: Console) -> int:
    for op in CATALOG:
        out.print(f"[bold]{op.kind:<20}[/] {op.summary}")
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in adhoc.COMMANDS:
        return adhoc.run(args, argv)
    out = Console(highlight=False, soft_wrap=True)
    if args.command == "ops":
        return _cmd_ops(out)
    if args.command == "schema":
        sys.stdout.write(json.dumps(spec_schema(CATALOG), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if args.command == "compile":
        facts = JsonFacts(args.facts) if args.facts else None
        program = compile_file(
            args.file, CATALOG, _options(args, facts=facts, optimized=not args.no_optimize)
        )
        sys.stdout.write(to_json(program, origins=args.origins))
        return EXIT_OK
    if args.command == "vars":
        return _cmd_vars(out, args)
    pool = Pool(args.accept_new_host_keys)
    try:
        return _run(out, args, pool)
    finally:
        pool.close()


def _inventory_for_facts(args: argparse.Namespace) -> Any:
    if args.inventory:
        return load_inventory(args.inventory)
    if args.file.endswith(".py"):
        return DEFAULT_INVENTORY
    return read_spec(load(args.file)).inventory or DEFAULT_INVENTORY


def _cmd_vars(out: Console, args: argparse.Namespace) -> int:
    rows = explain_vars(args.file, CATALOG, args.host, _options(args))
    if args.json:
        doc = [
            {"name": n, "value": v, "from": o.label, "at": str(o.span) if o.span else None}
            for n, v, o in rows
        ]
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return EXIT_OK
    table = Table(box=None, header_style="bold")
    for column in ("name", "value", "from", "at"):
        table.add_column(column, no_wrap=column != "value", overflow="fold")
    for name, value, origin in rows:
        shown = json.dumps(value, ensure_ascii=False, default=str)
        table.add_row(name, shown, origin.label, str(origin.span) if origin.span else "")
    out.print(table)
    return EXIT_OK


def _run(out: Console, args: argparse.Namespace, pool: Pool) -> int:
    source = HostFactSource(pool, _inventory_for_facts(args))
    program = compile_file(args.file, CATALOG, _options(args, facts=source))
    with Runner(
        program,
        parallel=args.parallel,
        connector=lambda hp: pool.get(hp.name, hp.connection),
    ) as r:
        plans = r.plan()
        if args.command == "plan":
            if args.json:
                print(json.dumps(plan_json(plans), indent=2, ensure_ascii=False))
            else:
                print_plan(out, plans)
            return _plan_exit(plans, args.detailed_exitcode)
        if not args.json:
            print_plan(out, plans)
        if any(p.changed for p in plans) and not args.yes and not _confirm(out):
            out.print("Apply cancelled.")
            return EXIT_ERROR
        results = r.apply()
        if args.json:
            print(json.dumps(results_json(results), indent=2, ensure_ascii=False))
        else:
            out.print()
            print_results(out, results)
        return _apply_exit(results)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except SpecError as e:
        print(render_all(e.diagnostics), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
