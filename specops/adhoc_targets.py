"""What ``specops run`` and ``specops facts`` share: TARGETS and the words after them.

argparse leaves options given after TARGETS among the positional words and drops the
``--``; both are recovered from the raw argv here, with spans for located errors.
"""

from __future__ import annotations

import argparse

from specops.compiler import messages as m
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, diag
from specops.compiler.frontend import load_inventory
from specops.compiler.inventory import Inventory
from specops.compiler.targets import read_targets, ssh_options


def split(args: argparse.Namespace, cl: CommandLine) -> tuple[int, list[int], list[str] | None]:
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
    add_options(p, run=args.command == "run")
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


def hosts(args: argparse.Namespace, cl: CommandLine, ti: int) -> Inventory:
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


def add_options(p: argparse.ArgumentParser, *, run: bool) -> None:
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
