"""Facts about services: systemd units (``systemctl show``) and sysvinit scripts."""

from __future__ import annotations

from dataclasses import dataclass

from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact


@dataclass(frozen=True)
class UnitState:
    load: str  # loaded, not-found, masked, …
    active: str  # active, inactive, failed, activating, …
    sub: str  # running, dead, exited, …
    file: str  # enabled, disabled, static, masked, '' …


class Unit(Fact[UnitState | None]):
    """A systemd unit's load, active and enablement state; None when the unit does not exist."""

    @classmethod
    def command(cls, **params: str) -> Command:
        return sh(
            raw("if command -v systemctl >/dev/null; then"),
            raw("systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState --"),
            params["name"],
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


class SysvService(Fact[InitScript | None]):
    """A sysvinit service: running and enabled; None when /etc/init.d/NAME does not exist."""

    @classmethod
    def command(cls, **params: str) -> Command:
        n = params["name"]
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
