"""File operations: directory, file, line, link, absent.

Each op reads ``FileInfo``/``FileContent`` facts and plans pure changes whose
commands are safe to run against a host that drifted after the plan: writes
are atomic (``writes``), edits are compare-and-swap, the rest is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.words import check_regex, group_arg, mode_arg, path_arg, user_arg
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.filestate import attr_changes, relink, stat_after, unified_diff
from specops.runtime.kit.writes import sha256, validate_arg, write_file, write_if_unchanged

# -- files.directory ------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryArgs:
    path: str = path_arg("Absolute path of the directory; missing parents are created.")
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()


@register
class Directory(Operation[DirectoryArgs]):
    """Ensure a directory exists, with mode and owner.

    Example: ``[ops.app] op = "files.directory"  path = "/srv/app"  mode = "0755"``
    """

    kind = "files.directory"
    declares = Declares(
        identity=("path",),
        resource="path",
        container=True,
        refers=(("user", "user"), ("group", "group")),
    )

    def attributes(self, a: DirectoryArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode, a.user, a.group, is_dir=True)

    def facts(self, a: DirectoryArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.path)]

    def plan(self, a: DirectoryArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        if st is None:
            cmds = [sh("mkdir", "-p", "--", a.path)]
            # mkdir's mode depends on the host's umask: a declared mode is always set.
            cmds += [sh("chmod", a.mode, a.path)] if a.mode else []
            cmds += [sh("chown", a.user, a.path)] if a.user else []
            cmds += [sh("chgrp", a.group, a.path)] if a.group else []
            return [Change(Action.CREATE, f"create directory {a.path}", tuple(cmds))]
        if st.type != "directory":
            raise PlanError(f"{a.path} exists and is a {st.type}, not a directory")
        return attr_changes(a.path, st, a.mode, a.user, a.group)

    def effects(self, a: DirectoryArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[FileInfo.ref(path=a.path)]
        return {
            FileInfo.ref(path=a.path): stat_after(
                st, "directory", a.mode or (None if st else "0755"), a.user, a.group
            )
        }


# -- files.file -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileArgs:
    path: str = path_arg("Absolute path of the file.")
    content: str | None = arg(
        None, doc="The whole content; when unset, the file only has to exist."
    )
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()
    validate: str | None = validate_arg()


@register
class File(Operation[FileArgs]):
    """Ensure a regular file exists, optionally with exact content, mode and owner.

    Content is written atomically (temp file + rename); a plan shows a unified diff.
    Example: ``[ops.motd] op = "files.file"  path = "/etc/motd"  content = "hello\\n"``
    """

    kind = "files.file"
    declares = Declares(
        identity=("path",),
        resource="path",
        refers=(("user", "user"), ("group", "group")),
    )

    def attributes(self, a: FileArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode, a.user, a.group)

    def facts(self, a: FileArgs) -> list[FactRef[Any]]:
        refs: list[FactRef[Any]] = [FileInfo.ref(path=a.path)]
        if a.content is not None:
            refs.append(FileContent.ref(path=a.path))
        return refs

    def plan(self, a: FileArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        if st is not None and st.type != "file":
            raise PlanError(f"{a.path} exists and is a {st.type}, not a regular file")
        new = a.content.encode("utf-8") if a.content is not None else None
        if st is None:
            data = new if new is not None else b""
            cmd = write_file(
                a.path,
                data,
                mode=a.mode,
                user=a.user,
                group=a.group,
                existing=False,
                validate=a.validate if new is not None else None,
            )
            size = f" ({len(data)} bytes)" if new is not None else ""
            diff = unified_diff(a.path, None, data) if new else None
            return [Change(Action.CREATE, f"create file {a.path}{size}", (cmd,), diff)]
        if new is not None:
            cur: Content | None = f[FileContent.ref(path=a.path)]
            if cur is None or cur.sha256 != sha256(new):
                old = cur.data if cur is not None else None
                cmd = write_file(
                    a.path,
                    new,
                    mode=a.mode,
                    user=a.user,
                    group=a.group,
                    existing=True,
                    validate=a.validate,
                )
                diff = (
                    unified_diff(a.path, old, new)
                    if old is not None or cur is None
                    else (f"content changed ({st.size} → {len(new)} bytes)\n")
                )
                # The atomic write sets mode and owner too: name them in the same change.
                also = [c.summary for c in attr_changes(a.path, st, a.mode, a.user, a.group)]
                summary = ", ".join([f"update content of {a.path}", *also])
                return [Change(Action.UPDATE, summary, (cmd,), diff)]
        return attr_changes(a.path, st, a.mode, a.user, a.group)

    def effects(self, a: FileArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[FileInfo.ref(path=a.path)]
        out: dict[FactRef[Any], Any] = {}
        if a.content is not None:
            data = a.content.encode("utf-8")
            out[FileContent.ref(path=a.path)] = Content(sha256(data), data)
            size = len(data)
        else:
            size = st.size if st else 0
            if FileContent.ref(path=a.path) in f and f[FileContent.ref(path=a.path)] is None:
                out[FileContent.ref(path=a.path)] = Content(sha256(b""), b"")
        out[FileInfo.ref(path=a.path)] = stat_after(st, "file", a.mode, a.user, a.group, size)
        return out


# -- files.line -----------------------------------------------------------------------


@dataclass(frozen=True)
class LineArgs:
    path: str = path_arg("Absolute path of the file; created when missing and the line is present.")
    line: str = arg(doc="The whole line, without its newline.")
    regex: str | None = arg(
        None,
        doc="Lines matching this (Python) regular expression are replaced "
        "by `line`; when none matches, `line` is appended.",
        check=check_regex,
    )
    present: bool = arg(True, doc="false removes the line (and lines matching `regex`).")
    validate: str | None = validate_arg()


def edit_lines(text: str, a: LineArgs) -> str:
    """The content after ensuring ``a.line`` is (or is not) in ``text``; pure."""
    lines = text.splitlines()
    pattern = re.compile(a.regex) if a.regex else None

    def hit(s: str) -> bool:
        return s == a.line or bool(pattern and pattern.search(s))

    if not a.present:
        kept = [s for s in lines if not hit(s)]
        return text if len(kept) == len(lines) else "".join(s + "\n" for s in kept)
    if pattern and any(pattern.search(s) for s in lines):
        new = [a.line if pattern.search(s) else s for s in lines]
        if new == lines:
            return text
    elif a.line in lines:
        return text
    else:
        new = [*lines, a.line]
    return "".join(s + "\n" for s in new)


@register
class Line(Operation[LineArgs]):
    """Ensure a line is in a file (or not), optionally replacing lines that match a regex.

    Example: ``[ops.swappiness] op = "files.line"  path = "/etc/sysctl.conf"
    line = "vm.swappiness = 10"  regex = "^vm.swappiness"``
    """

    kind = "files.line"
    declares = Declares(
        identity=("path", "line"),
        resource="path",
        part_of=("files.file", "content"),
    )

    def facts(self, a: LineArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.path), FileContent.ref(path=a.path)]

    def plan(self, a: LineArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        if st is not None and st.type != "file":
            raise PlanError(f"{a.path} exists and is a {st.type}, not a regular file")
        cur = f[FileContent.ref(path=a.path)]
        if cur is None:
            if not a.present:
                return []
            new = (a.line + "\n").encode("utf-8")
            return [
                Change(
                    Action.CREATE,
                    f"create {a.path} with line {a.line!r}",
                    (write_if_unchanged(a.path, None, new, validate=a.validate),),
                    unified_diff(a.path, None, new),
                )
            ]
        if cur.data is None:
            raise PlanError(f"{a.path} is larger than specops edits line by line")
        text = cur.data.decode("utf-8", "surrogateescape")
        out = edit_lines(text, a)
        if out == text:
            return []
        new = out.encode("utf-8", "surrogateescape")
        if not a.present:
            what = f"remove line {a.line!r}" + (
                f" and lines matching {a.regex!r}" if a.regex else ""
            )
        elif a.regex and any(re.search(a.regex, s) for s in text.splitlines()):
            what = f"replace lines matching {a.regex!r} with {a.line!r}"
        else:
            what = f"add line {a.line!r}"
        return [
            Change(
                Action.UPDATE,
                f"{what} in {a.path}",
                (write_if_unchanged(a.path, cur.data, new, validate=a.validate),),
                unified_diff(a.path, cur.data, new),
            )
        ]

    def effects(self, a: LineArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        cur = f[FileContent.ref(path=a.path)]
        if cur is None and not a.present:
            return {}
        text = cur.data.decode("utf-8", "surrogateescape") if cur and cur.data is not None else ""
        new = edit_lines(text, a).encode("utf-8", "surrogateescape")  # no file: the line alone
        st = f[FileInfo.ref(path=a.path)]
        return {
            FileContent.ref(path=a.path): Content(sha256(new), new),
            FileInfo.ref(path=a.path): stat_after(st, "file", None, None, None, len(new)),
        }


# -- files.link -----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkArgs:
    path: str = path_arg("Absolute path of the symbolic link.")
    target: str = arg(doc="What the link points to (absolute or relative to the link).")


@register
class Link(Operation[LinkArgs]):
    """Ensure a symbolic link exists and points at a target.

    An existing link to elsewhere is replaced atomically; a file or directory in
    the way is an error, never silently removed.
    Example: ``[ops.current] op = "files.link"  path = "/srv/app/current"  target = "releases/42"``
    """

    kind = "files.link"
    declares = Declares(identity=("path",), resource="path")

    def facts(self, a: LinkArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.path)]

    def plan(self, a: LinkArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        if st is None:
            return [
                Change(
                    Action.CREATE,
                    f"link {a.path} → {a.target}",
                    (sh("ln", "-s", "--", a.target, a.path),),
                )
            ]
        if st.type != "link":
            raise PlanError(f"{a.path} exists and is a {st.type}, not a symbolic link")
        if st.target == a.target:
            return []
        return [
            Change(
                Action.UPDATE,
                f"relink {a.path}: {st.target} → {a.target}",
                (relink(a.path, a.target),),
            )
        ]

    def effects(self, a: LinkArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {
            FileInfo.ref(path=a.path): FileStat(
                "link", "0777", "root", "root", len(a.target), a.target
            )
        }


# -- files.absent ---------------------------------------------------------------------


@dataclass(frozen=True)
class AbsentArgs:
    path: str = path_arg("Absolute path to remove (a file, link, or directory with its content).")


@register
class Absent(Operation[AbsentArgs]):
    """Ensure nothing exists at a path.

    Example: ``[ops.old] op = "files.absent"  path = "/etc/nginx/sites-enabled/default"``
    """

    kind = "files.absent"
    declares = Declares(identity=("path",), resource="path")

    def facts(self, a: AbsentArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.path)]

    def plan(self, a: AbsentArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        if st is None:
            return []
        if set(a.path) <= {"/"}:  # "/", "//", …
            raise PlanError("refusing to remove /")
        what = {"directory": "directory", "link": "link"}.get(st.type, "file")
        return [Change(Action.DELETE, f"remove {what} {a.path}", (sh("rm", "-rf", "--", a.path),))]

    def effects(self, a: AbsentArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {FileInfo.ref(path=a.path): None, FileContent.ref(path=a.path): None}
