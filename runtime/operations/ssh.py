"""SSH: ssh.authorized_key, ssh.known_host, ssh.keygen.

A user's ``authorized_keys`` is found through their home directory on the
host (``ssh.AuthorizedKeys`` reads it by user name), so an account created
earlier in the same run works; edits keep every other line as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, attrs_of, register
from specops.runtime.core.reach import Reach, of_paths
from specops.runtime.core.words import check_absolute, check_name, check_one_line
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.ssh import AuthorizedKeys
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)

KEY = re.compile(r"^(\S+ )?(ssh-(ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-\S+) [A-Za-z0-9+/=]+( .*)?$")


def check_key(v: Any) -> str | None:
    return None if isinstance(v, str) and KEY.match(v.strip()) else "not an OpenSSH public key line"


def key_id(line: str) -> tuple[str, str] | None:
    """(type, base64 blob) of a key line, ignoring options and comment."""
    parts = line.split()
    for i, p in enumerate(parts[:-1]):
        if p.startswith(("ssh-", "ecdsa-", "sk-")):
            return p, parts[i + 1]
    return None


@dataclass(frozen=True)
class AuthorizedKeyArgs:
    user: str = arg(doc="Whose authorized_keys.", check=check_name)
    key: str = arg(
        doc='The public key line, e.g. "ssh-ed25519 AAAA… alice@laptop".', check=check_key
    )
    present: bool = arg(True, doc="false removes the key (matched by type and key, not comment).")


def _edit_keys(lines: list[str], a: AuthorizedKeyArgs) -> list[str]:
    want = key_id(a.key)
    kept = [x for x in lines if key_id(x) != want]
    if a.present:
        # The same key with another comment or options counts as present.
        return lines if len(kept) < len(lines) else [*lines, a.key.strip()]
    return kept


@register
class AuthorizedKey(Operation[AuthorizedKeyArgs]):
    """Ensure a public key is in a user's ~/.ssh/authorized_keys (or is not).

    The .ssh directory and the file are created with modes 0700 and 0600, owned by the user.
    Example: ``[ops.alice] op = "ssh.authorized_key"  user = "deploy"
    key = "ssh-ed25519 AAAAC3Nza… alice@laptop"``
    """

    kind = "ssh.authorized_key"
    declares = Declares(identity=("user", "key"), refers=(("user", "user"),))

    def facts(self, a: AuthorizedKeyArgs) -> list[FactRef[Any]]:
        return [AuthorizedKeys.ref(user=a.user)]

    def plan(self, a: AuthorizedKeyArgs, f: Facts) -> list[Change]:
        lines = f[AuthorizedKeys.ref(user=a.user)]
        new = _edit_keys(lines or [], a)
        if lines is not None and new == lines:
            return []
        if lines is None and not a.present:
            return []
        if a.present:
            # Appends only if an identical key is not there: safe if the file changed since.
            k = a.key.strip()
            cmd = sh(
                raw("h=$(getent passwd"), a.user, raw("| cut -d: -f6) && g=$(id -gn"), a.user,
                raw(') && install -d -m 700 -o'), a.user, raw('-g "$g" "$h/.ssh"'),
                raw('&& f="$h/.ssh/authorized_keys" && touch "$f" && chown'), f"{a.user}:",
                raw('"$f" && chmod 600 "$f" && { grep -qxF --'), k,
                raw('"$f" || printf \'%s\\n\''), k, raw('>> "$f"; }'),
            )  # fmt: skip
            return [Change(Action.CREATE, f"authorize key {_short(a.key)} for {a.user}", (cmd,))]
        kid = key_id(a.key)
        assert kid is not None  # checked by check_key
        # Filter on the host by the key itself, so lines added since the plan survive.
        # A file (or a user) gone since the plan holds no key: nothing to remove then.
        cmd = sh(
            raw("h=$(getent passwd"),
            a.user,
            raw("| cut -d: -f6);"),
            raw('f="$h/.ssh/authorized_keys"; if [ -n "$h" ] && [ -f "$f" ]; then'),
            raw('t=$(mktemp "$f.XXXXXXXX") &&'),
            raw("{ grep -vF --"),
            kid[1],
            raw('"$f" || true; } > "$t" &&'),
            raw('chmod --reference "$f" "$t" && chown --reference "$f" "$t" && mv -f "$t" "$f";'),
            raw("fi"),
        )
        return [Change(Action.DELETE, f"remove key {_short(a.key)} for {a.user}", (cmd,))]

    def effects(self, a: AuthorizedKeyArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        ref = AuthorizedKeys.ref(user=a.user)
        lines: list[str] | None = f[ref]
        return {ref: _edit_keys(lines or [], a)}


def _short(key: str) -> str:
    kid = key_id(key)
    # Options come before the type: the last word is a comment only when it is not the key.
    comment = key.split()[-1] if kid and key.split()[-1] != kid[1] else ""
    return f"{kid[0] if kid else '?'} …{kid[1][-8:] if kid else ''}" + (
        f" ({comment})" if comment else ""
    )


@dataclass(frozen=True)
class KnownHostArgs:
    host: str = arg(doc='Host name or "[host]:port" as ssh looks it up.', check=check_one_line)
    key: str = arg(doc='Its public host key, e.g. "ssh-ed25519 AAAA…".', check=check_key)
    path: str = arg("/etc/ssh/ssh_known_hosts", doc="The known_hosts file.", check=check_absolute)
    present: bool = arg(True, doc="false removes the host's entries of that key type.")


def edit_known_hosts(text: str, a: KnownHostArgs) -> str:
    """One ``host key`` line for (host, key type); others untouched (pure)."""
    kid = key_id(a.key)
    assert kid is not None
    want = f"{a.host} {kid[0]} {kid[1]}"
    out, done = [], False
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and a.host in parts[0].split(",") and parts[1] == kid[0]:
            if a.present and not done:
                out.append(line if parts[2] == kid[1] else want)
                done = True
            continue
        out.append(line)
    if a.present and not done:
        out.append(want)
    return "".join(x + "\n" for x in out)


@register
class KnownHost(Operation[KnownHostArgs]):
    """Ensure a host's public key is trusted in a known_hosts file (replacing an old key).

    Example: ``[ops.github] op = "ssh.known_host"  host = "github.com"
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"``
    """

    kind = "ssh.known_host"
    declares = Declares(
        identity=("path", "host", "key"),
        resource="path",
        part_of=("files.file", "content"),
    )

    def facts(self, a: KnownHostArgs) -> list[FactRef[Any]]:
        return content_facts(a.path)

    def _new(self, a: KnownHostArgs, f: Facts) -> str | None:
        st, cur = current(a.path, f)
        if st is None and not a.present:
            return None
        return edit_known_hosts(text_of(cur, a.path), a)

    def plan(self, a: KnownHostArgs, f: Facts) -> list[Change]:
        new = self._new(a, f)
        if new is None:
            return []
        return ensure_content(a.path, encode(new), f, mode="0644", exact=False, what="known_hosts")

    def effects(self, a: KnownHostArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        new = self._new(a, f)
        return {} if new is None else content_effects(a.path, encode(new), f, mode="0644")


@dataclass(frozen=True)
class KeygenArgs:
    path: str = arg(
        doc="The private key file; the public key goes to PATH.pub.", check=check_absolute
    )
    type: Literal["ed25519", "rsa", "ecdsa"] = arg("ed25519", doc="Key type.")
    user: str | None = arg(None, doc="Owner of both files (the directory is created for them).")
    comment: str = arg("", doc="The key's comment.")


@register
class Keygen(Operation[KeygenArgs]):
    """Ensure an SSH key pair exists (``ssh-keygen``, no passphrase); an existing key is kept.

    Example: ``[ops.deploy_key] op = "ssh.keygen"  path = "/home/deploy/.ssh/id_ed25519"
    user = "deploy"``
    """

    kind = "ssh.keygen"
    declares = Declares(identity=("path",), resource="path", refers=(("user", "user"),))

    def reach(self, a: KeygenArgs) -> Reach:
        return of_paths(a.path, a.path + ".pub")

    def facts(self, a: KeygenArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path=a.path)]

    def plan(self, a: KeygenArgs, f: Facts) -> list[Change]:
        if f[FileInfo.ref(path=a.path)] is not None:
            return []
        directory = a.path.rsplit("/", 1)[0] or "/"
        cmds = [sh(raw("mkdir -p -m 700 --"), directory)]
        cmds.append(
            sh(
                raw("[ -e"),
                a.path,
                raw("] || ssh-keygen -q -N '' -t"),
                a.type,
                "-C",
                a.comment,
                "-f",
                a.path,
            )
        )
        if a.user:
            cmds.append(sh("chown", f"{a.user}:", "--", directory, a.path, f"{a.path}.pub"))
        return [Change(Action.CREATE, f"generate {a.type} key {a.path}", tuple(cmds))]

    def effects(self, a: KeygenArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {
            FileInfo.ref(path=a.path): FileStat(
                "file", "0600", a.user or "root", a.user or "root", 411
            )
        }


@dataclass(frozen=True)
class SshdOptionArgs:
    name: str = arg(
        doc="sshd_config keyword, e.g. PasswordAuthentication.",
        check=lambda v: (
            None if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", v) else f"{v!r} is not an sshd keyword"
        ),
    )
    value: str = arg(doc='Its value, e.g. "no".', check=check_one_line)


def _sshd_path(a: SshdOptionArgs) -> str:
    # sshd takes the first value it reads: 10- sorts before Debian's own drop-ins.
    return f"/etc/ssh/sshd_config.d/10-specops-{a.name.lower()}.conf"


@register
class SshdOption(Operation[SshdOptionArgs]):
    """Ensure an sshd option in a drop-in under /etc/ssh/sshd_config.d, checked by ``sshd -t``.

    The option is checked with ``sshd -t -o NAME=VALUE`` before anything is written,
    so a typo cannot lock you out. sshd reads it on its next reload: notify a
    handler that reloads ssh.
    Example: ``[ops.no_passwords] op = "ssh.sshd_option"  name = "PasswordAuthentication"
    value = "no"``
    """

    kind = "ssh.sshd_option"
    declares = Declares(identity=("name",))

    def attributes(self, a: SshdOptionArgs) -> list[PathAttrs]:
        return attrs_of(_sshd_path(a), "0644")

    def facts(self, a: SshdOptionArgs) -> list[FactRef[Any]]:
        return content_facts(_sshd_path(a))

    def plan(self, a: SshdOptionArgs, f: Facts) -> list[Change]:
        changes = ensure_content(_sshd_path(a), _sshd_data(a), f, mode="0644", what="sshd drop-in")
        if not changes:
            return []
        check = sh("sshd", "-t", "-o", f"{a.name}={a.value}")
        first = changes[0]
        return [
            Change(first.action, first.summary, (check, *first.commands), first.diff),
            *changes[1:],
        ]

    def effects(self, a: SshdOptionArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(_sshd_path(a), _sshd_data(a), f, mode="0644")


def _sshd_data(a: SshdOptionArgs) -> bytes:
    return f"{a.name} {a.value}\n".encode()
