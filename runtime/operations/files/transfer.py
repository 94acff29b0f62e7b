"""Content from elsewhere: files.template, files.download (files.copy, files.sync: ``sync``).

Templates (and copied files) are read on the controller while planning, so the
plan shows the exact diff the apply will write. A download is fetched by the host
itself and lands atomically, only if its checksum matches.
"""

from __future__ import annotations

import os
import posixpath
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of, register
from specops.runtime.core.words import group_arg, mode_arg, path_arg, user_arg
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.host import OsRelease, Uname
from specops.runtime.kit.content import content_effects, content_facts, ensure_content
from specops.runtime.kit.filestate import attr_changes
from specops.runtime.kit.writes import _owner, validate_arg


def _read(src: str, what: str) -> bytes:
    try:
        if not stat.S_ISREG(os.stat(src).st_mode):  # a FIFO would block the plan forever
            raise PlanError(f"cannot read {what} {src}: it is not a regular file")
        return Path(src).read_bytes()
    except OSError as e:
        raise PlanError(f"cannot read {what} {src}: {e.strerror}") from None


# -- files.template -------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateArgs:
    path: str = path_arg("Where the rendered file goes on the host.")
    src: str = arg(local_path=True, doc="The Jinja2 template (.j2) on the controller.")
    vars: dict[str, Any] = arg(
        default_factory=dict,
        scope=True,
        doc="Values the template sees: the host's variables (not the sensitive ones) and "
        "`host`, plus what you give here, e.g. vars = { token = \"${ env('TOKEN') }\" }.",
    )
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()
    validate: str | None = validate_arg()


# As Ansible renders: the newline after a block tag ({% if %}, {% for %}) is dropped
# (trim_blocks), leading whitespace before one is kept (no lstrip_blocks), and a
# final newline stays.
_ENV = jinja2.sandbox.SandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,
    trim_blocks=True,
)


# A template renders a config file: bounded like any value specops makes.
MAX_RENDERED = 10 * 1024 * 1024
RENDER_SECONDS = 10.0


def render(a: TemplateArgs, facts: dict[str, Any]) -> bytes:
    """The rendered template (pure but for reading ``src``); every error is a PlanError.

    Rendering streams, so a template that would grow past ``MAX_RENDERED`` or run
    past ``RENDER_SECONDS`` is stopped (a loop that prints nothing is not).
    """
    source = _read(a.src, "template").decode("utf-8")
    try:
        tpl = _ENV.from_string(source)
        out: list[str] = []
        size, deadline = 0, time.monotonic() + RENDER_SECONDS
        for chunk in tpl.generate({**a.vars, "vars": a.vars, "facts": facts}):
            out.append(chunk)
            size += len(chunk)
            if size > MAX_RENDERED:
                raise PlanError(f"{a.src}: the rendered file would be larger than 10 MiB")
            if time.monotonic() > deadline:
                raise PlanError(f"{a.src}: rendering took longer than {RENDER_SECONDS:.0f} s")
        return "".join(out).encode("utf-8")
    except PlanError:
        raise
    except jinja2.TemplateSyntaxError as e:
        raise PlanError(f"{a.src}:{e.lineno}: template syntax error: {e.message}") from None
    except jinja2.UndefinedError as e:
        raise PlanError(f"{a.src}: {e.message}") from None
    except jinja2.TemplateError as e:
        raise PlanError(f"{a.src}: {e}") from None
    except RecursionError:
        raise PlanError(
            f"{a.src}: the template recurses too deeply (a macro calling itself?)"
        ) from None
    except Exception as e:  # include without a loader, a filter given the wrong type, …
        raise PlanError(f"{a.src}: rendering failed: {type(e).__name__}: {e}") from None


