"""Ad-hoc commands: ``specops run`` and ``specops facts``, on targets named on the command line.

    specops run TARGETS -- uptime                          a shell command on every host
    specops run TARGETS files.directory path=/srv/x        one op: planned, then applied
    specops run TARGETS files.directory path=/srv/x --plan a dry run
    specops facts TARGETS [FACT [ARG=VALUE…]…]             facts as a table, or --json

TARGETS is a comma list of ``@local``, ``user@host:port``, ``@docker/NAME``,
``@chroot/DIR``, ``@kubectl/[NAMESPACE/]POD``, or, with ``-i FILE``, host and
group names and globs of that inventory (``compiler/targets.py``). An op goes
through the same catalog validation, IR, optimizer and executor as a spec
(``compiler/adhoc.py``); a command or a fact read goes straight to the
connectors (``runtime/engine/fanout.py``). Mistakes are diagnostics with a caret in
the command line. Exit codes are the CLI's: 0 ok, 1 a user error, 3 some host
failed, 4 some host was unreachable (and none failed).
"""

from __future__ import annotations

import argparse
import base64
import codecs
import dataclasses
import json
import sys
import threading
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from specops.compiler import messages as m
from specops.compiler.adhoc import build_program
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, SpecError, diag, render_all, suggest
from specops.compiler.frontend import load_inventory
from specops.compiler.inventory import Host, Inventory
from specops.compiler.targets import is_literal, read_targets, ssh_options
from specops.compiler.terminal import printable
from specops.exitcodes import Exit, apply_exit, plan_exit
from specops.runtime.catalog import CATALOG
from specops.runtime.connectors import become
from specops.runtime.core.fact import Fact, FactRef
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.fanout import CommandOutcome, FactsOutcome, read_facts, run_command
from specops.runtime.engine.render import plan_json, print_plan, print_results, results_json

COMMANDS = ("run", "facts")

# Read when no FACT is named: the first of these that exist, else file info of "/".
DEFAULT_FACTS = ("host.Uname", "host.OsRelease")
FALLBACK_FACT = ("files.FileInfo", {"path": "/"})


