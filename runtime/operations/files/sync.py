"""Files and trees from the controller: files.copy and files.sync.

Controller files are read while planning, so the plan shows the exact diff the
apply will write. Trees are compared with one ``files.Tree`` fact (every file's
SHA-256) and written file by file, each atomically; ``files.sync`` also removes
what the controller does not have.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.words import group_arg, mode_arg, path_arg, user_arg
from specops.runtime.facts.files import Tree, TreeEntry
from specops.runtime.kit.content import content_effects, content_facts, ensure_content
from specops.runtime.kit.writes import sha256, write_file
from specops.runtime.operations.files.transfer import _read


@dataclass(frozen=True)
class CopyArgs:
    src: str = arg(local_path=True, doc="A file or directory on the controller.")
    path: str = path_arg("Destination on the host (the file, or the directory the tree goes into).")
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()


def local_tree(src: str) -> dict[str, tuple[str, bytes | None]]:
    """The controller tree: relative path → (mode, content; None for a directory)."""
    out: dict[str, tuple[str, bytes | None]] = {}
    root = Path(src)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [*dirnames, *sorted(filenames)]:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            st = p.stat()
            mode = f"{stat.S_IMODE(st.st_mode):04o}"
            if stat.S_ISDIR(st.st_mode):
                out[rel] = (mode, None)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = (mode, p.read_bytes())
            else:
                raise PlanError(f"{p} is neither a file nor a directory")
    return out


def tree_changes(a: Any, tree: dict[str, TreeEntry] | None, delete: bool) -> list[Change]:
    """Changes that make the host directory ``a.path`` mirror the controller's ``a.src``."""
    want = local_tree(a.src)
    have = tree or {}
    out: list[Change] = []
    if tree is None:
        out.append(
            Change(Action.CREATE, f"create directory {a.path}", (sh("mkdir", "-p", "--", a.path),))
        )
    for rel, (lmode, data) in want.items():
        dest = posixpath.join(a.path, rel)
        cur = have.get(rel)
        mode = a.mode if (a.mode and data is not None) else lmode
        if cur is not None and cur.type != ("file" if data is not None else "directory"):
            raise PlanError(f"{dest} exists and is a {cur.type}")
        if data is None:
            if cur is None:
                out.append(
                    Change(
                        Action.CREATE,
                        f"create directory {dest}",
                        (sh("mkdir", "-p", "-m", lmode, "--", dest),),
                    )
                )
            continue
        owner = (
            (a.user or a.group)
            and cur is not None
            and ((a.user and cur.user != a.user) or (a.group and cur.group != a.group))
        )
        if cur is None or cur.sha256 != sha256(data) or cur.mode != mode.zfill(4) or owner:
            cmd = write_file(
                dest, data, mode=mode, user=a.user, group=a.group, existing=cur is not None
            )
            verb, act = ("create", Action.CREATE) if cur is None else ("update", Action.UPDATE)
            out.append(Change(act, f"{verb} {dest} ({len(data)} bytes)", (cmd,)))
    if delete:
        gone = sorted(set(have) - set(want))
        # Remove only the topmost of each removed subtree.
        tops = [r for r in gone if not any(r.startswith(g + "/") for g in gone)]
        for rel in tops:
            dest = posixpath.join(a.path, rel)
            out.append(Change(Action.DELETE, f"remove {dest}", (sh("rm", "-rf", "--", dest),)))
    return out


def tree_after(a: Any, tree: dict[str, TreeEntry] | None, delete: bool) -> dict[str, TreeEntry]:
    out = {} if delete else dict(tree or {})
    for rel, (lmode, data) in local_tree(a.src).items():
        cur = (tree or {}).get(rel)
        if data is None:
            out[rel] = cur or TreeEntry("directory", lmode, "root", "root", 4096)
        else:
            mode = (a.mode or lmode).zfill(4)
            user = a.user or (cur.user if cur else "root")
            group = a.group or (cur.group if cur else "root")
            out[rel] = TreeEntry("file", mode, user, group, len(data), sha256(data))
    return out


@register
class Copy(Operation[CopyArgs]):
    """Copy a file, or a directory tree, from the controller to the host.

    A tree is merged into ``path``: files that differ are rewritten, new ones
    created, nothing else is removed (``files.sync`` removes extras). Without
    ``mode``, files keep the controller's permission bits.
    Example: ``[ops.site] op = "files.copy"  src = "site/"  path = "/var/www/site"``
    """

    kind = "files.copy"
    declares = Declares(
        identity=("path",),
        resource="path",
        container=True,
        tree=True,
        refers=(("user", "user"), ("group", "group")),
    )

    def facts(self, a: CopyArgs) -> list[FactRef[Any]]:
        return [Tree.ref(path=a.path)] if Path(a.src).is_dir() else content_facts(a.path)

    def plan(self, a: CopyArgs, f: Facts) -> list[Change]:
        if Path(a.src).is_dir():
            return tree_changes(a, f[Tree.ref(path=a.path)], delete=False)
        data = _read(a.src, "file")
        mode = a.mode or f"{stat.S_IMODE(Path(a.src).stat().st_mode):04o}"
        return ensure_content(a.path, data, f, mode=mode, user=a.user, group=a.group)

    def effects(self, a: CopyArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        if Path(a.src).is_dir():
            return {Tree.ref(path=a.path): tree_after(a, f[Tree.ref(path=a.path)], False)}
        mode = a.mode or f"{stat.S_IMODE(Path(a.src).stat().st_mode):04o}"
        return content_effects(
            a.path, _read(a.src, "file"), f, mode=mode, user=a.user, group=a.group
        )


@dataclass(frozen=True)
class SyncArgs:
    src: str = arg(local_path=True, doc="A directory on the controller.")
    path: str = path_arg("The directory on the host that must mirror it.")
    delete: bool = arg(True, doc="Remove what is on the host but not on the controller.")
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()


@register
class Sync(Operation[SyncArgs]):
    """Make a host directory mirror a controller directory, optionally deleting extras.

    Example: ``[ops.docroot] op = "files.sync"  src = "public/"  path = "/var/www/app"``
    """

    kind = "files.sync"
    declares = Declares(
        identity=("path",),
        resource="path",
        container=True,
        tree=True,
        refers=(("user", "user"), ("group", "group")),
    )

    def facts(self, a: SyncArgs) -> list[FactRef[Any]]:
        return [Tree.ref(path=a.path)]

    def plan(self, a: SyncArgs, f: Facts) -> list[Change]:
        if not Path(a.src).is_dir():
            raise PlanError(f"{a.src} is not a directory on the controller")
        return tree_changes(a, f[Tree.ref(path=a.path)], a.delete)

    def effects(self, a: SyncArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {Tree.ref(path=a.path): tree_after(a, f[Tree.ref(path=a.path)], a.delete)}
