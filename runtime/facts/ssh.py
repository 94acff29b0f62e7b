"""Facts about SSH: the lines of a user's ``authorized_keys`` (``ssh.AuthorizedKeys``),
found through the user's home directory on the host, so an account created earlier in
the same run works."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact
from specops.runtime.core.words import check_name


@dataclass(frozen=True)
class AuthorizedKeysParams:
    """The parameters of ``AuthorizedKeys``."""

    user: str = arg(doc="Whose ~/.ssh/authorized_keys.", check=check_name)


class AuthorizedKeys(Fact[list[str] | None]):
    """The lines of a user's ~/.ssh/authorized_keys ([] when missing); None if no such user."""

    Params = AuthorizedKeysParams

    @classmethod
    def command(cls, p: AuthorizedKeysParams) -> Command:
        return sh(
            raw("h=$(getent passwd"), p.user, raw("| cut -d: -f6) && [ -n \"$h\" ] &&"),
            raw('{ printf "keys:"; cat "$h/.ssh/authorized_keys" 2>/dev/null | base64 -w0;'),
            raw("echo; }"),
            raw("|| echo nouser"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> list[str] | None:
        text = output.strip()
        if not text.startswith("keys:"):
            return None
        return base64.b64decode(text[5:]).decode("utf-8", "surrogateescape").splitlines()
