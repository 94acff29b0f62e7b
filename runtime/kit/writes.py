"""Atomic writes on hosts: a temp file in the same directory, set up, then renamed.

Every file specops writes goes through ``write_file``: the content lands in a
private ``mktemp`` file beside the target, gets its mode and owner, and only
then replaces the target with one ``rename``. A reader sees the old file or
the new one, never a mix. ``write_if_unchanged`` adds a compare-and-swap guard
for edits computed from the content the plan saw (``files.line``).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from typing import Any

from specops.compiler.catalog import arg
from specops.runtime.core.command import SENSITIVE, Command, Part, Staged, raw, sh


def validate_arg() -> Any:
    """The ``validate`` argument of ops that write a file."""
    return arg(
        None,
        doc="A command that checks the new file before it replaces the old one; %s is the new "
        'file, e.g. "visudo -cf %s", "sshd -t -f %s", "nginx -t -c %s". A file that fails '
        "is never put in place: the op fails with the command's output.",
        check=lambda v: None if "%s" in v else 'must name the new file as %s, e.g. "visudo -cf %s"',
    )


def _validation(validate: str) -> list[Part]:
    # The user's shell code, with the temp file as "$1" (never spliced into the code).
    code = validate.replace("%s", '"$1"')
    return [raw("&& sh -c"), code, raw('specops-validate "$t"')]


# Contents up to this size travel inside the apply script; larger ones by SFTP first.
INLINE_LIMIT = 256 * 1024


def _owner(user: str | None, group: str | None) -> str | None:
    if user and group:
        return f"{user}:{group}"
    if user:
        return user
    if group:
        return f":{group}"
    return None


def write_file(
    path: str,
    data: bytes,
    *,
    mode: str | None,
    user: str | None,
    group: str | None,
    existing: bool,
    validate: str | None = None,
) -> Command:
    """Replace ``path`` with ``data`` atomically.

    Unset mode/owner keep those of the existing file; a new file without a mode
    gets 0644, or 0600 when it holds sensitive values (``SENSITIVE``).
    ``validate`` checks the new file before the rename (see ``validate_arg``).
    """
    directory, name = posixpath.split(path)
    template = posixpath.join(directory or ".", f".{name}.specops-XXXXXXXX")
    tmp = raw('"$t"')
    uploads: tuple[tuple[str, bytes], ...] = ()
    if len(data) > INLINE_LIMIT:
        # Large content is uploaded (SFTP) before the script runs, then copied in.
        staged = Staged(hashlib.sha256(data).hexdigest())
        uploads = ((staged.name, data),)
        fill: list[Part] = [raw("cat --"), staged, raw(">"), tmp]
    else:
        payload = base64.b64encode(data).decode("ascii")
        fill = [raw("printf %s"), payload, raw("| base64 -d >"), tmp]
    parts: list[Part] = [raw("t=$(mktemp --"), template, raw(") && {"), *fill]
    # getopt_long takes "--reference FILE" as well as "--reference=FILE".
    if existing:
        parts += [raw("&& chmod --reference"), path, tmp, raw("&& chown --reference"), path, tmp]
    if mode or not existing:
        parts += [raw("&& chmod"), mode or ("0600" if SENSITIVE.get() else "0644"), tmp]
    owner = _owner(user, group)
    if owner:
        parts += [raw("&& chown"), owner, tmp]
    if validate:
        parts += _validation(validate)
    parts += [raw("&& mv -f --"), tmp, path, raw('; } || { rm -f -- "$t"; exit 1; }')]
    return Command(tuple(parts), uploads)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_if_unchanged(
    path: str,
    old: bytes | None,
    new: bytes,
    *,
    mode: str | None = None,
    user: str | None = None,
    group: str | None = None,
    validate: str | None = None,
) -> Command:
    """Write ``new`` only if ``path`` still holds ``old`` (None: absent).

    A no-op when the file already holds ``new``; an error when it holds anything else
    (a file that appeared since the plan is never overwritten either). ``mode`` and
    the owner apply to the file written, as in ``write_file``.
    """
    expect = sha256(old) if old is not None else "absent"
    write = write_file(
        path, new, mode=mode, user=user, group=group, existing=old is not None, validate=validate
    )
    return (
        sh(
            raw("if [ -e"),
            path,
            raw("]; then c=$(sha256sum <"),
            path,
            raw("| cut -c1-64); else c=absent; fi;"),
            raw('if [ "$c" ='),
            sha256(new),
            raw(']; then :; elif [ "$c" ='),
            expect,
            raw("]; then"),
        )
        + write
        + sh(
            raw("; else echo"),
            f"{path} changed on the host since it was planned; plan again",
            raw(">&2; exit 1; fi"),
        )
    )
