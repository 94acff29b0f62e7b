"""The file-state toolkit: what an op needs to bring a path to a declared state —
mode and owner changes, diffs of content, the stat a write leaves, relinking."""

from __future__ import annotations

import difflib
import posixpath

from specops.runtime.core.command import Command, sh
from specops.runtime.core.operation import Action, Change
from specops.runtime.facts.files import FileStat, FileType


def attr_changes(
    path: str, st: FileStat, mode: str | None, user: str | None, group: str | None
) -> list[Change]:
    """Changes bringing an existing path's mode and owner to the declared ones."""
    out = []
    if mode and st.mode != mode.zfill(4):
        out.append(
            Change(Action.UPDATE, f"mode {st.mode} → {mode.zfill(4)}", (sh("chmod", mode, path),))
        )
    if user and st.user != user:
        out.append(Change(Action.UPDATE, f"owner {st.user} → {user}", (sh("chown", user, path),)))
    if group and st.group != group:
        out.append(
            Change(Action.UPDATE, f"group {st.group} → {group}", (sh("chgrp", group, path),))
        )
    return out


def unified_diff(path: str, old: bytes | None, new: bytes) -> str:
    """A unified diff of two contents, or a one-line note for binary content."""
    try:
        a = (old or b"").decode("utf-8").splitlines(keepends=True)
        b = new.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return f"binary content: {len(old or b'')} → {len(new)} bytes\n"
    fromfile = path if old is not None else "/dev/null"
    lines = list(difflib.unified_diff(a, b, fromfile, path))
    return "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)


def stat_after(
    st: FileStat | None,
    type_: FileType,
    mode: str | None,
    user: str | None,
    group: str | None,
    size: int = 0,
) -> FileStat:
    return FileStat(
        type_,
        (mode or (st.mode if st else "0644")).zfill(4),
        user or (st.user if st else "root"),
        group or (st.group if st else "root"),
        size,
    )


def relink(path: str, target: str) -> Command:
    """Point an existing link elsewhere with one rename (no moment without a link)."""
    from specops.runtime.core.command import raw

    directory = posixpath.dirname(path) or "."
    return sh(
        raw("d=$(mktemp -d --"),
        posixpath.join(directory, ".specops-link-XXXXXXXX"),
        raw(") && ln -s --"),
        target,
        raw('"$d/l" && mv -Tf -- "$d/l"'),
        path,
        raw('&& rmdir -- "$d"'),
    )
