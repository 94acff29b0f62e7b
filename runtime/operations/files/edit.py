"""In-place file edits: files.replace, files.block, files.ini, files.keyvalue.

Each computes the new content from the content the plan read, with a pure
function tested from fixtures; the write is compare-and-swap on the SHA-256
the plan saw, so an edit never overwrites a change made since the plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.words import (
    check_one_line,
    check_regex,
    group_arg,
    mode_arg,
    path_arg,
    user_arg,
)
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)
from specops.runtime.kit.writes import validate_arg


def _lines(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


E = TypeVar("E")


class _Edit(Operation[E]):
    """An op whose new content is a pure function of the old: subclasses define ``edit``."""

    create = False  # whether a missing file is created (or is an error)

    def edit(self, a: Any, text: str) -> str:
        raise NotImplementedError

    def facts(self, a: Any) -> list[FactRef[Any]]:
        return content_facts(a.path)

    def _new(self, a: Any, f: Facts) -> str | None:
        st, cur = current(a.path, f)
        if st is None and not self.create_missing(a):
            return None
        text = text_of(cur, a.path)
        return self.edit(a, text)

    def create_missing(self, a: Any) -> bool:
        return bool(getattr(a, "present", True)) and self.create

    def plan(self, a: Any, f: Facts) -> list[Change]:
        st, _ = current(a.path, f)
        if st is None and not self.create and getattr(a, "present", True):
            raise PlanError(f"{a.path} does not exist")
        new = self._new(a, f)
        if new is None:
            return []
        mode, user, group = _attrs(a)
        return ensure_content(
            a.path,
            encode(new),
            f,
            mode=mode,
            user=user,
            group=group,
            exact=False,
            validate=a.validate,
        )

    def effects(self, a: Any, f: Facts) -> Mapping[FactRef[Any], Any]:
        new = self._new(a, f)
        if new is None:
            return {}
        mode, user, group = _attrs(a)
        return content_effects(a.path, encode(new), f, mode=mode, user=user, group=group)


def _attrs(a: Any) -> tuple[str | None, str | None, str | None]:
    """The mode and owner an edit op declares (the ops that have none give None)."""
    return getattr(a, "mode", None), getattr(a, "user", None), getattr(a, "group", None)


# -- files.replace --------------------------------------------------------------------


@dataclass(frozen=True)
class ReplaceArgs:
    path: str = path_arg("Absolute path of an existing file.")
    regex: str = arg(
        doc="Python regular expression, applied per line (re.MULTILINE).", check=check_regex
    )
    replace: str = arg(doc=r"Replacement; \1 or \g<name> insert groups.")
    count: int = arg(0, doc="At most this many replacements (0: all).")
    validate: str | None = validate_arg()


@register
class Replace(_Edit[ReplaceArgs]):
    """Replace every match of a regular expression in a file.

    Idempotent when the replacement no longer matches the expression (write the
    expression so that it does not match what it produces).
    Example: ``[ops.listen] op = "files.replace"  path = "/etc/ssh/sshd_config"
    regex = "^#?Port .*$"  replace = "Port 2222"``
    """

    kind = "files.replace"
    declares = Declares(
        identity=("path", "regex"),
        resource="path",
        part_of=("files.file", "content"),
    )

    def edit(self, a: ReplaceArgs, text: str) -> str:
        try:
            return re.sub(a.regex, a.replace, text, count=a.count, flags=re.MULTILINE)
        except re.error as e:  # \1 for a group the expression lacks, a trailing backslash
            raise PlanError(f"replace {a.replace!r}: {e}") from None


# -- files.block ----------------------------------------------------------------------


@dataclass(frozen=True)
class BlockArgs:
    path: str = path_arg("Absolute path of the file; created when missing.")
    name: str = arg(
        doc="Names the block in its markers, so one file can hold several.", check=check_one_line
    )
    content: str = arg("", doc="The lines between the markers.")
    present: bool = arg(True, doc="false removes the block and its markers.")
    comment: str = arg("#", doc="The comment prefix of the marker lines.", check=check_one_line)
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()
    validate: str | None = validate_arg()


def markers(a: BlockArgs) -> tuple[str, str]:
    return (
        f"{a.comment} BEGIN SPECOPS MANAGED BLOCK: {a.name}",
        f"{a.comment} END SPECOPS MANAGED BLOCK: {a.name}",
    )


def edit_block(text: str, a: BlockArgs) -> str:
    """``text`` with the named block replaced, appended, or removed (pure)."""
    begin, end = markers(a)
    lines = text.splitlines()
    block = [begin, *a.content.splitlines(), end] if a.present else []
    if begin in lines and end in lines[lines.index(begin) :]:
        i = lines.index(begin)
        j = lines.index(end, i)
        lines[i : j + 1] = block
    else:
        lines += block
    return "".join(x + "\n" for x in lines)


@register
class Block(_Edit[BlockArgs]):
    """Ensure a marker-delimited block of lines is in a file, leaving the rest alone.

    Example: ``[ops.hosts] op = "files.block"  path = "/etc/hosts"  name = "cluster"
    content = "10.0.0.1 db1\\n10.0.0.2 db2"``
    """

    kind = "files.block"
    declares = Declares(
        identity=("path", "name"),
        resource="path",
        part_of=("files.file", "content"),
        refers=(("user", "user"), ("group", "group")),
    )
    create = True

    def attributes(self, a: BlockArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode, a.user, a.group)

    def edit(self, a: BlockArgs, text: str) -> str:
        return edit_block(text, a)


# -- files.ini ------------------------------------------------------------------------


@dataclass(frozen=True)
class IniArgs:
    path: str = path_arg("Absolute path of the INI file; created when missing.")
    section: str = arg(
        doc='Section name without brackets; "" for keys before any section.', check=check_one_line
    )
    key: str = arg(doc="Option name.", check=check_one_line)
    value: str = arg("", doc="Option value.", check=check_one_line)
    present: bool = arg(True, doc="false removes the option.")
    mode: str | None = mode_arg()
    validate: str | None = validate_arg()


SECTION = re.compile(r"^\s*\[(.+?)\]\s*$")


def edit_ini(text: str, a: IniArgs) -> str:
    """Set (or remove) ``key`` in ``section``, keeping comments and layout (pure)."""
    lines = text.splitlines()
    want = f"{a.key} = {a.value}"
    keyre = re.compile(rf"^\s*[#;]?\s*{re.escape(a.key)}\s*[=:]")
    active = re.compile(rf"^\s*{re.escape(a.key)}\s*[=:]")
    start, end = 0, len(lines)
    found = a.section == ""
    for i, line in enumerate(lines):
        m = SECTION.match(line)
        if m:
            if found:  # the section's next header ends it
                end = i
                break
            if m.group(1).strip() == a.section:
                found, start = True, i + 1
    if not found:
        if not a.present:
            return text
        lines += ([""] if lines else []) + [f"[{a.section}]", want]
        return "".join(x + "\n" for x in lines)
    region = range(start, end)
    hits = [i for i in region if active.match(lines[i])]
    if not a.present:
        return "".join(x + "\n" for i, x in enumerate(lines) if i not in hits)
    if hits:
        first = active.match(lines[hits[0]])
        assert first is not None  # hits are the lines it matches
        # the value is what follows "=" or ":" (a "key: value" line holds one too)
        if lines[hits[0]][first.end() :].strip() != a.value or len(hits) > 1:
            lines[hits[0]] = want
            lines = [x for i, x in enumerate(lines) if i not in hits[1:]]
    else:
        commented = [i for i in region if keyre.match(lines[i])]
        at = commented[0] + 1 if commented else end
        while not commented and at > start and not lines[at - 1].strip():
            at -= 1  # before the blank lines that end the section
        lines.insert(at, want)
    return "".join(x + "\n" for x in lines)


@register
class Ini(_Edit[IniArgs]):
    """Ensure an option in an INI file section (php.ini, my.cnf, systemd-style files).

    Comments and other options stay as they are; a new option goes after its
    commented-out default when there is one.
    Example: ``[ops.upload] op = "files.ini"  path = "/etc/php/8.2/apache2/php.ini"
    section = "PHP"  key = "upload_max_filesize"  value = "64M"``
    """

    kind = "files.ini"
    declares = Declares(
        identity=("path", "section", "key"),
        resource="path",
        part_of=("files.file", "content"),
    )
    create = True

    def attributes(self, a: IniArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode)

    def edit(self, a: IniArgs, text: str) -> str:
        return edit_ini(text, a)


# -- files.keyvalue -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyValueArgs:
    path: str = path_arg("Absolute path of the file (/etc/environment, /etc/default/…).")
    key: str = arg(
        doc="The name.",
        check=lambda v: (
            None if re.fullmatch(r"[A-Za-z0-9_.-]+", v) else f"{v!r} is not a plain key"
        ),
    )
    value: str = arg(
        "",
        doc="The value, written as is (quote it yourself if the format needs it).",
        check=check_one_line,
    )
    separator: str = arg("=", doc='Between key and value, e.g. "=" or " ".', check=check_one_line)
    present: bool = arg(True, doc="false removes the key.")
    mode: str | None = mode_arg()
    validate: str | None = validate_arg()


def edit_keyvalue(text: str, a: KeyValueArgs) -> str:
    """One ``key<sep>value`` line for the key (first one replaced, others dropped) (pure)."""
    pattern = re.compile(rf"^\s*{re.escape(a.key)}\s*{re.escape(a.separator.strip()) or ' '}")
    want = f"{a.key}{a.separator}{a.value}"
    out, done = [], False
    for line in text.splitlines():
        if pattern.match(line):
            if a.present and not done:
                out.append(want)
                done = True
            continue
        out.append(line)
    if a.present and not done:
        out.append(want)
    new = "".join(x + "\n" for x in out)
    return text if new == _lines(text) and text else new


@register
class KeyValue(_Edit[KeyValueArgs]):
    """Ensure a ``KEY=value`` line in a simple settings file, or its absence.

    Example: ``[ops.proxy] op = "files.keyvalue"  path = "/etc/environment"
    key = "HTTP_PROXY"  value = "http://proxy:3128"``
    """

    kind = "files.keyvalue"
    declares = Declares(
        identity=("path", "key"),
        resource="path",
        part_of=("files.file", "content"),
    )
    create = True

    def attributes(self, a: KeyValueArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode)

    def edit(self, a: KeyValueArgs, text: str) -> str:
        return edit_keyvalue(text, a)
