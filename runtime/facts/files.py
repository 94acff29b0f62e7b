"""Facts about files: metadata (``FileInfo``) and content (``FileContent``).

Both print plain lines and base64, so any byte in a path or file survives the
trip; the parsers are pure and tested from recorded output.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, PathParams

CONTENT_LIMIT = 1 << 20  # bytes of content read back for diffs; larger files compare by hash

FileType = Literal["file", "directory", "link", "other"]


@dataclass(frozen=True)
class FileStat:
    type: FileType
    mode: str  # four octal digits, "0644"
    user: str
    group: str
    size: int
    target: str | None = None  # where a link points


@dataclass(frozen=True)
class Content:
    sha256: str
    data: bytes | None  # None when the file is larger than CONTENT_LIMIT


class FileInfo(Fact[FileStat | None]):
    """Type, mode, owner, group and size of a path (links are not followed); None if absent."""

    Params = PathParams

    @classmethod
    def command(cls, params: PathParams) -> Command:
        p = params.path
        return sh(
            raw("if [ -L"),
            p,
            raw("]; then echo link; readlink -n --"),
            p,
            raw("| base64 -w0; echo; elif [ -d"),
            p,
            raw("]; then echo directory; elif [ -f"),
            p,
            raw("]; then echo file; elif [ -e"),
            p,
            raw("]; then echo other; else echo absent;"),
            raw("exit 0; fi; stat -c '%a %U %G %s' --"),
            p,
        )

    @classmethod
    def parse(cls, output: str) -> FileStat | None:
        lines = output.split("\n")
        kind = lines[0].strip()
        if kind == "absent":
            return None
        if kind not in ("file", "directory", "link", "other"):
            raise ValueError(f"unknown file type {kind!r}")
        target = None
        if kind == "link":
            target = base64.b64decode(lines[1]).decode("utf-8", "surrogateescape")
            lines = lines[1:]
        mode, user, group, size = lines[1].split()
        return FileStat(kind, mode.zfill(4), user, group, int(size), target)  # type: ignore[arg-type]


class FileContent(Fact[Content | None]):
    """SHA-256 and (up to 1 MiB) content of a regular file; None if it is not one."""

    Params = PathParams

    @classmethod
    def command(cls, params: PathParams) -> Command:
        p = params.path
        return sh(
            raw("if [ -f"),
            p,
            raw("]; then sha256sum <"),
            p,
            raw('| cut -c1-64; if [ "$(stat -L -c %s --'),
            p,
            raw(f')" -le {CONTENT_LIMIT} ]; then printf data:; base64 -w0 <'),
            p,
            raw("; else printf big; fi; echo; else echo absent; fi"),
        )

    @classmethod
    def parse(cls, output: str) -> Content | None:
        lines = output.split("\n")
        if lines[0].strip() == "absent":
            return None
        digest = lines[0].strip()
        if len(digest) != 64:
            raise ValueError(f"bad sha256 {digest!r}")
        body = lines[1] if len(lines) > 1 else ""
        if body.startswith("data:"):
            return Content(digest, base64.b64decode(body[5:]))
        return Content(digest, None)


@dataclass(frozen=True)
class TreeEntry:
    type: FileType
    mode: str
    user: str
    group: str
    size: int
    sha256: str | None = None  # regular files only
    target: str | None = None  # links only


class Tree(Fact[dict[str, TreeEntry] | None]):
    """Everything under a directory, by relative path, with SHA-256 of files; None if absent.

    Entries are NUL-separated and base64-encoded on the host, so any byte in a
    name survives; links are listed, never followed.
    """

    Params = PathParams

    @classmethod
    def command(cls, params: PathParams) -> Command:
        p = params.path
        return sh(
            raw("if [ -d"),
            p,
            raw("] && [ ! -L"),
            p,
            raw("] && cd --"),
            p,
            raw("; then find . -mindepth 1"),
            raw("-printf '%y\\t%m\\t%u\\t%g\\t%s\\t%P\\t%l\\0' | base64 -w0;"),
            raw("echo; find . -type f -print0 | xargs -0 -r sha256sum -z | base64 -w0; echo;"),
            raw("else echo absent; fi"),
        )

    @classmethod
    def parse(cls, output: str) -> dict[str, TreeEntry] | None:
        lines = output.split("\n")
        if lines[0].strip() == "absent":
            return None
        sums: dict[str, str] = {}
        for rec in base64.b64decode(lines[1] if len(lines) > 1 else "").split(b"\0"):
            if rec:
                digest, name = rec.split(b"  ", 1)
                sums[name.decode("utf-8", "surrogateescape").removeprefix("./")] = digest.decode()
        out: dict[str, TreeEntry] = {}
        kinds: dict[str, FileType] = {"f": "file", "d": "directory", "l": "link"}
        for rec in base64.b64decode(lines[0]).split(b"\0"):
            if not rec:
                continue
            y, mode, user, group, size, rel, target = rec.decode("utf-8", "surrogateescape").split(
                "\t", 6
            )
            kind = kinds.get(y, "other")
            if kind != "link":  # no target (%l is empty): the tabs after the 6th are the name's
                rel = f"{rel}\t{target}".removesuffix("\t")
            out[rel] = TreeEntry(
                kind,
                mode.zfill(4),
                user,
                group,
                int(size),
                sums.get(rel) if kind == "file" else None,
                target if kind == "link" else None,
            )
        return out
