"""Accounts: server.user, server.group, server.sudoers.

Plans read the passwd and group databases (``server.Users``, ``server.Groups``);
commands are guarded on the host (``getent … || useradd``), so an account
created or removed since the plan is not an error.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import Command, Part, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.reach import NOTHING, Reach, of_paths
from specops.runtime.core.words import check_name
from specops.runtime.facts.server import Group, Groups, User, Users
from specops.runtime.kit.content import content_effects, content_facts, ensure_content


def _absent_or(kind: str, name: str, then: Command, present: bool = False) -> Command:
    """``then`` runs only if the account is (``present``) or is not in the database.

    Either way the guard itself never fails: an account already gone (or already
    there) when the apply runs is the state asked for, not an error.
    """
    test = sh(raw("getent"), kind, name, raw(">/dev/null"))
    if present:
        return sh(raw("if")) + test + sh(raw("; then")) + then + sh(raw("; fi"))
    return test + sh(raw("||")) + then


@dataclass(frozen=True)
class UserArgs:
    name: str = arg(doc="Login name.", check=check_name)
    present: bool = arg(
        True, doc="false removes the account (its home stays unless `remove_home`)."
    )
    uid: int | None = arg(None, doc="Numeric user id; set only when given.")
    group: str | None = arg(
        None, doc="Primary group name (must exist); default: a new group named after the user."
    )
    groups: list[str] = arg(
        default_factory=list,
        doc="Supplementary groups the user must be in (other memberships are left alone).",
    )
    home: str | None = arg(None, doc="Home directory; default /home/NAME.")
    shell: str | None = arg(None, doc="Login shell, e.g. /bin/bash.")
    comment: str | None = arg(None, doc="The GECOS field (full name).")
    system: bool = arg(False, doc="Create a system account (uid below 1000, no home).")
    remove_home: bool = arg(False, doc="With `present = false`, also remove the home directory.")


@register
class UserOp(Operation[UserArgs]):
    """Ensure a user account exists with the given attributes, or does not exist.

    Example: ``[ops.deploy] op = "server.user"  name = "deploy"  shell = "/bin/bash"
    groups = ["www-data"]``
    """

    kind = "server.user"
    declares = Declares(
        identity=("name",),
        resource="user",
        refers=(("group", "group"), ("groups", "group")),
        makes_dir=("home", "/home/{name}"),
    )

    def reach(self, a: UserArgs) -> Reach:
        home = a.home or f"/home/{a.name}"
        # useradd -m fills a new home from /etc/skel; userdel -r empties it
        return of_paths(home) if a.present or a.remove_home else NOTHING

    def facts(self, a: UserArgs) -> list[FactRef[Any]]:
        return [Users.ref(), Groups.ref()]

    def plan(self, a: UserArgs, f: Facts) -> list[Change]:
        users, groups = f[Users.ref()], f[Groups.ref()]
        u = users.get(a.name)
        if not a.present:
            if u is None:
                return []
            cmd = sh("userdel", *(["-r"] if a.remove_home else []), a.name)
            return [
                Change(
                    Action.DELETE,
                    f"remove user {a.name}",
                    (_absent_or("passwd", a.name, cmd, True),),
                )
            ]
        for g in [*([a.group] if a.group else []), *a.groups]:
            if g not in groups:
                raise PlanError(f"group {g!r} does not exist (declare it with server.group first)")
        if u is None:
            opts: list[Part] = []
            if a.uid is not None:
                opts += ["-u", str(a.uid)]
            if a.group:
                opts += ["-g", a.group]
            if a.groups:
                opts += ["-G", ",".join(a.groups)]
            if a.home:
                opts += ["-d", a.home]
            if a.shell:
                opts += ["-s", a.shell]
            if a.comment is not None:
                opts += ["-c", a.comment]
            opts += ["-r"] if a.system else ["-m"]
            cmd = _absent_or("passwd", a.name, sh("useradd", *opts, a.name))
            return [Change(Action.CREATE, f"create user {a.name}", (cmd,))]
        opts, what = [], []
        if a.uid is not None and u.uid != a.uid:
            opts += ["-u", str(a.uid)]
            what.append(f"uid {u.uid} → {a.uid}")
        if a.group and groups[a.group].gid != u.gid:
            opts += ["-g", a.group]
            what.append(f"group → {a.group}")
        missing = [g for g in a.groups if a.name not in groups[g].members]
        if missing:
            opts += ["-a", "-G", ",".join(missing)]
            what.append("add to " + ", ".join(missing))
        if a.home and u.home != a.home:
            opts += ["-d", a.home]
            what.append(f"home {u.home} → {a.home}")
        if a.shell and u.shell != a.shell:
            opts += ["-s", a.shell]
            what.append(f"shell {u.shell} → {a.shell}")
        if a.comment is not None and u.comment != a.comment:
            opts += ["-c", a.comment]
            what.append(f"comment → {a.comment!r}")
        if not opts:
            return []
        return [
            Change(
                Action.UPDATE, f"user {a.name}: " + ", ".join(what), (sh("usermod", *opts, a.name),)
            )
        ]

    def effects(self, a: UserArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        users, groups = f[Users.ref()].copy(), f[Groups.ref()].copy()
        if not a.present:
            gone = users.pop(a.name, None)
            groups = {
                n: replace(g, members=[m for m in g.members if m != a.name])
                for n, g in groups.items()
            }
            own = groups.get(a.name)
            others = [u for u in users.values() if own is not None and u.gid == own.gid]
            if gone is not None and own is not None and own.gid == gone.gid and not others:
                groups.pop(a.name)  # userdel removes the user's own group (USERGROUPS_ENAB)
            return {Users.ref(): users, Groups.ref(): groups}
        old = users.get(a.name)
        if a.group:
            gid = groups[a.group].gid
        elif old is not None:
            gid = old.gid
        else:
            gid = max([g.gid for g in groups.values() if g.gid < 60000] + [999]) + 1
            groups[a.name] = Group(gid, [])
        users[a.name] = User(
            a.uid if a.uid is not None else (old.uid if old else gid),
            gid,
            a.home or (old.home if old else f"/home/{a.name}"),
            a.shell or (old.shell if old else "/bin/sh"),
            a.comment if a.comment is not None else (old.comment if old else ""),
        )
        for g in a.groups:
            if a.name not in groups[g].members:
                groups[g] = replace(groups[g], members=[*groups[g].members, a.name])
        return {Users.ref(): users, Groups.ref(): groups}


@dataclass(frozen=True)
class GroupArgs:
    name: str = arg(doc="Group name.", check=check_name)
    present: bool = arg(True, doc="false removes the group.")
    gid: int | None = arg(None, doc="Numeric group id; set only when given.")
    system: bool = arg(False, doc="Create a system group (gid below 1000).")


@register
class GroupOp(Operation[GroupArgs]):
    """Ensure a group exists (with a gid), or does not exist.

    Example: ``[ops.app_group] op = "server.group"  name = "app"  gid = 1500``
    """

    kind = "server.group"
    declares = Declares(identity=("name",), resource="group")

    def facts(self, a: GroupArgs) -> list[FactRef[Any]]:
        return [Groups.ref()]

    def plan(self, a: GroupArgs, f: Facts) -> list[Change]:
        g = f[Groups.ref()].get(a.name)
        if not a.present:
            if g is None:
                return []
            cmd = _absent_or("group", a.name, sh("groupdel", a.name), True)
            return [Change(Action.DELETE, f"remove group {a.name}", (cmd,))]
        if g is None:
            opts = (["-g", str(a.gid)] if a.gid is not None else []) + (["-r"] if a.system else [])
            cmd = _absent_or("group", a.name, sh("groupadd", *opts, a.name))
            return [Change(Action.CREATE, f"create group {a.name}", (cmd,))]
        if a.gid is not None and g.gid != a.gid:
            return [
                Change(
                    Action.UPDATE,
                    f"group {a.name}: gid {g.gid} → {a.gid}",
                    (sh("groupmod", "-g", str(a.gid), a.name),),
                )
            ]
        return []

    def effects(self, a: GroupArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        groups = f[Groups.ref()].copy()
        if not a.present:
            groups.pop(a.name, None)
        else:
            old = groups.get(a.name)
            gid = a.gid if a.gid is not None else (old.gid if old else None)
            if gid is None:  # groupadd picks it (0 is root's, a gid like any other)
                base = 100 if a.system else 1000
                top = [
                    x.gid for x in groups.values() if (x.gid < 1000) == a.system and x.gid < 60000
                ]
                gid = max([*top, base - 1]) + 1
            groups[a.name] = Group(gid, old.members if old else [])
        return {Groups.ref(): groups}


def check_drop_in(v: Any) -> str | None:
    # sudo's includedir skips names containing a dot or ending in ~.
    if isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_-]+", v):
        return None
    return f"{v!r} is not a plain file name (letters, digits, - and _)"


@dataclass(frozen=True)
class SudoersArgs:
    name: str = arg(
        doc="File name under /etc/sudoers.d (letters, digits, - and _).", check=check_drop_in
    )
    content: str = arg(doc="The rules, e.g. 'deploy ALL=(root) NOPASSWD: /usr/bin/systemctl'.")


def _sudoers_path(a: SudoersArgs) -> str:
    return f"/etc/sudoers.d/{a.name}"


def _data(a: SudoersArgs) -> bytes:
    text = a.content if a.content.endswith("\n") else a.content + "\n"
    return text.encode()


@register
class Sudoers(Operation[SudoersArgs]):
    """Ensure a drop-in file in /etc/sudoers.d holds these rules, checked by ``visudo`` first.

    Invalid rules fail the op before anything is written, so a typo can never lock
    out sudo. The file gets mode 0440, owner root.
    Example: ``[ops.deploy_sudo] op = "server.sudoers"  name = "deploy"
    content = "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app"``
    """

    kind = "server.sudoers"
    declares = Declares(identity=("name",))

    def attributes(self, a: SudoersArgs) -> list[PathAttrs]:
        return attrs_of(_sudoers_path(a), "0440", "root", "root")

    def facts(self, a: SudoersArgs) -> list[FactRef[Any]]:
        return content_facts(_sudoers_path(a))

    def plan(self, a: SudoersArgs, f: Facts) -> list[Change]:
        changes = ensure_content(
            _sudoers_path(a),
            _data(a),
            f,
            mode="0440",
            user="root",
            group="root",
            what="sudoers file",
        )
        if not changes:
            return []
        check = sh(
            raw("v=$(mktemp) && printf %s"),
            base64.b64encode(_data(a)).decode(),
            raw('| base64 -d > "$v" && if visudo -cqf "$v"; then rm -f "$v"; else rm -f "$v";'),
            raw("echo 'sudoers rules rejected by visudo' >&2; exit 1; fi"),
        )
        first = changes[0]
        return [replace(first, commands=(check, *first.commands)), *changes[1:]]

    def effects(self, a: SudoersArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(
            _sudoers_path(a), _data(a), f, mode="0440", user="root", group="root"
        )