@register
class Template(Operation[TemplateArgs]):
    """Render a Jinja2 template from the controller into a file on the host.

    The template sees each entry of ``vars`` as a name (and all of them as ``vars``),
    plus ``facts``: ``facts.os`` (/etc/os-release, lower-case keys), ``facts.hostname``,
    ``facts.arch`` and ``facts.kernel``. Rendering is sandboxed and strict: an
    undefined name is an error, never an empty string. As in Ansible, the newline
    after a block tag (``{% if %}``, ``{% for %}``) is dropped (Jinja's ``trim_blocks``)
    and the final newline is kept, so Ansible templates render the same. The spec's
    variables (all but the sensitive ones) and ``host.name`` are in scope; pass a
    secret in ``vars`` to use it, and the op's diff is then hidden.
    Example: ``[ops.vhost] op = "files.template"  src = "templates/vhost.conf.j2"
    path = "/etc/apache2/sites-available/app.conf"  vars = { port = "${port}" }``
    """

    kind = "files.template"
    declares = Declares(
        identity=("path",),
        resource="path",
        refers=(("user", "user"), ("group", "group")),
    )

    def attributes(self, a: TemplateArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode, a.user, a.group)

    def facts(self, a: TemplateArgs) -> list[FactRef[Any]]:
        return [*content_facts(a.path), OsRelease.ref(), Uname.ref()]

    def _data(self, a: TemplateArgs, f: Facts) -> bytes:
        uname = f[Uname.ref()]
        return render(a, {"os": f[OsRelease.ref()], **uname})

    def plan(self, a: TemplateArgs, f: Facts) -> list[Change]:
        return ensure_content(
            a.path,
            self._data(a, f),
            f,
            mode=a.mode,
            user=a.user,
            group=a.group,
            validate=a.validate,
        )

    def effects(self, a: TemplateArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        data = self._data(a, f)
        return content_effects(a.path, data, f, mode=a.mode, user=a.user, group=a.group)


# -- files.download -------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadArgs:
    url: str = arg(doc="http(s) URL fetched by the host (curl, wget or python3, whichever it has).")
    path: str = path_arg("Where the file goes on the host.")
    sha256: str | None = arg(
        None,
        doc="Expected SHA-256: the download must match, and a file that already "
        "matches is not fetched again. Without it, an existing file is kept.",
        check=lambda v: (
            None
            if len(v) == 64 and all(c in "0123456789abcdef" for c in v)
            else "not a lower-case hex SHA-256"
        ),
    )
    mode: str | None = mode_arg()
    user: str | None = user_arg()
    group: str | None = group_arg()


def fetch(url: str, path: str, digest: str | None, a: DownloadArgs, existing: bool) -> Command:
    """Download into a temp file beside ``path``, check it, set it up, then rename."""
    directory, name = posixpath.split(path)
    parts: list[Any] = [
        raw("t=$(mktemp --"),
        posixpath.join(directory or ".", f".{name}.specops-XXXXXXXX"),
        raw(') && { if command -v curl >/dev/null; then curl -fsSL -o "$t" --'),
        url,
        raw('; elif command -v wget >/dev/null; then wget -q -O "$t" --'),
        url,
        raw("; else python3 -c"),
        "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])",
        url,
        raw('"$t"; fi'),
    ]
    if digest:
        parts += [raw('&& [ "$(sha256sum < "$t" | cut -c1-64)" ='), digest, raw("] || { echo"),
                  f"checksum mismatch for {url}", raw(">&2; false; }")]  # fmt: skip
    if existing:
        parts += [
            raw("&& chmod --reference"),
            path,
            raw('"$t" && chown --reference'),
            path,
            raw('"$t"'),
        ]
    if a.mode or not existing:
        parts += [raw("&& chmod"), a.mode or "0644", raw('"$t"')]  # mktemp made it 0600
    owner = _owner(a.user, a.group)
    if owner:
        parts += [raw("&& chown"), owner, raw('"$t"')]
    parts += [raw("&& mv -f --"), raw('"$t"'), path, raw('; } || { rm -f -- "$t"; exit 1; }')]
    return sh(*parts)


@register
class Download(Operation[DownloadArgs]):
    """Download a URL to a file on the host, checked against a SHA-256.

    The host fetches the URL itself; the file lands atomically and only if its
    checksum matches.
    Example: ``[ops.tool] op = "files.download"  url = "https://example.org/tool.tar.gz"
    path = "/opt/tool.tar.gz"  sha256 = "…"``
    """

    kind = "files.download"
    declares = Declares(
        identity=("path",),
        resource="path",
        refers=(("user", "user"), ("group", "group")),
    )

    def attributes(self, a: DownloadArgs) -> list[PathAttrs]:
        return attrs_of(a.path, a.mode, a.user, a.group)

    def facts(self, a: DownloadArgs) -> list[FactRef[Any]]:
        return content_facts(a.path)

    def plan(self, a: DownloadArgs, f: Facts) -> list[Change]:
        st = f[FileInfo.ref(path=a.path)]
        cur = f[FileContent.ref(path=a.path)]
        if st is not None and st.type != "file":
            raise PlanError(f"{a.path} exists and is a {st.type}, not a regular file")
        if st is not None and (a.sha256 is None or (cur and cur.sha256 == a.sha256)):
            return attr_changes(a.path, st, a.mode, a.user, a.group)
        act = Action.CREATE if st is None else Action.UPDATE
        verb = "download" if st is None else "download again (checksum differs)"
        return [
            Change(
                act,
                f"{verb} {a.url} → {a.path}",
                (fetch(a.url, a.path, a.sha256, a, st is not None),),
            )
        ]

    def effects(self, a: DownloadArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[FileInfo.ref(path=a.path)]
        out: dict[FactRef[Any], Any] = {
            FileInfo.ref(path=a.path): FileStat(
                "file",
                (a.mode or (st.mode if st else "0644")).zfill(4),
                a.user or (st.user if st else "root"),
                a.group or (st.group if st else "root"),
                st.size if st else 0,
            )
        }
        if a.sha256:
            out[FileContent.ref(path=a.path)] = Content(a.sha256, None)
        return out
