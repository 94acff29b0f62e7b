"""Facts about the system: users and groups, sysctl, cron, mounts, locales, alternatives.

OS release, kernel, arch and hostname for expressions are ``host.*`` facts (facts/host.py).

Each is one read-only command that exits 0 whatever the host's state (a
missing tool or file reads as "none"), and a pure parser tested from output
recorded on real Debian hosts (``tests/facts/server.*``).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, NoParams
from specops.runtime.core.words import check_name


@dataclass(frozen=True)
class HostnameState:
    running: str  # what the kernel says now
    configured: str  # /etc/hostname ('' when missing)


class Hostname(Fact[HostnameState]):
    """The running hostname and the one in /etc/hostname."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("uname -n; cat /etc/hostname 2>/dev/null | head -n1; true"))

    @classmethod
    def parse(cls, output: str) -> HostnameState:
        lines = [*output.splitlines(), "", ""]
        return HostnameState(lines[0].strip(), lines[1].strip())


@dataclass(frozen=True)
class User:
    uid: int
    gid: int
    home: str
    shell: str
    comment: str = ""


class Users(Fact[dict[str, User]]):
    """Every account in the passwd database (``getent passwd``), by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("getent passwd"))

    @classmethod
    def parse(cls, output: str) -> dict[str, User]:
        out = {}
        for line in output.splitlines():  # splitlines also ends a line at CR
            parts = line.split(":")
            # NIS "+" entries and anything else without numeric ids are not accounts
            if len(parts) < 7 or not (parts[2].isdigit() and parts[3].isdigit()):
                continue
            name, _, uid, gid, comment, home, shell = parts[:7]
            out[name] = User(int(uid), int(gid), home, shell, comment)
        return out


@dataclass(frozen=True)
class Group:
    gid: int
    members: list[str]


class Groups(Fact[dict[str, Group]]):
    """Every group (``getent group``) with its supplementary members, by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("getent group"))

    @classmethod
    def parse(cls, output: str) -> dict[str, Group]:
        out = {}
        for line in output.splitlines():  # splitlines also ends a line at CR
            parts = line.split(":")
            if len(parts) < 4 or not parts[2].isdigit():  # NIS "+" entries, garbage
                continue
            members = [m for m in parts[3].split(",") if m]
            out[parts[0]] = Group(int(parts[2]), members)
        return out


@dataclass(frozen=True)
class SysctlParams:
    """The parameters of ``Sysctl``."""

    key: str = arg(doc='Kernel parameter, e.g. "net.ipv4.ip_forward".')


class Sysctl(Fact[str | None]):
    """The live value of one kernel parameter (whitespace collapsed); None if unknown."""

    Params = SysctlParams

    @classmethod
    def command(cls, p: SysctlParams) -> Command:
        return sh(raw("sysctl -n --"), p.key, raw("2>/dev/null || echo '@@absent'"))

    @classmethod
    def parse(cls, output: str) -> str | None:
        text = output.strip()
        if text == "@@absent":
            return None
        return " ".join(text.split())


@dataclass(frozen=True)
class CrontabParams:
    """The parameters of ``Crontab``."""

    user: str = arg(doc="Whose crontab.", check=check_name)


class Crontab(Fact[str | None]):
    """A user's crontab as ``crontab -l`` prints it; None when the user has none."""

    Params = CrontabParams

    @classmethod
    def command(cls, p: CrontabParams) -> Command:
        return sh(
            raw("if command -v crontab >/dev/null && c=$(crontab -l -u"),
            p.user,
            raw("2>/dev/null); then printf 'tab:'; printf '%s\\n' \"$c\" | base64 -w0;"),
            raw("else printf none; fi; echo"),
        )

    @classmethod
    def parse(cls, output: str) -> str | None:
        text = output.strip()
        if not text.startswith("tab:"):
            return None
        return base64.b64decode(text[4:]).decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Mount:
    source: str
    fstype: str
    options: str


class Mounts(Fact[dict[str, Mount]]):
    """What is mounted where (from /proc/self/mounts), by mount point; the last mount wins."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("cat /proc/self/mounts"))

    @classmethod
    def parse(cls, output: str) -> dict[str, Mount]:
        out = {}
        for line in output.splitlines():
            parts = line.split()
            if len(parts) < 4:
                continue
            # the kernel writes space, tab, newline and backslash as \ooo; the rest as is
            point = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), parts[1])
            out[point] = Mount(parts[0], parts[2], parts[3])
        return out


_OCTAL = re.compile(r"\\([0-7]{3})")


class Locales(Fact[list[str]]):
    """Locales the C library can use (``locale -a``), normalized (``en_US.utf8``)."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("locale -a 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> list[str]:
        return sorted({line.strip() for line in output.splitlines() if line.strip()})


@dataclass(frozen=True)
class AlternativeState:
    mode: str  # "auto" or "manual"
    value: str  # the path the link points at now
    choices: list[str]


@dataclass(frozen=True)
class AlternativeParams:
    """The parameters of ``Alternative``."""

    name: str = arg(doc='Alternatives group, e.g. "editor".')


class Alternative(Fact[AlternativeState | None]):
    """One Debian alternatives group (``update-alternatives --query``); None if unknown."""

    Params = AlternativeParams

    @classmethod
    def command(cls, p: AlternativeParams) -> Command:
        return sh(raw("update-alternatives --query"), p.name, raw("2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> AlternativeState | None:
        mode = value = ""
        choices = []
        for line in output.splitlines():
            if line.startswith("Status:"):
                mode = line.split(":", 1)[1].strip()
            elif line.startswith("Value:"):
                value = line.split(":", 1)[1].strip()
            elif line.startswith("Alternative:"):
                choices.append(line.split(":", 1)[1].strip())
        if not mode:
            return None
        return AlternativeState(mode, value, choices)


@dataclass(frozen=True)
class CommandStatusParams:
    """The parameters of ``CommandStatus``."""

    command: str = arg(doc="A read-only check command, run with sh -c.")


class CommandStatus(Fact[int]):
    """The exit status of a read-only check command (used by ``unless``)."""

    Params = CommandStatusParams

    @classmethod
    def command(cls, p: CommandStatusParams) -> Command:
        return sh("sh", "-c", p.command, raw(">/dev/null 2>&1 </dev/null; echo $?"))

    @classmethod
    def parse(cls, output: str) -> int:
        return int(output.strip())
