"""Whole trees on the host: files.attrs (recursive mode and owner) and files.extract.

Both read the tree with one ``files.Tree`` fact, so the plan says exactly how
many entries change, and a second plan after an apply finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.reach import Reach, of_paths
from specops.runtime.core.words import check_absolute, group_arg, mode_arg, user_arg
from specops.runtime.facts.files import FileInfo, FileStat, Tree, TreeEntry
from specops.runtime.kit.writes import _owner


@dataclass(frozen=True)
class AttrsArgs:
    path: str = arg(
        doc="The directory whose whole tree is set (it included).", check=check_absolute
    )
    user: str | None = user_arg()
    group: str | None = group_arg()
    file_mode: str | None = mode_arg()
    dir_mode: str | None = mode_arg()


def _off(e: TreeEntry, a: AttrsArgs) -> bool:
    if e.type == "link":
        return False  # links are left alone: chmod would follow them
    mode = a.dir_mode if e.type == "directory" else a.file_mode
    return bool(
        (a.user and e.user != a.user)
        or (a.group and e.group != a.group)
        or (mode and e.type in ("file", "directory") and e.mode != mode.zfill(4))
    )


def _fix(a: AttrsArgs) -> list[Command]:
    """find-based fixes that touch only what differs (safe to run again)."""
    cmds = []
    owner = _owner(a.user, a.group)
    if owner:
        cmds.append(sh("chown", "-R", "--no-dereference", "--", owner, a.path))
    if a.dir_mode:
        cmds.append(
            sh(
                "find",
                a.path,
                "-type",
                "d",
                raw("! -perm"),
                a.dir_mode,
                "-exec",
                "chmod",
                a.dir_mode,
                raw("{} +"),
            )
        )
    if a.file_mode:
        cmds.append(
            sh(
                "find",
                a.path,
                "-type",
                "f",
                raw("! -perm"),
                a.file_mode,
                "-exec",
                "chmod",
                a.file_mode,
                raw("{} +"),
            )
        )
    return cmds


@register
class Attrs(Operation[AttrsArgs]):
    """Ensure owner and permissions across a whole directory tree (like chown -R / chmod -R).

    Directories and files get their own modes, so a tree stays traversable;
    symbolic links are never followed.
    Example: ``[ops.www] op = "files.attrs"  path = "/var/www/app"  user = "www-data"
    dir_mode = "0755"  file_mode = "0644"``
    """

    kind = "files.attrs"
    declares = Declares(
        identity=("path",),
        resource="path",
        tree=True,
        refers=(("user", "user"), ("group", "group")),
    )

    def attributes(self, a: AttrsArgs) -> list[PathAttrs]:
        own = attrs_of(a.path, a.dir_mode, a.user, a.group, is_dir=True)
        below = [
            PathAttrs(a.path, {k: v for k, v in (("user", a.user), ("group", a.group)) if v}, True)
        ]
        for mode, is_dir in ((a.file_mode, False), (a.dir_mode, True)):
            if mode:
                below.append(PathAttrs(a.path, {"mode": format(int(mode, 8), "04o")}, True, is_dir))
        return own + [b for b in below if b.values]

    def facts(self, a: AttrsArgs) -> list[FactRef[Any]]:
        return [Tree.ref(path=a.path), FileInfo.ref(path=a.path)]

    def plan(self, a: AttrsArgs, f: Facts) -> list[Change]:
        tree, top = f[Tree.ref(path=a.path)], f[FileInfo.ref(path=a.path)]
        if tree is None or top is None:
            raise PlanError(f"{a.path} is not a directory")
        root = TreeEntry("directory", top.mode, top.user, top.group, top.size)
        off = sum(1 for e in (root, *tree.values()) if _off(e, a))
        if not off:
            return []
        return [
            Change(
                Action.UPDATE,
                f"set owner and modes of {off} entries under {a.path}",
                tuple(_fix(a)),
            )
        ]

    def effects(self, a: AttrsArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        tree = f[Tree.ref(path=a.path)] or {}

        def fixed(e: TreeEntry) -> TreeEntry:
            if e.type == "link":
                return replace(e, user=a.user or e.user, group=a.group or e.group)
            mode = a.dir_mode if e.type == "directory" else a.file_mode
            return replace(
                e, user=a.user or e.user, group=a.group or e.group, mode=(mode or e.mode).zfill(4)
            )

        top = f[FileInfo.ref(path=a.path)]
        out: dict[FactRef[Any], Any] = {
            Tree.ref(path=a.path): {k: fixed(e) for k, e in tree.items()}
        }
        if top is not None:
            out[FileInfo.ref(path=a.path)] = replace(
                top,
                user=a.user or top.user,
                group=a.group or top.group,
                mode=(a.dir_mode or top.mode).zfill(4),
            )
        return out


@dataclass(frozen=True)
class ExtractArgs:
    archive: str = arg(
        doc="A tar archive on the host (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2).",
        check=check_absolute,
    )
    path: str = arg(
        doc="The directory to extract into (created when missing).", check=check_absolute
    )
    creates: str = arg(
        doc="Extraction is done once this path exists (a file the archive contains).",
        check=check_absolute,
    )
    strip_components: int = arg(0, doc="Leading path components to drop (tar --strip-components).")
    user: str | None = arg(
        None, doc="Owner of the extracted files (default: as stored, when root extracts)."
    )


@register
class Extract(Operation[ExtractArgs]):
    """Extract a tar archive that is on the host, once (until ``creates`` exists).

    Pair it with ``files.download`` to install release tarballs.
    Example: ``[ops.unpack] op = "files.extract"  archive = "/opt/tool.tar.gz"
    path = "/opt/tool"  creates = "/opt/tool/bin/tool"``
    """

    kind = "files.extract"
    declares = Declares(
        identity=("path", "creates"),
        resource="path",
        container=True,
        tree=True,
        refers=(("user", "user"),),
    )

    def reads(self, a: ExtractArgs) -> list[str]:
        return [a.creates]

    def reach(self, a: ExtractArgs) -> Reach:
        return of_paths(a.path)

    def facts(self, a: ExtractArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.creates), FileInfo.ref(path=a.archive)]

    def plan(self, a: ExtractArgs, f: Facts) -> list[Change]:
        if f[FileInfo.ref(path=a.creates)] is not None:
            return []
        opts = [f"--strip-components={a.strip_components}"] if a.strip_components else []
        owner = ["--no-same-owner"] if a.user else []
        cmds = [
            sh("mkdir", "-p", "--", a.path),
            sh(
                raw("[ -e"),
                a.creates,
                raw("] || tar -x -f"),
                a.archive,
                "-C",
                a.path,
                *opts,
                *owner,
            ),
            sh(
                raw("[ -e"),
                a.creates,
                raw("] || { echo"),
                f"{a.archive} did not contain {a.creates}",
                raw(">&2; exit 1; }"),
            ),
        ]
        if a.user:
            cmds.append(sh("chown", "-R", "--no-dereference", "--", a.user, a.path))
        return [Change(Action.CREATE, f"extract {a.archive} into {a.path}", tuple(cmds))]

    def effects(self, a: ExtractArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {FileInfo.ref(path=a.creates): FileStat("file", "0644", a.user or "root", "root", 0)}
