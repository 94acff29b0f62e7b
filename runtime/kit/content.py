"""Building blocks shared by ops that manage one file's whole content.

Many ops reduce to "this file must hold these bytes": a rendered template, a
copied file, an INI edit, a cron table, a unit file. ``ensure_content`` plans
that (create, update with a diff, or only fix mode and owner) and
``content_effects`` predicts the facts afterwards, so later ops in the same
run (a service restart watching the file) see the new content.

Two ways to write, chosen by where the new content comes from:

- content declared in the spec (``exact``): an atomic overwrite; if the host
  drifted after the plan, the declared content still wins.
- content computed from what the plan read (an edit): compare-and-swap on the
  SHA-256 the plan saw, so a file changed since the plan fails the op with
  "plan again" instead of losing someone's change.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from specops.runtime.core.command import Command, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.filestate import attr_changes, unified_diff
from specops.runtime.kit.writes import sha256, write_file, write_if_unchanged


def content_facts(path: str) -> list[FactRef[Any]]:
    return [FileInfo.ref(path=path), FileContent.ref(path=path)]


def current(path: str, f: Facts) -> tuple[FileStat | None, Content | None]:
    """The path's metadata and content as the plan sees them; refuses non-files."""
    st = f[FileInfo.ref(path=path)]
    if st is not None and st.type != "file":
        raise PlanError(f"{path} exists and is a {st.type}, not a regular file")
    return st, f[FileContent.ref(path=path)]


def ensure_content(
    path: str,
    data: bytes,
    f: Facts,
    *,
    mode: str | None = None,
    user: str | None = None,
    group: str | None = None,
    exact: bool = True,
    what: str = "file",
    parents: bool = False,
    validate: str | None = None,
) -> list[Change]:
    """Changes that make ``path`` hold ``data`` with the given mode and owner.

    ``parents`` creates missing parent directories of a new file (mode 0755);
    ``validate`` checks a new content before it replaces the file (``validate_arg``).
    """
    v = validate
    st, cur = current(path, f)
    if st is None:
        cmd = (
            write_file(path, data, mode=mode, user=user, group=group, existing=False, validate=v)
            if exact
            # an edit planned against no file must not replace one that appeared since
            else write_if_unchanged(path, None, data, mode=mode, user=user, group=group, validate=v)
        )
        mk = [sh("mkdir", "-p", "--", posixpath.dirname(path))] if parents else []
        return [
            Change(
                Action.CREATE,
                f"create {what} {path} ({len(data)} bytes)",
                (*mk, cmd),
                unified_diff(path, None, data),
            )
        ]
    if cur is None or cur.sha256 != sha256(data):
        old = cur.data if cur is not None else None
        if exact or cur is None:
            cmd = write_file(
                path, data, mode=mode, user=user, group=group, existing=True, validate=v
            )
            cmds: tuple[Command, ...] = (cmd,)
        else:
            cmds = (write_if_unchanged(path, old, data, validate=v),)
            cmds += tuple(
                c for ch in attr_changes(path, st, mode, user, group) for c in ch.commands
            )
        diff = (
            unified_diff(path, old, data)
            if old is not None
            else f"content changed ({st.size} → {len(data)} bytes)\n"
        )
        also = [c.summary for c in attr_changes(path, st, mode, user, group)]
        return [Change(Action.UPDATE, ", ".join([f"update {what} {path}", *also]), cmds, diff)]
    return attr_changes(path, st, mode, user, group)


def content_effects(
    path: str,
    data: bytes,
    f: Facts,
    *,
    mode: str | None = None,
    user: str | None = None,
    group: str | None = None,
) -> Mapping[FactRef[Any], Any]:
    st = f[FileInfo.ref(path=path)]
    return {
        FileContent.ref(path=path): Content(sha256(data), data),
        FileInfo.ref(path=path): FileStat(
            "file",
            (mode or (st.mode if st else "0644")).zfill(4),
            user or (st.user if st else "root"),
            group or (st.group if st else "root"),
            len(data),
        ),
    }


def text_of(cur: Content | None, path: str) -> str:
    """A file's text for an edit; '' when absent; refuses files too big to edit."""
    if cur is None:
        return ""
    if cur.data is None:
        raise PlanError(f"{path} is larger than specops edits in place")
    return cur.data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")
