"""``specops facts TARGETS [FACT [NAME=VALUE…]…]``: read facts on demand, as a table or JSON.

The fact names and their parameters are checked like an op's arguments, and located
on the command line when wrong; with no fact named, the host's identity is shown.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from specops.adhoc_targets import hosts, split
from specops.compiler import messages as m
from specops.compiler.adhoc import read_args
from specops.compiler.catalog import validate_args
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, SpecError, diag, suggest
from specops.compiler.terminal import printable
from specops.exitcodes import Exit
from specops.runtime.core.fact import Fact, FactRef
from specops.runtime.engine.fanout import FactsOutcome, read_facts

# Read when no FACT is named: the first of these that exist, else file info of "/".
DEFAULT_FACTS = ("host.Uname", "host.OsRelease")

FALLBACK_FACT = ("files.FileInfo", {"path": "/"})


def fact_refs(cl: CommandLine, words: Sequence[int]) -> list[FactRef[Any]]:
    """``FACT [NAME=VALUE…]`` groups of words as fact references (defaults when none).

    A fact's parameters are read and checked like an op's arguments (the same reader
    and ``validate_args``): unknown or missing names, wrong values, with their place."""
    c = Collector()
    groups: list[tuple[int, type[Fact[Any]] | None, list[int]]] = []
    for i in words:
        word = cl.args[i]
        name, eq, _ = word.partition("=")
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
                groups[-1][2].append(i)
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
        groups.append((i, fact, []))
    refs: list[FactRef[Any]] = []
    for i, fact, given in groups:
        if fact is None:
            continue
        sig = fact.signature()
        raw, keys, values, failed = read_args(cl, given, sig, c)
        params, problems = validate_args(
            sig, raw, keys.__getitem__, values.__getitem__, cl.span(i), failed
        )
        c.extend(problems)
        if params is not None and not problems:
            refs.append(fact.ref(**{k: v for k, v in params.items() if v is not None}))
    c.check()
    if not groups:
        refs = [Fact.registry[n].ref() for n in DEFAULT_FACTS if n in Fact.registry]
        if not refs:
            name, params = FALLBACK_FACT
            refs = [Fact.registry[name].ref(**params)]
    return refs


def facts(args: argparse.Namespace, cl: CommandLine, out: Console) -> int:

    ti, words, command = split(args, cl)
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
    refs = fact_refs(cl, words)
    inventory = hosts(args, cl, ti)
    outcomes = read_facts(
        inventory.hosts,
        refs,
        parallel=args.parallel,
        accept_new_host_keys=args.accept_new_host_keys,
    )
    if args.json:
        print(json.dumps(facts_json(outcomes), indent=2, ensure_ascii=False))
    else:
        out.print(facts_table(outcomes))
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


def show(v: Any) -> str:
    data = jsonable(v)
    if isinstance(data, dict):
        return "\n".join(
            f"{k}: {show(x) if isinstance(x, dict | list) else x}" for k, x in data.items()
        )
    if data is None:
        return "none"
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def facts_table(outcomes: Sequence[FactsOutcome]) -> Table:
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
            table.add_row(printable(o.host), printable(str(ref)), Text(printable(show(value))))
    return table


def facts_json(outcomes: Sequence[FactsOutcome]) -> dict[str, Any]:
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
