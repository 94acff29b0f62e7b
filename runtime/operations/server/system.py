"""System settings: server.hostname, timezone, locale, sysctl, alternatives, reboot.

Each compares the state facts report with the declared one and changes only
what differs; a second plan after an apply finds nothing to do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, register
from specops.runtime.core.reach import Reach
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.server import (
    Alternative,
    AlternativeState,
    Hostname,
    HostnameState,
    Locales,
    Sysctl,
)
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    ensure_content,
    text_of,
)
from specops.runtime.kit.filestate import relink
from specops.runtime.kit.writes import write_file

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def check_hostname(v: Any) -> str | None:
    return None if isinstance(v, str) and HOSTNAME.match(v) else f"{v!r} is not a valid host name"


@dataclass(frozen=True)
class HostnameArgs:
    name: str = arg(
        doc="The host name (letters, digits, hyphens; dots for an FQDN).", check=check_hostname
    )


@register
class HostnameOp(Operation[HostnameArgs]):
    """Ensure the host name, both running (``hostname``) and in /etc/hostname.

    /etc/hosts is left alone: declare its line with ``files.line`` if you need one.
    Example: ``[ops.name] op = "server.hostname"  name = "web1"``
    """

    kind = "server.hostname"
    declares = Declares(identity=())

    def facts(self, a: HostnameArgs) -> list[FactRef[Any]]:
        return [Hostname.ref()]

    def plan(self, a: HostnameArgs, f: Facts) -> list[Change]:
        st = f[Hostname.ref()]
        cmds = []
        if st.configured != a.name:
            data = (a.name + "\n").encode()
            cmds.append(
                write_file(
                    "/etc/hostname",
                    data,
                    mode="0644",
                    user=None,
                    group=None,
                    existing=bool(st.configured),
                )
            )
        if st.running != a.name:
            cmds.append(sh("hostname", a.name))
        if not cmds:
            return []
        return [Change(Action.UPDATE, f"hostname {st.running} → {a.name}", tuple(cmds))]

    def effects(self, a: HostnameArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {Hostname.ref(): HostnameState(a.name, a.name)}


ZONE = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")


@dataclass(frozen=True)
class TimezoneArgs:
    name: str = arg(
        doc='IANA time zone, e.g. "Europe/Paris" or "Etc/UTC".',
        check=lambda v: None if ZONE.match(v) else f"{v!r} is not a time zone name",
    )


@register
class Timezone(Operation[TimezoneArgs]):
    """Ensure the system time zone: /etc/localtime links to the zone file, /etc/timezone names it.

    Needs the tzdata package (the zone file must exist).
    Example: ``[ops.tz] op = "server.timezone"  name = "Europe/Paris"``
    """

    kind = "server.timezone"

    def facts(self, a: TimezoneArgs) -> list[FactRef[Any]]:
        return [
            FileInfo.ref(path="/etc/localtime"),
            FileInfo.ref(path=f"/usr/share/zoneinfo/{a.name}"),
            *content_facts("/etc/timezone"),
        ]

    def plan(self, a: TimezoneArgs, f: Facts) -> list[Change]:
        zone = f"/usr/share/zoneinfo/{a.name}"
        if f[FileInfo.ref(path=zone)] is None:
            raise PlanError(
                f"unknown time zone {a.name!r}: {zone} does not exist (is tzdata installed?)"
            )
        cmds = []
        link = f[FileInfo.ref(path="/etc/localtime")]
        if link is None:
            cmds.append(sh("ln", "-s", "--", zone, "/etc/localtime"))
        elif link.type != "link" or link.target != zone:
            cmds.append(
                relink("/etc/localtime", zone)
                if link.type == "link"
                else sh("ln", "-sfn", "--", zone, "/etc/localtime")
            )
        cmds += [
            c
            for ch in ensure_content("/etc/timezone", (a.name + "\n").encode(), f)
            for c in ch.commands
        ]
        if not cmds:
            return []
        old = link.target.removeprefix("/usr/share/zoneinfo/") if link and link.target else "?"
        return [Change(Action.UPDATE, f"time zone {old} → {a.name}", tuple(cmds))]

    def effects(self, a: TimezoneArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        zone = f"/usr/share/zoneinfo/{a.name}"
        return {
            FileInfo.ref(path="/etc/localtime"): FileStat(
                "link", "0777", "root", "root", len(zone), zone
            ),
            **content_effects("/etc/timezone", (a.name + "\n").encode(), f),
        }


def normalize_locale(name: str) -> str:
    """glibc's spelling in ``locale -a``: en_US.UTF-8 → en_US.utf8."""
    if "." not in name:
        return name
    base, rest = name.split(".", 1)
    codeset, _, modifier = rest.partition("@")
    codeset = re.sub(r"[^a-z0-9]", "", codeset.lower())
    return f"{base}.{codeset}" + (f"@{modifier}" if modifier else "")


