"""Server operations: shell commands with ``creates`` / ``unless`` guards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import arg

from .command import Command, raw, sh
from .facts import Fact, FactRef, Facts, Guess
from .files import check_absolute
from .files_facts import FileInfo, FileStat
from .operation import Action, Change, Operation, register


class CommandStatus(Fact[int]):
    """The exit status of a read-only check command (used by ``unless``)."""

    @classmethod
    def command(cls, **params: str) -> Command:
        return sh("sh", "-c", params["command"], raw(">/dev/null 2>&1 </dev/null; echo $?"))

    @classmethod
    def parse(cls, output: str) -> int:
        return int(output.strip())


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


@register
class Shell(Operation[ShellArgs]):
    """Run a shell command, unless a guard says its work is already done.

    Without a guard the command runs on every apply. The guard is checked in the
    plan and again on the host right before the command runs.
    Example: ``[ops.init] op = "server.shell"  command = "app init"  creates = "/srv/app/.init"``
    """

    kind = "server.shell"
    Args = ShellArgs

    def facts(self, a: ShellArgs) -> list[FactRef[Any]]:
        refs: list[FactRef[Any]] = []
        if a.creates:
            refs.append(FileInfo.ref(path=a.creates))
        if a.unless:
            refs.append(CommandStatus.ref(command=a.unless))
        return refs

    def plan(self, a: ShellArgs, f: Facts) -> list[Change]:
        if a.creates and f[FileInfo.ref(path=a.creates)] is not None:
            return []
        if a.unless and f[CommandStatus.ref(command=a.unless)] == 0:
            return []
        run = sh("sh", "-c", a.command)
        if a.creates:
            run = sh(raw("[ -e"), a.creates, raw("] ||")) + run
        if a.unless:
            run = sh(raw("sh -c"), a.unless, raw(">/dev/null 2>&1 </dev/null ||")) + run
        return [Change(Action.RUN, f"run {a.command}", (run,))]

    def effects(self, a: ShellArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        out: dict[FactRef[Any], Any] = {}
        if a.creates and f[FileInfo.ref(path=a.creates)] is None:
            # The command should create it; what it creates (type, mode) is its own business.
            out[FileInfo.ref(path=a.creates)] = Guess(FileStat("file", "0644", "root", "root", 0))
        if a.unless:
            out[CommandStatus.ref(command=a.unless)] = 0
        return out
