"""Server operations: shell commands with ``creates`` / ``unless`` guards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import arg
from specops.runtime.core.command import SENSITIVE, Command, raw, secret, sh
from specops.runtime.core.fact import FactRef, Facts, Guess
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.core.reach import ANYTHING, Reach, of_paths
from specops.runtime.core.words import check_absolute
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.server import CommandStatus


def shell(command: str) -> Command:
    """``sh -c COMMAND``; a sensitive command runs from a private temp file instead, so
    it is never on a command line, where ``ps`` shows it to every local user."""
    if not SENSITIVE.get():
        return sh("sh", "-c", command)
    return sh(
        raw("{ t=$(mktemp) && printf '%s\\n'"),
        secret(command),
        raw('> "$t" && sh "$t" </dev/null; rc=$?; rm -f -- "$t"; [ "$rc" -eq 0 ]; }'),
    )


def guard_facts(creates: str | None, unless: str | None) -> list[FactRef[Any]]:
    """The facts ``creates``/``unless`` guards read (``server.shell``, ``server.script``)."""
    refs: list[FactRef[Any]] = []
    if creates:
        refs.append(FileInfo.ref(path=creates))
    if unless:
        refs.append(CommandStatus.ref(command=unless))
    return refs


def guard_done(creates: str | None, unless: str | None, f: Facts) -> bool:
    """Whether a guard says the work is already done."""
    if creates and f[FileInfo.ref(path=creates)] is not None:
        return True
    return bool(unless and f[CommandStatus.ref(command=unless)] == 0)


def guarded(creates: str | None, unless: str | None, run: Command) -> Command:
    """``run``, checked again on the host right before it runs."""
    if creates:
        run = sh(raw("[ -e"), creates, raw("] ||")) + run
    if unless:
        run = sh(raw("sh -c"), unless, raw(">/dev/null 2>&1 </dev/null ||")) + run
    return run


_PATH_IN_COMMAND = re.compile(r"(?<![\w.$~-])(/[\w.@%+,:=-]+(?:/[\w.@%+,:=-]+)*)")


def guard_reads(creates: str | None, unless: str | None) -> list[str]:
    """The paths a guard reads: ``creates``, and the absolute paths ``unless`` names."""
    found = [creates] if creates else []
    if unless:
        found += [p for p in dict.fromkeys(_PATH_IN_COMMAND.findall(unless)) if p not in found]
    return found


def guard_effects(creates: str | None, unless: str | None, f: Facts) -> dict[FactRef[Any], Any]:
    out: dict[FactRef[Any], Any] = {}
    if creates and f[FileInfo.ref(path=creates)] is None:
        # The command should create it; what it creates (type, mode) is its own business.
        out[FileInfo.ref(path=creates)] = Guess(FileStat("file", "0644", "root", "root", 0))
    if unless:
        out[CommandStatus.ref(command=unless)] = 0
    return out


@dataclass(frozen=True)
class ShellArgs:
    command: str = arg(doc="Shell code to run with /bin/sh.")
    creates: str | None = arg(
        None,
        doc="Skip when this absolute path exists; the command creates it.",
        check=check_absolute,
    )
    unless: str | None = arg(
        None,
        doc="Skip when this read-only check command exits 0. It also "
        "runs during plans, so it must not change anything.",
    )
    changes: list[str] | None = arg(
        None,
        doc="Paths the command may change (files at or below them). Later ops that read "
        "other paths are planned before it runs; without it, they are planned again after "
        "it ran, as it may change anything.",
        check=lambda v: next(filter(None, map(check_absolute, v)), None),
    )


@register
class Shell(Operation[ShellArgs]):
    """Run a shell command, unless a guard says its work is already done.

    Without a guard the command runs on every apply. The guard is checked in the
    plan and again on the host right before the command runs.
    Example: ``[ops.init] op = "server.shell"  command = "app init"  creates = "/srv/app/.init"``
    """

    kind = "server.shell"

    def reach(self, a: ShellArgs) -> Reach:
        return ANYTHING if a.changes is None else of_paths(*a.changes, a.creates)

    def reads(self, a: ShellArgs) -> list[str]:
        return guard_reads(a.creates, a.unless)

    def facts(self, a: ShellArgs) -> list[FactRef[Any]]:
        return guard_facts(a.creates, a.unless)

    def plan(self, a: ShellArgs, f: Facts) -> list[Change]:
        if guard_done(a.creates, a.unless, f):
            return []
        run = guarded(a.creates, a.unless, shell(a.command))
        return [Change(Action.RUN, f"run {a.command}", (run,))]

    def effects(self, a: ShellArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return guard_effects(a.creates, a.unless, f)
