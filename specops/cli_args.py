"""The command line's words: every subcommand of ``specops`` and its options (argparse)."""

from __future__ import annotations

import argparse

from specops import __version__, adhoc


def parser() -> argparse.ArgumentParser:
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
        sp.add_argument(
            "--traceback",
            action="store_true",
            help="with an error raised by your Python code, show the whole traceback too",
        )

    def runtime(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--parallel", type=int, metavar="N", help="hosts at once (default: up to 32)"
        )
        sp.add_argument(
            "--stats",
            action="store_true",
            help="report round trips, bytes and time per phase for each host",
        )
        sp.add_argument(
            "--by-op",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="group the plan by op with a host count (default: from 10 hosts on)",
        )
        sp.add_argument(
            "--ask-become-pass",
            action="store_true",
            help="ask for the sudo password of ops with become (never logged)",
        )
        sp.add_argument(
            "--timeout",
            type=float,
            metavar="SECONDS",
            help="give up on a host whose fact read or apply script takes longer",
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
        "--explain", action="store_true", help="say what each optimizer pass did (on stderr)"
    )
    c.add_argument(
        "--facts", metavar="FILE", help="host facts from this JSON file (compile offline)"
    )

    v = sub.add_parser("vars", help="show the variables a host sees and where each came from")
    target(v)
    v.add_argument("host", help="the host")
    v.add_argument("--json", action="store_true", help="print JSON instead of a table")
    v.add_argument(
        "--accept-new-host-keys",
        action="store_true",
        help="trust SSH host keys not yet in known_hosts, for variables that read facts",
    )

    pl = sub.add_parser("plan", help="show what would change on each host (dry run)")
    target(pl)
    runtime(pl)
    pl.add_argument(
        "-o",
        "--out",
        metavar="FILE.plan",
        help="save the plan, to apply exactly it later: specops apply FILE.plan",
    )
    pl.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when nothing would change, 2 when something would, 1 on error",
    )

    ap = sub.add_parser("apply", help="show the plan, then make it so")
    target(ap)
    runtime(ap)
    ap.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    ap.add_argument(
        "--lock-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another apply on a host to finish (default: fail that host)",
    )
    ap.add_argument(
        "--no-lock", action="store_true", help="do not take the hosts' apply locks (see docs)"
    )
    ap.add_argument(
        "--serial",
        metavar="N|N%",
        help="apply in rolling batches of N hosts (or N%% of them), one batch at a time",
    )
    ap.add_argument(
        "--fail-percent",
        type=float,
        metavar="P",
        help="stop before the next batch once more than P%% of hosts failed",
    )

    sh = sub.add_parser("show", help="show a saved plan")
    sh.add_argument("file", help="a plan saved with plan -o")
    sh.add_argument("--json", action="store_true", help="print the versioned plan document")

    sub.add_parser("ops", help="list the operations")
    sub.add_parser("schema", help="print the JSON Schema of spec files")
    adhoc.add_parsers(sub)
    return p
