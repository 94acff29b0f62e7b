"""The argument words every family uses, each with its check and doc: an absolute path,
permission bits, an owner, a group, a one-line value, a regular expression.

A family declares ``path: str = path_arg("…")`` instead of writing the check again;
a word's check runs in the compiler's validation, so a bad value is a located error
in the spec, the deploy or the command line.
"""

from __future__ import annotations

import re
from typing import Any

from specops.compiler.catalog import MODE_HINT, arg, check_octal_mode


def check_absolute(v: Any) -> str | None:
    if isinstance(v, str) and v.startswith("/") and "\0" not in v:
        return None
    return f"{v!r} is not an absolute path"


def check_regex(v: Any) -> str | None:
    try:
        re.compile(v)
    except re.error as e:
        return f"not a valid regular expression: {e}"
    return None


def path_arg(doc: str) -> Any:
    return arg(doc=doc, check=check_absolute)


def mode_arg(default: str | None = None) -> Any:
    return arg(
        default,
        doc='Permission bits as an octal string, e.g. "0644".',
        check=check_octal_mode,
        type_hint=MODE_HINT,
    )


def user_arg() -> Any:
    return arg(None, doc="Owning user name.")


def group_arg() -> Any:
    return arg(None, doc="Owning group name.")


def check_one_line(v: Any) -> str | None:
    """For values written as one line of a config file: a line break would add a line
    the spec never declared (another sshd directive, a unit's ExecStartPre=)."""
    if isinstance(v, str) and ("\n" in v or "\r" in v):
        return "must be one line: a line break would add a line to the file"
    return None


USER_NAME = re.compile(r"^[a-z_][a-z0-9_.-]*\$?$")


def check_name(v: Any) -> str | None:
    if isinstance(v, str) and USER_NAME.match(v) and len(v) <= 32:
        return None
    return f"{v!r} is not a valid user or group name"


UNIT = re.compile(r"^[A-Za-z0-9:_.@\\-]+$")


def check_unit(v: Any) -> str | None:
    return None if isinstance(v, str) and UNIT.match(v) else f"{v!r} is not a unit name"
