"""Facts about services: systemd units (``systemctl show``) and sysvinit scripts."""

from __future__ import annotations

from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact
from specops.runtime.core.words import check_unit


@dataclass(frozen=True)
class UnitState:
    load: str  # loaded, not-found, masked, …
    active: str  # active, inactive, failed, activating, …
    sub: str  # running, dead, exited, …
    file: str  # enabled, disabled, static, masked, '' …


@dataclass(frozen=True)
class UnitParams:
    """The parameters of ``Unit``."""

    name: str = arg(doc='Unit name, e.g. "nginx.service".', check=check_unit)


class Unit(Fact[UnitState | None]):
    """A systemd unit's load, active and enablement state; None when the unit does not exist."""

    Params = UnitParams

    @classmethod
    def command(cls, p: UnitParams) -> Command:
        return sh(
            raw("if command -v systemctl >/dev/null; then"),
            raw("systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState --"),
            p.name,
            raw(";"),
            raw("else echo LoadState=none; fi"),
        )

    @classmethod
    def parse(cls, output: str) -> UnitState | None:
        props = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
        load = props.get("LoadState", "")
        if load in ("not-found", "none", ""):
            return None
        return UnitState(
            load,
            props.get("ActiveState", ""),
            props.get("SubState", ""),
            props.get("UnitFileState", ""),
        )


@dataclass(frozen=True)
class InitScript:
    running: bool  # "/etc/init.d/NAME status" exited 0
    enabled: bool  # a start link in /etc/rc2.d … rc5.d


@dataclass(frozen=True)
class SysvServiceParams:
    """The parameters of ``SysvService``."""

    name: str = arg(doc="Init script name in /etc/init.d.")


class SysvService(Fact[InitScript | None]):
    """A sysvinit service: running and enabled; None when /etc/init.d/NAME does not exist."""

    Params = SysvServiceParams

    @classmethod
    def command(cls, p: SysvServiceParams) -> Command:
        n = p.name
        return sh(
            raw("if [ -x"), f"/etc/init.d/{n}",
            raw("]; then if"), f"/etc/init.d/{n}", raw("status >/dev/null 2>&1;"),
            raw("then echo running; else echo stopped; fi;"),
            raw("if ls /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d 2>/dev/null"),
            raw("| sed -n 's/^S[0-9][0-9]//p' | grep -qxF --"), n,
            raw("; then echo enabled; else echo disabled; fi; else echo absent; fi"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> InitScript | None:
        words = output.split()
        if not words or words[0] == "absent":
            return None
        return InitScript(words[0] == "running", words[1:2] == ["enabled"])