def _options(p: argparse.ArgumentParser, *, run: bool) -> None:
    p.add_argument("-i", "--inventory", help="hosts and groups from this file (TARGETS names them)")
    p.add_argument("--key", metavar="FILE", help="SSH identity file for user@host targets")
    p.add_argument("--known-hosts", metavar="FILE", help="known_hosts file for user@host targets")
    p.add_argument(
        "--accept-new-host-keys",
        action="store_true",
        help="trust SSH host keys not yet in known_hosts (changed keys are still refused)",
    )
    p.add_argument("--parallel", type=int, metavar="N", help="hosts at once (default: up to 32)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    if run:
        p.add_argument("--plan", action="store_true", help="an op: only show what would change")
        p.add_argument(
            "--stream", action="store_true", help="a command: print lines as they come, prefixed"
        )
        p.add_argument("--timeout", type=float, metavar="SECONDS", help="a command: time limit")
        p.add_argument("--become", action="store_true", help="a command: run it through sudo -n")
        p.add_argument(
            "--become-user", default="root", metavar="USER", help="with --become (default: root)"
        )


def add_parsers(sub: Any) -> None:
    """Add ``run`` and ``facts`` to the CLI's subcommands."""
    r = sub.add_parser(
        "run",
        help="run a shell command (after --) or one operation on targets",
        description="specops run TARGETS -- COMMAND…  |  specops run TARGETS OP NAME=VALUE…",
    )
    r.add_argument("targets", metavar="TARGETS", help="@local, user@host:port, @docker/NAME, …")
    r.add_argument("words", nargs=argparse.REMAINDER, metavar="-- COMMAND | OP NAME=VALUE")
    _options(r, run=True)
    f = sub.add_parser("facts", help="read facts from targets")
    f.add_argument("targets", metavar="TARGETS", help="@local, user@host:port, @docker/NAME, …")
    f.add_argument("words", nargs=argparse.REMAINDER, metavar="FACT NAME=VALUE")
    _options(f, run=False)


def run(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    """Dispatch ``specops run`` / ``specops facts``; user errors are rendered here."""

    raw = list(argv) if argv is not None else sys.argv[1:]
    cl = CommandLine.of(raw)
    out = Console(highlight=False, soft_wrap=True)
    try:
        if args.command == "run":
            return _run(args, cl, out)
        return _facts(args, cl, out)
    except SpecError as e:
        print(render_all(e.diagnostics, cl.sources), file=sys.stderr)
        return Exit.ERROR


# -- reading the command line ----------------------------------------------------------


def _split(args: argparse.Namespace, cl: CommandLine) -> tuple[int, list[int], list[str] | None]:
    """The TARGETS index, the indices of the positional words, and the command after ``--``.

    argparse leaves options given after TARGETS among ``args.words`` and drops the
    ``--``, so both are recovered from the raw argv here.
    """
    at = cl.find(args.command) or 0
    ti = cl.find(args.targets, at + 1)
    ti = ti if ti is not None else at + 1
    dash = cl.find("--", ti + 1)
    command = list(cl.args[dash + 1 :]) if dash is not None else None
    before = args.words[: len(args.words) - len(command)] if command is not None else args.words
    p = argparse.ArgumentParser(prog=f"specops {args.command}", add_help=False)
    _options(p, run=args.command == "run")
    p.add_argument("words", nargs="*")
    ns, extra = p.parse_known_intermixed_args(before)
    for action in p._actions:  # options given after TARGETS count like the ones before
        value = getattr(ns, action.dest, None)
        if action.dest == "words" or value != action.default:
            setattr(args, action.dest, value)
    c = Collector()
    for word in extra:
        i = cl.find(word, ti + 1)
        c.add(
            diag(
                m.BAD_VALUE,
                cl.span(i) if i is not None else None,
                what=f"option {word}",
                detail="is not an option of this command",
                hint=f"specops {args.command} --help lists them",
            )
        )
    c.check()
    indices: list[int] = []
    cursor = ti + 1
    for word in args.words:
        i = cl.find(word, cursor)
        if i is None or (dash is not None and i > dash):
            break
        indices.append(i)
        cursor = i + 1
    return ti, indices, command


def _hosts(args: argparse.Namespace, cl: CommandLine, ti: int) -> Inventory:
    inv = load_inventory(args.inventory) if args.inventory else None
    c = Collector()
    hosts = read_targets(
        args.targets,
        lambda a, b: cl.span(ti, a, b),
        c,
        inventory=inv,
        options=ssh_options(args.key, args.known_hosts),
    )
    if not hosts.hosts and not c.diagnostics:
        c.add(diag(m.UNKNOWN_HOST, cl.span(ti), name=args.targets, hint="no host matched"))
    c.check()
    return hosts


# -- specops run -----------------------------------------------------------------------


def _run(args: argparse.Namespace, cl: CommandLine, out: Console) -> int:
    ti, words, command = _split(args, cl)
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
    hosts = _hosts(args, cl, ti)
    if command is not None:
        text = command[0] if len(command) == 1 else " ".join(command)
        return _run_command(args, hosts.hosts, text, out)
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
    program = build_program(cl, words, CATALOG, hosts, c)
    c.check()
    assert program is not None  # no diagnostics means it was built
    return _run_op(args, program, out)


def _run_op(args: argparse.Namespace, program: Any, out: Console) -> int:

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


# -- specops facts ---------------------------------------------------------------------


def _fact_refs(cl: CommandLine, words: Sequence[int]) -> list[FactRef[Any]]:
    """``FACT [NAME=VALUE…]`` groups of words as fact references (defaults when none)."""
    c = Collector()
    groups: list[tuple[int, type[Fact[Any]] | None, dict[str, str]]] = []
    for i in words:
        word = cl.args[i]
        name, eq, value = word.partition("=")
        if eq and name:
            if not groups:
                c.add(
                    diag(
                        m.BAD_VALUE,
                        cl.span(i),
                        what=f"argument {word!r}",
                        detail="comes before any FACT",
                        hint="write the fact first: specops facts TARGETS files.FileInfo path=/",
                    )
                )
            else:
                groups[-1][2][name] = value
            continue
        fact = Fact.registry.get(word)
        if fact is None:
            c.add(
                diag(
                    m.BAD_VALUE,
                    cl.span(i),
                    what=f'fact "{word}"',
                    detail="there is no such fact",
                    hint=suggest(word, Fact.registry)
                    or "facts: " + ", ".join(sorted(Fact.registry)),
                )
            )
        groups.append((i, fact, {}))
    refs: list[FactRef[Any]] = []
    for i, fact, params in groups:
        if fact is None:
            continue
        ref = fact.ref(**params)
        try:
            ref.command()
        except KeyError as e:
            missing = str(e.args[0])
            typo = next((suggest(p, [missing]) for p in params if suggest(p, [missing])), None)
            c.add(diag(m.MISSING_ARG, cl.span(i), kind=fact.name, name=missing, hint=typo))
            continue
        refs.append(ref)
    c.check()
    if not groups:
        refs = [Fact.registry[n].ref() for n in DEFAULT_FACTS if n in Fact.registry]
        if not refs:
            name, params = FALLBACK_FACT
            refs = [Fact.registry[name].ref(**params)]
    return refs


def _facts(args: argparse.Namespace, cl: CommandLine, out: Console) -> int:

    ti, words, command = _split(args, cl)
    if command is not None:
        i = cl.find("--", ti + 1)
        raise SpecError(
            [
                diag(
                    m.BAD_VALUE,
                    cl.span(i) if i is not None else None,
                    what="specops facts",
                    detail="takes FACT NAME=VALUE, not a command",
                    hint="to run a command: specops run TARGETS -- COMMAND",
                )
            ]
        )
    refs = _fact_refs(cl, words)
    hosts = _hosts(args, cl, ti)
    outcomes = read_facts(
        hosts.hosts,
        refs,
        parallel=args.parallel,
        accept_new_host_keys=args.accept_new_host_keys,
    )
    if args.json:
        print(json.dumps(_facts_json(outcomes), indent=2, ensure_ascii=False))
    else:
        out.print(_facts_table(outcomes))
    if any(o.error and not o.unreachable for o in outcomes):
        return Exit.FAILED
    return Exit.UNREACHABLE if any(o.unreachable for o in outcomes) else Exit.OK


def jsonable(v: Any) -> Any:
    """A fact value as JSON data: dataclasses as maps, bytes as text (or base64)."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: jsonable(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(v).decode("ascii")}
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [jsonable(x) for x in v]
    return v


def _show(v: Any) -> str:
    data = jsonable(v)
    if isinstance(data, dict):
        return "\n".join(
            f"{k}: {_show(x) if isinstance(x, dict | list) else x}" for k, x in data.items()
        )
    if data is None:
        return "none"
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def _facts_table(outcomes: Sequence[FactsOutcome]) -> Table:
    table = Table(show_lines=True)
    for col in ("host", "fact", "value"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        if o.error:
            label = "unreachable" if o.unreachable else "error"
            msg = f"{label}: {o.error}" + (f"\nhint: {o.hint}" if o.hint else "")
            table.add_row(printable(o.host), "", Text(printable(msg), style="red"))
            continue
        for ref, value in o.values:
            table.add_row(printable(o.host), printable(str(ref)), Text(printable(_show(value))))
    return table


def _facts_json(outcomes: Sequence[FactsOutcome]) -> dict[str, Any]:
    return {
        "version": 1,
        "hosts": [
            {
                "name": o.host,
                "target": o.target,
                "error": o.error,
                "unreachable": o.unreachable,
                "facts": {str(ref): jsonable(v) for ref, v in o.values},
            }
            for o in outcomes
        ],
    }
