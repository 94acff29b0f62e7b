"""Scheduled and mounted things, and scripts: server.crontab, server.mount, server.script.

Edits computed from what the plan read (a crontab, /etc/fstab) are
compare-and-swap on the host: if the table changed since the plan, the op
fails with "plan again" rather than overwrite someone else's entry.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.reach import ANYTHING, Reach, of_paths
from specops.runtime.core.words import check_absolute, check_one_line
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.server import Crontab, Mount, Mounts
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)
from specops.runtime.kit.filestate import unified_diff
from specops.runtime.operations.server.shell import (
    guard_done,
    guard_effects,
    guard_facts,
    guard_reads,
    guarded,
)

# -- server.crontab -------------------------------------------------------------------


@dataclass(frozen=True)
class CrontabArgs:
    name: str = arg(
        doc="Names the entry; specops marks it with a '# specops: NAME' comment.",
        check=check_one_line,
    )
    command: str = arg(doc="The command cron runs.")
    schedule: str = arg(
        "* * * * *",
        doc='Five cron fields or a nickname, e.g. "*/5 * * * *" or "@daily".',
        check=lambda v: (
            None
            if len(v.split()) == 5 or (v.startswith("@") and len(v.split()) == 1)
            else f"{v!r} is not five cron fields or an @nickname"
        ),
    )
    user: str = arg("root", doc="Whose crontab.")
    present: bool = arg(True, doc="false removes the entry.")


def edit_crontab(text: str, a: CrontabArgs) -> str:
    """The crontab after ensuring the named entry (pure)."""
    marker = f"# specops: {a.name}"
    lines, out, skip = text.splitlines(), [], False
    for line in lines:
        if skip:
            skip = False
            continue
        if line == marker:
            skip = True
            continue
        out.append(line)
    if a.present:
        out += [marker, f"{a.schedule} {a.command}"]
    return "".join(x + "\n" for x in out)


@register
class CrontabOp(Operation[CrontabArgs]):
    """Ensure a named entry is in a user's crontab (other entries are left alone).

    Needs cron installed (it may be installed earlier in the same run).
    Example: ``[ops.backup] op = "server.crontab"  name = "backup"  schedule = "@daily"
    command = "/usr/local/bin/backup"``
    """

    kind = "server.crontab"
    declares = Declares(identity=("user", "name"), refers=(("user", "user"),))

    def facts(self, a: CrontabArgs) -> list[FactRef[Any]]:
        return [Crontab.ref(user=a.user)]

    def plan(self, a: CrontabArgs, f: Facts) -> list[Change]:
        cur = f[Crontab.ref(user=a.user)]
        new = edit_crontab(cur or "", a)
        if new == cur or (cur is None and not a.present):
            return []
        # The fact reads the table through "$(crontab -l)" plus one newline: compare the same way.
        expect = hashlib.sha256(encode(cur)).hexdigest() if cur is not None else "none"
        cmd = sh(
            raw("if c=$(crontab -l -u"),
            a.user,
            raw("2>/dev/null); then h=$(printf '%s\\n' \"$c\" | sha256sum | cut -c1-64);"),
            raw("else h=none; fi;"),
            raw('if [ "$h" ='),
            expect,
            raw("]; then printf %s"),
            base64.b64encode(encode(new)).decode(),
            raw("| base64 -d | crontab -u"),
            a.user,
            raw("-; else echo"),
            f"the crontab of {a.user} changed since the plan; plan again",
            raw(">&2; exit 1; fi"),
        )
        act = Action.UPDATE if cur is not None else Action.CREATE
        verb = "add or update" if a.present else "remove"
        return [
            Change(
                act,
                f"{verb} cron entry {a.name} for {a.user}",
                (cmd,),
                unified_diff(
                    f"crontab -u {a.user}", encode(cur) if cur is not None else None, encode(new)
                ),
            )
        ]

    def effects(self, a: CrontabArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        cur = f[Crontab.ref(user=a.user)]
        if cur is None and not a.present:
            return {}  # no crontab before, none after
        # As the fact reads it back: "$(crontab -l)" plus one newline (an emptied table: "\n").
        return {Crontab.ref(user=a.user): edit_crontab(cur or "", a).rstrip("\n") + "\n"}


# -- server.mount ---------------------------------------------------------------------


@dataclass(frozen=True)
class MountArgs:
    path: str = arg(doc="The mount point (created when missing).", check=check_absolute)
    source: str = arg(
        "none",
        doc="What to mount: a device, UUID=…, a remote, or none for tmpfs.",
        check=check_one_line,
    )
    fstype: str = arg("auto", doc="File system type, e.g. ext4, tmpfs, nfs.", check=check_one_line)
    options: str = arg("defaults", doc="Mount options for /etc/fstab.", check=check_one_line)
    mounted: bool = arg(True, doc="Mount it now too (false: only the fstab entry).")
    present: bool = arg(True, doc="false removes the fstab entry and unmounts.")


FSTAB = "/etc/fstab"


def edit_fstab(text: str, a: MountArgs) -> str:
    """/etc/fstab with exactly one entry for ``a.path`` (or none), others untouched (pure)."""
    entry = f"{a.source} {a.path} {a.fstype} {a.options} 0 0"
    out, done = [], False
    for line in text.splitlines():
        fields = line.split()
        if fields and not line.lstrip().startswith("#") and len(fields) > 1 and fields[1] == a.path:
            if a.present and not done:
                out.append(line if fields[:4] == entry.split()[:4] else entry)
                done = True
            continue
        out.append(line)
    if a.present and not done:
        out.append(entry)
    return "".join(x + "\n" for x in out)


@register
class MountOp(Operation[MountArgs]):
    """Ensure a file system is in /etc/fstab and mounted (or neither).

    An existing mount with other options is not remounted; unmount it first.
    Example: ``[ops.scratch] op = "server.mount"  path = "/mnt/scratch"  fstype = "tmpfs"
    options = "size=64m"``
    """

    kind = "server.mount"
    declares = Declares(identity=("path",), resource="path", container=True, tree=True)

    def reach(self, a: MountArgs) -> Reach:
        return of_paths(a.path)

    def facts(self, a: MountArgs) -> list[FactRef[Any]]:
        return [Mounts.ref(), *content_facts(FSTAB), FileInfo.ref(path=a.path)]

    def plan(self, a: MountArgs, f: Facts) -> list[Change]:
        _, cur = current(FSTAB, f)
        text = text_of(cur, FSTAB)
        out = ensure_content(FSTAB, encode(edit_fstab(text, a)), f, exact=False, what="fstab")
        mounted = a.path in f[Mounts.ref()]
        if a.present and a.mounted and not mounted:
            cmds = [] if f[FileInfo.ref(path=a.path)] else [sh("mkdir", "-p", "--", a.path)]
            cmds.append(sh(raw("mountpoint -q --"), a.path, raw("|| mount --"), a.path))
            out.append(Change(Action.CREATE, f"mount {a.path}", tuple(cmds)))
        elif not a.present and mounted:
            out.append(
                Change(
                    Action.DELETE,
                    f"unmount {a.path}",
                    (sh(raw("! mountpoint -q --"), a.path, raw("|| umount --"), a.path),),
                )
            )
        return out

    def effects(self, a: MountArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        text = text_of(current(FSTAB, f)[1], FSTAB)
        mounts = f[Mounts.ref()].copy()
        out: dict[FactRef[Any], Any] = dict(content_effects(FSTAB, encode(edit_fstab(text, a)), f))
        if a.present and a.mounted:
            mounts.setdefault(a.path, Mount(a.source, a.fstype, a.options))
            if f[FileInfo.ref(path=a.path)] is None:
                out[FileInfo.ref(path=a.path)] = FileStat("directory", "0755", "root", "root", 0)
        elif not a.present:
            mounts.pop(a.path, None)
        out[Mounts.ref()] = mounts
        return out


# -- server.script --------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptArgs:
    src: str = arg(
        local_path=True, doc="The script on the controller (any interpreter via its #! line)."
    )
    args: list[str] = arg(default_factory=list, doc="Arguments passed to the script.")
    creates: str | None = arg(
        None, doc="Skip when this absolute path exists on the host.", check=check_absolute
    )
    unless: str | None = arg(None, doc="Skip when this read-only shell check exits 0 on the host.")
    changes: list[str] | None = arg(
        None,
        doc="Paths the command may change (files at or below them). Later ops that read "
        "other paths are planned before it runs; without it, they are planned again after "
        "it ran, as it may change anything.",
        check=lambda v: next(filter(None, map(check_absolute, v)), None),
    )


@register
class Script(Operation[ScriptArgs]):
    """Upload a script from the controller and run it, unless a guard says it is done.

    The script travels inside the apply script, runs from a private temp file, and
    is removed afterwards. Without ``creates``/``unless`` it runs on every apply.
    Example: ``[ops.setup] op = "server.script"  src = "scripts/setup.sh"
    creates = "/srv/app/.setup-done"``
    """

    kind = "server.script"

    def reach(self, a: ScriptArgs) -> Reach:
        return ANYTHING if a.changes is None else of_paths(*a.changes, a.creates)

    def reads(self, a: ScriptArgs) -> list[str]:
        return guard_reads(a.creates, a.unless)

    def facts(self, a: ScriptArgs) -> list[FactRef[Any]]:
        return guard_facts(a.creates, a.unless)

    def plan(self, a: ScriptArgs, f: Facts) -> list[Change]:
        if guard_done(a.creates, a.unless, f):
            return []
        try:
            data = Path(a.src).read_bytes()
        except OSError as e:
            raise PlanError(f"cannot read script {a.src}: {e.strerror}") from None
        run = sh(
            raw("s=$(mktemp) && printf %s"),
            base64.b64encode(data).decode(),
            raw('| base64 -d > "$s" && chmod 700 "$s" && if "$s"'),
            *a.args,
            raw('; then rm -f "$s"; else r=$?; rm -f "$s"; exit "$r"; fi'),
        )
        run = guarded(a.creates, a.unless, run)
        return [
            Change(
                Action.RUN,
                f"run script {Path(a.src).name} (sha256 {hashlib.sha256(data).hexdigest()[:12]})",
                (run,),
            )
        ]

    def effects(self, a: ScriptArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return guard_effects(a.creates, a.unless, f)


# -- server.limits --------------------------------------------------------------------


@dataclass(frozen=True)
class LimitsArgs:
    name: str = arg(
        doc="File name: /etc/security/limits.d/NAME.conf.",
        check=lambda v: (
            None
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", v)
            else f"{v!r} is not a plain name"
        ),
    )
    domain: str = arg(doc='Who: a user, "@group" or "*".', check=check_one_line)
    item: str = arg(doc="What, e.g. nofile, nproc, memlock, core.", check=check_one_line)
    value: str = arg(doc='The limit, e.g. "65536" or "unlimited".', check=check_one_line)
    type: Literal["soft", "hard", "-"] = arg("-", doc='soft, hard, or "-" for both.')


def _limits_path(a: LimitsArgs) -> str:
    return f"/etc/security/limits.d/{a.name}.conf"


def _limits(a: LimitsArgs) -> bytes:
    return f"# managed by specops\n{a.domain} {a.type} {a.item} {a.value}\n".encode()


@register
class Limits(Operation[LimitsArgs]):
    """Ensure a PAM resource limit (limits.conf syntax) in its own file under limits.d.

    Applies to sessions started after the change.
    Example: ``[ops.nofile] op = "server.limits"  name = "app-nofile"  domain = "app"
    item = "nofile"  value = "65536"``
    """

    kind = "server.limits"
    declares = Declares(identity=("name",))

    def attributes(self, a: LimitsArgs) -> list[PathAttrs]:
        return attrs_of(_limits_path(a), "0644")

    def facts(self, a: LimitsArgs) -> list[FactRef[Any]]:
        return content_facts(_limits_path(a))

    def plan(self, a: LimitsArgs, f: Facts) -> list[Change]:
        return ensure_content(_limits_path(a), _limits(a), f, mode="0644", what="limits file")

    def effects(self, a: LimitsArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(_limits_path(a), _limits(a), f, mode="0644")