@dataclass(frozen=True)
class LocaleArgs:
    name: str = arg(
        doc='Locale, e.g. "en_US.UTF-8".',
        check=lambda v: (
            None
            if re.fullmatch(r"[A-Za-z_]+(\.[A-Za-z0-9-]+)?(@\w+)?", v)
            else f"{v!r} is not a locale name"
        ),
    )
    default: bool = arg(False, doc="Also make it the system default (LANG in /etc/default/locale).")


@register
class Locale(Operation[LocaleArgs]):
    """Ensure a locale is generated (Debian ``locale-gen``), optionally as the system default.

    Needs the ``locales`` package (it may be installed earlier in the same run).
    Example: ``[ops.lang] op = "server.locale"  name = "en_US.UTF-8"  default = true``
    """

    kind = "server.locale"
    declares = Declares(identity=("name",))

    def facts(self, a: LocaleArgs) -> list[FactRef[Any]]:
        return [Locales.ref(), *(content_facts("/etc/default/locale") if a.default else [])]

    def plan(self, a: LocaleArgs, f: Facts) -> list[Change]:
        out = []
        if normalize_locale(a.name) not in f[Locales.ref()]:
            charset = a.name.split(".", 1)[1].split("@")[0] if "." in a.name else "ISO-8859-1"
            line = f"{a.name} {charset}"
            cmd = sh(
                raw("grep -qxF --"),
                line,
                raw("/etc/locale.gen 2>/dev/null || printf '%s\\n'"),
                line,
                raw(">> /etc/locale.gen; locale-gen"),
            )
            out.append(Change(Action.CREATE, f"generate locale {a.name}", (cmd,)))
        if a.default:
            out += ensure_content(
                "/etc/default/locale", _default(a), f, exact=False, what="default locale"
            )
        return out

    def effects(self, a: LocaleArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        out: dict[FactRef[Any], Any] = {
            Locales.ref(): sorted({*f[Locales.ref()], normalize_locale(a.name)})
        }
        if a.default:
            out.update(content_effects("/etc/default/locale", _default(a), f))
        return out


def _default(a: LocaleArgs) -> bytes:
    return f"LANG={a.name}\n".encode()


@dataclass(frozen=True)
class SysctlArgs:
    key: str = arg(
        doc="Kernel parameter, e.g. vm.swappiness.",
        check=lambda v: (
            None if re.fullmatch(r"[a-z0-9_.\-/]+", v) else f"{v!r} is not a sysctl key"
        ),
    )
    value: str = arg(doc="Its value as sysctl prints it (several numbers: separated by spaces).")
    persist: bool = arg(
        True, doc="Write it to /etc/sysctl.d/60-specops-KEY.conf so it survives a reboot."
    )
    live: bool = arg(True, doc="Set it on the running kernel too (sysctl -w).")
    file: str | None = arg(
        None,
        doc='Keep it in this file of /etc/sysctl.d, e.g. "99-hardening.conf", with other keys '
        "(their lines are left alone); default: a file of its own, 60-specops-KEY.conf.",
        check=lambda v: (
            None
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.conf", v)
            else f"{v!r} is not a file name ending in .conf"
        ),
    )


def _sysctl_file(a: SysctlArgs) -> str:
    if a.file:
        return f"/etc/sysctl.d/{a.file}"
    return f"/etc/sysctl.d/60-specops-{a.key.replace('/', '.')}.conf"


def _sysctl_content(a: SysctlArgs, f: Facts) -> bytes:
    """The file with the key's line: the whole file of its own, or one line of a shared one."""
    line = f"{a.key} = {' '.join(a.value.split())}"
    if not a.file:
        return f"{line}\n".encode()
    _, cur = current(_sysctl_file(a), f)
    lines, done = [], False
    for old in text_of(cur, _sysctl_file(a)).splitlines():
        if old.split("=", 1)[0].strip() in (a.key, a.key.replace("/", ".")) and "=" in old:
            if not done:
                lines.append(line)
                done = True
            continue
        lines.append(old)
    return "".join(x + "\n" for x in (lines if done else [*lines, line])).encode()


@register
class SysctlOp(Operation[SysctlArgs]):
    """Ensure a kernel parameter has a value, on the running kernel and across reboots.

    Example: ``[ops.swap] op = "server.sysctl"  key = "vm.swappiness"  value = "10"``
    """

    kind = "server.sysctl"
    declares = Declares(identity=("key",))

    def facts(self, a: SysctlArgs) -> list[FactRef[Any]]:
        refs: list[FactRef[Any]] = [Sysctl.ref(key=a.key)] if a.live else []
        return refs + (content_facts(_sysctl_file(a)) if a.persist else [])

    def plan(self, a: SysctlArgs, f: Facts) -> list[Change]:
        want = " ".join(a.value.split())
        out = []
        if a.persist:
            out += ensure_content(
                _sysctl_file(a),
                _sysctl_content(a, f),
                f,
                what="sysctl file",
                exact=not a.file,  # a shared file is edited: compare-and-swap
            )
        if a.live:
            now = f[Sysctl.ref(key=a.key)]
            if now is None:
                raise PlanError(f"unknown kernel parameter {a.key!r}")
            if now != want:
                out.append(
                    Change(
                        Action.UPDATE,
                        f"{a.key} {now} → {want}",
                        (sh("sysctl", "-q", "-w", f"{a.key}={want}"),),
                    )
                )
        return out

    def effects(self, a: SysctlArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        want = " ".join(a.value.split())
        out: dict[FactRef[Any], Any] = {Sysctl.ref(key=a.key): want} if a.live else {}
        if a.persist:
            out.update(content_effects(_sysctl_file(a), _sysctl_content(a, f), f))
        return out


@dataclass(frozen=True)
class AlternativesArgs:
    name: str = arg(doc="The alternatives group, e.g. editor.")
    path: str = arg(doc="The choice it must point at, e.g. /usr/bin/vim.basic (must be installed).")


@register
class Alternatives(Operation[AlternativesArgs]):
    """Ensure a Debian alternatives group points at a choice (``update-alternatives --set``).

    Example: ``[ops.editor] op = "server.alternatives"  name = "editor"
    path = "/usr/bin/vim.basic"``
    """

    kind = "server.alternatives"
    declares = Declares(identity=("name",))

    def facts(self, a: AlternativesArgs) -> list[FactRef[Any]]:
        return [Alternative.ref(name=a.name)]

    def plan(self, a: AlternativesArgs, f: Facts) -> list[Change]:
        st = f[Alternative.ref(name=a.name)]
        if st is None:
            raise PlanError(f"no alternatives group {a.name!r}")
        if a.path not in st.choices:
            raise PlanError(
                f"{a.path} is not a choice of {a.name} (choices: {', '.join(st.choices)})"
            )
        if st.value == a.path and st.mode == "manual":
            return []
        return [
            Change(
                Action.UPDATE,
                f"alternative {a.name}: {st.value} → {a.path}",
                (sh("update-alternatives", "--quiet", "--set", a.name, a.path),),
            )
        ]

    def effects(self, a: AlternativesArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[Alternative.ref(name=a.name)]
        return {
            Alternative.ref(name=a.name): AlternativeState(
                "manual", a.path, st.choices if st else [a.path]
            )
        }


@dataclass(frozen=True)
class RebootArgs:
    only_if_required: bool = arg(
        True, doc="Reboot only when a package asked for it (/run/reboot-required exists)."
    )


@register
class Reboot(Operation[RebootArgs]):
    """Reboot the host, by default only when a package update asked for it.

    The reboot is scheduled two seconds after the apply script ends, so the run
    reports its results first; specops does not wait for the host to come back.
    With ``only_if_required = false`` it reboots on every apply.
    Example: ``[ops.reboot] op = "server.reboot"``
    """

    kind = "server.reboot"

    def reach(self, a: RebootArgs) -> Reach:
        return Reach(paths=("/run", "/tmp"), facts=("*",))

    def facts(self, a: RebootArgs) -> list[FactRef[Any]]:
        return [FileInfo.ref(path="/run/reboot-required")]

    def plan(self, a: RebootArgs, f: Facts) -> list[Change]:
        if a.only_if_required and f[FileInfo.ref(path="/run/reboot-required")] is None:
            return []
        cmd = sh(raw("nohup sh -c 'sleep 2 && reboot' >/dev/null 2>&1 &"))
        return [Change(Action.RUN, "reboot", (cmd,))]

    def effects(self, a: RebootArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {FileInfo.ref(path="/run/reboot-required"): None}
