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
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console

from specops import adhoc_facts, adhoc_run
from specops.adhoc_targets import add_options
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import SpecError, render_all
from specops.exitcodes import Exit

COMMANDS = ("run", "facts")


def add_parsers(sub: Any) -> None:
    """Add ``run`` and ``facts`` to the CLI's subcommands."""
    r = sub.add_parser(
        "run",
        help="run a shell command (after --) or one operation on targets",
        description="specops run TARGETS -- COMMAND…  |  specops run TARGETS OP NAME=VALUE…",
    )
    r.add_argument("targets", metavar="TARGETS", help="@local, user@host:port, @docker/NAME, …")
    r.add_argument("words", nargs=argparse.REMAINDER, metavar="-- COMMAND | OP NAME=VALUE")
    add_options(r, run=True)
    f = sub.add_parser("facts", help="read facts from targets")
    f.add_argument("targets", metavar="TARGETS", help="@local, user@host:port, @docker/NAME, …")
    f.add_argument("words", nargs=argparse.REMAINDER, metavar="FACT NAME=VALUE")
    add_options(f, run=False)


def run(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    """Dispatch ``specops run`` / ``specops facts``; user errors are rendered here."""

    raw = list(argv) if argv is not None else sys.argv[1:]
    cl = CommandLine.of(raw)
    out = Console(highlight=False, soft_wrap=True)
    try:
        if args.command == "run":
            return adhoc_run.run_words(args, cl, out)
        return adhoc_facts.facts(args, cl, out)
    except SpecError as e:
        print(render_all(e.diagnostics, cl.sources), file=sys.stderr)
        return Exit.ERROR


# -- reading the command line ----------------------------------------------------------


# -- specops run -----------------------------------------------------------------------


# -- specops facts ---------------------------------------------------------------------
