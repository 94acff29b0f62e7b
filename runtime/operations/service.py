"""sysvinit services: service.sysvinit, through ``service`` and ``update-rc.d``.

For hosts without systemd (containers, minimal images, older systems). The
state comes from ``/etc/init.d/NAME status`` and the start links in
/etc/rc2.d … rc5.d.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.core.reach import SERVICE, Reach
from specops.runtime.core.words import check_unit
from specops.runtime.facts.systemd import InitScript, SysvService


@dataclass(frozen=True)
class SysvArgs:
    name: str = arg(doc="The script's name in /etc/init.d.", check=check_unit)
    running: bool | None = arg(True, doc="true starts it, false stops it, null leaves it.")
    enabled: bool | None = arg(
        None, doc="true starts it at boot (update-rc.d), false not, null leaves it."
    )
    restarted: bool = arg(
        False, doc="Restart it (meant for handlers; a stopped service is started instead)."
    )
    reloaded: bool = arg(False, doc="Reload it (meant for handlers).")


@register
class Sysvinit(Operation[SysvArgs]):
    """Ensure a sysvinit service is running (or stopped) and started at boot (or not).

    ``restarted``/``reloaded`` act on every apply: use them in handlers.
    Example: ``[ops.cron] op = "service.sysvinit"  name = "cron"  enabled = true``
    """

    kind = "service.sysvinit"
    declares = Declares(identity=("name",))

    def reach(self, a: SysvArgs) -> Reach:
        return SERVICE

    def facts(self, a: SysvArgs) -> list[FactRef[Any]]:
        return [SysvService.ref(name=a.name)]

    def plan(self, a: SysvArgs, f: Facts) -> list[Change]:
        st = f[SysvService.ref(name=a.name)]
        # A script that is missing may come with a package installed earlier in this run.
        note = "" if st is not None else " (not installed yet)"
        running = st is not None and st.running
        out = []
        if a.enabled is not None and (st is None or st.enabled != a.enabled):
            verb = "enable" if a.enabled else "disable"
            # "defaults" first creates the links for a script that never had any.
            cmd = sh("update-rc.d", a.name, "defaults", raw(">/dev/null &&")) if a.enabled else sh()
            cmd = cmd + sh("update-rc.d", a.name, verb, raw(">/dev/null"))
            out.append(Change(Action.UPDATE, f"{verb} {a.name} at boot{note}", (cmd,)))
        if a.running and not running:
            out.append(
                Change(Action.UPDATE, f"start {a.name}{note}", (sh("service", a.name, "start"),))
            )
        elif a.running is False and running:
            out.append(Change(Action.UPDATE, f"stop {a.name}", (sh("service", a.name, "stop"),)))
        elif running and a.restarted:
            out.append(Change(Action.RUN, f"restart {a.name}", (sh("service", a.name, "restart"),)))
        elif running and a.reloaded:
            out.append(Change(Action.RUN, f"reload {a.name}", (sh("service", a.name, "reload"),)))
        return out

    def effects(self, a: SysvArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[SysvService.ref(name=a.name)] or InitScript(False, False)
        running = st.running if a.running is None else a.running
        enabled = st.enabled if a.enabled is None else a.enabled
        return {SysvService.ref(name=a.name): InitScript(running, enabled)}
