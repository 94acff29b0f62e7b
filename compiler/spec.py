"""Spec shape: check a loaded ``Document`` and read it into a ``SpecFile``.

Checks the top-level sections, the shape of every op and handler (``op``
present, reserved keys with the right types), includes, Python modules and
secrets files, and splits reserved keys from arguments. It evaluates nothing
and looks nothing up in the catalog: ``lower`` does both, per host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import messages as m
from .diagnostics import Collector, diag, suggest
from .inventory import Inventory, read_inventory
from .options import SPEC_KEYS, check, expected
from .source import Document, Span
from .source import Path as DocPath

SECTIONS = ("hosts", "groups", "vars", "ops", "handlers", "include", "python", "secrets")

# Keys of an op that are not arguments (compiler/options.py), so no operation may take
# an argument by these names.
RESERVED = SPEC_KEYS
INCLUDE_KEYS = ("file", "name", "vars", "hosts", "when", "tags")


@dataclass(frozen=True)
class OpDecl:
    """One op or handler as written: id, kind, raw arguments and reserved keys."""

    id: str
    kind: str
    args: dict[str, Any]
    path: DocPath  # ("ops", id) or ("handlers", id) in ``doc``
    doc: Document
    handler: bool = False
    hosts: tuple[str, ...] | None = None
    when: str | None = None
    for_each: str | list[Any] | dict[str, Any] | None = None  # an expression, or a literal
    requires: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    desc: str | None = None
    become: bool | str | None = None  # true: root; a name: that user (sudo); None: the host's

    @property
    def span(self) -> Span:
        return self.doc.key_span(self.path)


@dataclass(frozen=True)
class IncludeDecl:
    """An ``include`` entry: another spec file or a Python deploy, with parameters."""

    file: str  # resolved path
    name: str  # prefix of the included op ids
    vars: dict[str, Any]
    hosts: tuple[str, ...] | None
    when: str | None
    tags: tuple[str, ...]
    path: DocPath  # where the entry is in the including document
    doc: Document

    @property
    def span(self) -> Span:
        return self.doc.span(self.path)


@dataclass(frozen=True)
class SpecFile:
    doc: Document
    inventory: Inventory | None  # None when the file declares no hosts
    vars: dict[str, Any]
    ops: tuple[OpDecl, ...]
    handlers: tuple[OpDecl, ...]
    includes: tuple[IncludeDecl, ...]
    modules: tuple[tuple[str, Span], ...]  # Python modules (resolved path, where named)
    secrets: tuple[tuple[str, Span], ...]  # secrets files (resolved path, where named)


def _shape_error(
    c: Collector,
    doc: Document,
    path: DocPath,
    what: str,
    expected: str,
    v: Any,
    hint: str | None = None,
) -> None:
    c.add(
        diag(
            m.WRONG_SHAPE,
            doc.span(path),
            what=what,
            expected=expected,
            got=type(v).__name__,
            hint=hint,
        )
    )


def _names(c: Collector, doc: Document, path: DocPath, v: Any, what: str) -> tuple[str, ...] | None:
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    _shape_error(c, doc, path, what, "a string or a list of strings", v)
    return None


def _expr(c: Collector, doc: Document, path: DocPath, v: Any, what: str) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):  # `when = true` is a fine constant
        return "true" if v else "false"
    key = str(path[-1])
    example = "facts.os.id == 'debian'" if key == "when" else "['a', 'b']"
    yaml = doc.format == "yaml"  # as the loader chose: ".YML" is YAML too
    written = f'{key}: "{example}"' if yaml else f'{key} = "{example}"'
    _shape_error(
        c, doc, path, what, "an expression in a string", v, hint=f"write it as a string: {written}"
    )
    return None


def _paths(
    c: Collector, doc: Document, path: DocPath, v: Any, what: str
) -> tuple[tuple[str, Span], ...]:
    names = _names(c, doc, path, v, what) or ()
    base = Path(doc.file).parent
    many = isinstance(v, list)
    return tuple(
        (str((base / n).resolve()), doc.span((*path, i) if many else path))
        for i, n in enumerate(names)
    )


def read_spec(doc: Document) -> SpecFile:
    """Read ``doc`` into a ``SpecFile``, collecting every shape error before raising."""
    c = Collector()
    for key in doc.data:
        if key not in SECTIONS:
            c.add(
                diag(
                    m.UNKNOWN_SECTION,
                    doc.key_span((key,)),
                    key=key,
                    hint=suggest(key, SECTIONS) or f"sections are: {', '.join(SECTIONS)}",
                )
            )
    inventory = read_inventory(doc, c) if "hosts" in doc.data or "groups" in doc.data else None
    variables = doc.data.get("vars", {})
    if not isinstance(variables, dict):
        _shape_error(c, doc, ("vars",), "[vars]", "a table", variables)
        variables = {}
    ops = _read_ops(c, doc, "ops")
    handlers = _read_ops(c, doc, "handlers")
    includes = _read_includes(c, doc)
    modules: tuple[tuple[str, Span], ...] = ()
    python = doc.data.get("python", {})
    if not isinstance(python, dict):
        _shape_error(c, doc, ("python",), "[python]", "a table", python)
    else:
        for key in python:
            if key != "modules":
                c.add(
                    diag(
                        m.UNKNOWN_KEY,
                        doc.key_span(("python", key)),
                        key=key,
                        where="[python]",
                        hint='[python] takes modules = ["lib/ops.py"]; deploys go in include',
                    )
                )
        if "modules" in python:
            modules = _paths(c, doc, ("python", "modules"), python["modules"], "python modules")
    secrets: tuple[tuple[str, Span], ...] = ()
    if "secrets" in doc.data:
        secrets = _paths(c, doc, ("secrets",), doc.data["secrets"], "secrets")
    c.check()
    return SpecFile(doc, inventory, variables, ops, handlers, includes, modules, secrets)


def _read_ops(c: Collector, doc: Document, section: str) -> tuple[OpDecl, ...]:
    raw = doc.data.get(section, {})
    if not isinstance(raw, dict):
        _shape_error(
            c,
            doc,
            (section,),
            f"[{section}]",
            "a table of named ops",
            raw,
            hint=f'name each one: [{section}.app_dir] op = "files.directory" …',
        )
        return ()
    out = []
    for op_id, body in raw.items():
        decl = _read_op(c, doc, section, op_id, body)
        if decl:
            out.append(decl)
    return tuple(out)


def _read_op(c: Collector, doc: Document, section: str, op_id: str, body: Any) -> OpDecl | None:
    path: DocPath = (section, op_id)
    if not isinstance(body, dict):
        _shape_error(
            c,
            doc,
            path,
            f"{section[:-1]} {op_id}",
            "a table",
            body,
            hint=f'write it as a table: [{section}.{op_id}] op = "files.file" …',
        )
        return None
    kind = body.get("op")
    if not isinstance(kind, str):
        c.add(
            diag(
                m.MISSING_KEY,
                doc.key_span(path),
                where=f"{section[:-1]} {op_id}",
                key="op",
                hint='say which operation to run, e.g. op = "files.directory"',
            )
        )
        return None
    fields: dict[str, Any] = {}
    for key in ("hosts", "requires", "before", "notify", "tags"):
        if key in body:
            fields[key] = _names(c, doc, (*path, key), body[key], f'"{key}" of {op_id}')
    for key in ("when", "for_each"):
        if key == "for_each" and isinstance(body.get(key), list | dict):
            fields[key] = body[key]  # a literal list or map, as Ansible's loop takes
        elif key in body:
            fields[key] = _expr(c, doc, (*path, key), body[key], f'"{key}" of {op_id}')
    become = body.get("become")
    if become is not None and not check("become", become)[1]:
        _shape_error(
            c,
            doc,
            (*path, "become"),
            f'"become" of {op_id}',
            expected("become"),
            become,
            hint='become = true runs the op as root through sudo; become = "app" as app',
        )
        become = None
    desc = body.get("desc")
    if desc is not None and not isinstance(desc, str):
        _shape_error(c, doc, (*path, "desc"), f'"desc" of {op_id}', "a string", desc)
        desc = None
    if section == "handlers" and "notify" in body:
        c.add(
            diag(
                m.BAD_VALUE,
                doc.key_span((*path, "notify")),
                what='"notify"',
                detail="handlers cannot notify other handlers",
                hint="give the handler's work to one handler, or use requires",
            )
        )
    args = {k: v for k, v in body.items() if k not in RESERVED}
    return OpDecl(
        id=op_id,
        kind=kind,
        args=args,
        path=path,
        doc=doc,
        handler=section == "handlers",
        hosts=fields.get("hosts"),
        when=fields.get("when"),
        for_each=fields.get("for_each"),
        requires=fields.get("requires") or (),
        before=fields.get("before") or (),
        notify=fields.get("notify") or (),
        tags=fields.get("tags") or (),
        desc=desc,
        become=become,
    )


def _read_includes(c: Collector, doc: Document) -> tuple[IncludeDecl, ...]:
    raw = doc.data.get("include", [])
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list):
        _shape_error(c, doc, ("include",), "include", "a list of files or tables", raw)
        return ()
    base = Path(doc.file).parent
    out = []
    for i, entry in enumerate(raw):
        path: DocPath = (
            ("include", i) if isinstance(doc.data.get("include"), list) else ("include",)
        )
        if isinstance(entry, str):
            entry = {"file": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            c.add(
                diag(
                    m.WRONG_SHAPE,
                    doc.span(path),
                    what="an include",
                    expected='a file name or a table with file = "…"',
                    got=type(entry).__name__,
                    hint='include = ["roles/web.toml"] or [[include]] file = "roles/web.toml"',
                )
            )
            continue
        for key in entry:
            if key not in INCLUDE_KEYS:
                c.add(
                    diag(
                        m.UNKNOWN_KEY,
                        doc.key_span((*path, key)),
                        key=key,
                        where="an include",
                        hint=suggest(key, INCLUDE_KEYS)
                        or f"include takes: {', '.join(INCLUDE_KEYS)}",
                    )
                )
        variables = entry.get("vars", {})
        if not isinstance(variables, dict):
            _shape_error(c, doc, (*path, "vars"), "include vars", "a table", variables)
            variables = {}
        hosts = (
            _names(c, doc, (*path, "hosts"), entry["hosts"], "include hosts")
            if "hosts" in entry
            else None
        )
        when = (
            _expr(c, doc, (*path, "when"), entry["when"], "include when")
            if "when" in entry
            else None
        )
        tags = _names(c, doc, (*path, "tags"), entry.get("tags", []), "include tags") or ()
        file = str((base / entry["file"]).resolve())
        name = entry.get("name") or Path(entry["file"]).stem
        if not isinstance(name, str):
            _shape_error(c, doc, (*path, "name"), "include name", "a string", name)
            continue
        out.append(IncludeDecl(file, name, variables, hosts, when, tags, path, doc))
    return tuple(out)
