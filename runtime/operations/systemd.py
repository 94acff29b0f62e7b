"""systemd: systemd.service, systemd.unit, systemd.dropin, systemd.timer.

Unit files are written atomically and followed by ``systemctl daemon-reload``
in the same change, only when they changed. ``restarted`` and ``reloaded`` are
for handlers (``[handlers.X]`` run only when an op that notifies them changed
something); in ``[ops]`` they act on every apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from specops.compiler.catalog import Declares, PathAttrs, arg
from specops.runtime.core.command import Command, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, attrs_of, register
from specops.runtime.core.reach import SERVICE, Reach
from specops.runtime.core.words import check_one_line, check_unit
from specops.runtime.facts.systemd import Unit, UnitState
from specops.runtime.kit.content import content_effects, content_facts, ensure_content

RELOAD = sh("systemctl", "daemon-reload")


def _unit(name: str) -> str:
    return name if "." in name else f"{name}.service"


@dataclass(frozen=True)
class ServiceArgs:
    name: str = arg(doc='Unit name ("nginx" means nginx.service).', check=check_unit)
    running: bool | None = arg(True, doc="true starts it, false stops it, null leaves it.")
    enabled: bool | None = arg(
        None, doc="true enables it at boot, false disables it, null leaves it."
    )
    restarted: bool = arg(
        False, doc="Restart it (meant for handlers; a stopped unit is started instead)."
    )
    reloaded: bool = arg(False, doc="Reload its configuration (meant for handlers).")


def service_changes(
    name: str, st: UnitState | None, a: Any, ctl: tuple[str, ...] = ("systemctl",)
) -> list[Change]:
    """Start/stop, enable/disable, restart/reload changes for a unit in state ``st``."""
    out: list[Change] = []
    # A unit that is not loaded yet may be installed by an earlier op of this run.
    note = "" if st is not None else " (not installed yet)"
    active = st is not None and st.active in ("active", "activating", "reloading")
    if a.enabled is not None:
        on = st is not None and st.file in (
            "enabled",
            "enabled-runtime",
            "static",
            "alias",
            "indirect",
        )
        if a.enabled and not on:
            out.append(
                Change(
                    Action.UPDATE, f"enable {name}{note}", (sh(*ctl, "enable", "--quiet", name),)
                )
            )
        elif not a.enabled and st is not None and st.file in ("enabled", "enabled-runtime"):
            out.append(
                Change(Action.UPDATE, f"disable {name}", (sh(*ctl, "disable", "--quiet", name),))
            )
    if a.running and not active:
        out.append(Change(Action.UPDATE, f"start {name}{note}", (sh(*ctl, "start", name),)))
    elif a.running is False and active:
        out.append(Change(Action.UPDATE, f"stop {name}", (sh(*ctl, "stop", name),)))
    elif active and a.restarted:
        out.append(Change(Action.RUN, f"restart {name}", (sh(*ctl, "restart", name),)))
    elif active and a.reloaded:
        out.append(Change(Action.RUN, f"reload {name}", (sh(*ctl, "reload", name),)))
    return out


@register
class Service(Operation[ServiceArgs]):
    """Ensure a systemd service is running (or stopped), enabled (or not); restart or reload it.

    Example: ``[ops.nginx] op = "systemd.service"  name = "nginx"  enabled = true``;
    as a handler: ``[handlers.reload_nginx] op = "systemd.service"  name = "nginx"
    reloaded = true``
    """

    kind = "systemd.service"
    declares = Declares(identity=("name",))

    def reach(self, a: ServiceArgs) -> Reach:
        return SERVICE

    def facts(self, a: ServiceArgs) -> list[FactRef[Any]]:
        return [Unit.ref(name=_unit(a.name))]

    def plan(self, a: ServiceArgs, f: Facts) -> list[Change]:
        return service_changes(_unit(a.name), f[Unit.ref(name=_unit(a.name))], a)

    def effects(self, a: ServiceArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[Unit.ref(name=_unit(a.name))] or UnitState("loaded", "inactive", "dead", "disabled")
        if a.running is not None:
            st = replace(
                st,
                active="active" if a.running else "inactive",
                sub="running" if a.running else "dead",
            )
        if a.enabled is not None and st.file not in ("static", "alias", "indirect"):
            st = replace(st, file="enabled" if a.enabled else "disabled")
        return {Unit.ref(name=_unit(a.name)): st}


@dataclass(frozen=True)
class UnitArgs:
    name: str = arg(doc='Unit file name with its type, e.g. "app.service".', check=check_unit)
    content: str = arg(doc="The unit file's content.")


def _unit_path(name: str) -> str:
    return f"/etc/systemd/system/{name}"


def with_reload(changes: list[Change]) -> list[Change]:
    """Add ``systemctl daemon-reload`` to the change that rewrote a unit file."""
    if not changes:
        return []
    first = changes[0]
    return [replace(first, commands=(*first.commands, RELOAD)), *changes[1:]]


def loaded(f: Facts, name: str) -> Mapping[FactRef[Any], Any]:
    """A unit file just written is known to systemd after daemon-reload."""
    ref = Unit.ref(name=name)
    return {ref: f[ref] or UnitState("loaded", "inactive", "dead", "disabled")}


@register
class UnitFile(Operation[UnitArgs]):
    """Ensure a unit file in /etc/systemd/system, reloading systemd when it changes.

    Example: ``[ops.app_unit] op = "systemd.unit"  name = "app.service"
    content = "[Service]\\nExecStart=/srv/app/run\\n[Install]\\nWantedBy=multi-user.target\\n"``
    """

    kind = "systemd.unit"
    declares = Declares(identity=("name",))

    def attributes(self, a: UnitArgs) -> list[PathAttrs]:
        return attrs_of(_unit_path(a.name), "0644")

    def facts(self, a: UnitArgs) -> list[FactRef[Any]]:
        return [*content_facts(_unit_path(a.name)), Unit.ref(name=a.name)]

    def plan(self, a: UnitArgs, f: Facts) -> list[Change]:
        data = _text(a.content)
        return with_reload(
            ensure_content(_unit_path(a.name), data, f, mode="0644", what="unit file")
        )

    def effects(self, a: UnitArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {
            **content_effects(_unit_path(a.name), _text(a.content), f, mode="0644"),
            **loaded(f, a.name),
        }


def _text(content: str) -> bytes:
    return (content if content.endswith("\n") else content + "\n").encode()


@dataclass(frozen=True)
class DropinArgs:
    unit: str = arg(doc='The unit it overrides, e.g. "nginx.service".', check=check_unit)
    name: str = arg(doc="Drop-in name: /etc/systemd/system/UNIT.d/NAME.conf.", check=check_unit)
    content: str = arg(doc='The override, e.g. "[Service]\\nLimitNOFILE=65536\\n".')


def _dropin_path(a: DropinArgs) -> str:
    return f"/etc/systemd/system/{_unit(a.unit)}.d/{a.name}.conf"


@register
class Dropin(Operation[DropinArgs]):
    """Ensure a drop-in override for a unit (UNIT.d/NAME.conf), reloading systemd when it changes.

    Example: ``[ops.limits] op = "systemd.dropin"  unit = "nginx"  name = "limits"
    content = "[Service]\\nLimitNOFILE=65536\\n"``
    """

    kind = "systemd.dropin"
    declares = Declares(identity=("unit", "name"))

    def attributes(self, a: DropinArgs) -> list[PathAttrs]:
        return attrs_of(_dropin_path(a), "0644")

    def facts(self, a: DropinArgs) -> list[FactRef[Any]]:
        return content_facts(_dropin_path(a))

    def plan(self, a: DropinArgs, f: Facts) -> list[Change]:
        path = _dropin_path(a)
        changes = with_reload(
            ensure_content(path, _text(a.content), f, mode="0644", what="drop-in")
        )
        if changes and changes[0].action is Action.CREATE:
            mk: Command = sh("mkdir", "-p", "--", path.rsplit("/", 1)[0])
            changes[0] = replace(changes[0], commands=(mk, *changes[0].commands))
        return changes

    def effects(self, a: DropinArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return content_effects(_dropin_path(a), _text(a.content), f, mode="0644")


@dataclass(frozen=True)
class TimerArgs:
    name: str = arg(doc="Names NAME.timer and the NAME.service it runs.", check=check_unit)
    command: str = arg(doc="The command line the service runs (ExecStart).")
    on_calendar: str = arg(
        doc='When, as systemd.time(7) says, e.g. "daily" or "*-*-* 03:00:00".', check=check_one_line
    )
    user: str | None = arg(None, doc="Run as this user (default root).", check=check_one_line)
    description: str = arg("", doc="Description= of both units.", check=check_one_line)


def timer_units(a: TimerArgs) -> tuple[bytes, bytes]:
    desc = a.description or f"specops timer {a.name}"
    service = f"[Unit]\nDescription={desc}\n\n[Service]\nType=oneshot\nExecStart={a.command}\n"
    if a.user:
        service += f"User={a.user}\n"
    timer = (
        f"[Unit]\nDescription={desc}\n\n[Timer]\nOnCalendar={a.on_calendar}\nPersistent=true\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return service.encode(), timer.encode()


@register
class Timer(Operation[TimerArgs]):
    """Ensure a command runs on a schedule: a oneshot NAME.service and a started NAME.timer.

    Example: ``[ops.backup] op = "systemd.timer"  name = "backup"  on_calendar = "daily"
    command = "/usr/local/bin/backup"``
    """

    kind = "systemd.timer"
    declares = Declares(identity=("name",), refers=(("user", "user"),))

    def facts(self, a: TimerArgs) -> list[FactRef[Any]]:
        return [
            *content_facts(_unit_path(f"{a.name}.service")),
            *content_facts(_unit_path(f"{a.name}.timer")),
            Unit.ref(name=f"{a.name}.timer"),
        ]

    def plan(self, a: TimerArgs, f: Facts) -> list[Change]:
        service, timer = timer_units(a)
        files = ensure_content(
            _unit_path(f"{a.name}.service"), service, f, mode="0644", what="unit file"
        )
        files += ensure_content(
            _unit_path(f"{a.name}.timer"), timer, f, mode="0644", what="unit file"
        )
        out = with_reload(files[::-1])[::-1]
        st = f[Unit.ref(name=f"{a.name}.timer")]
        on = st is not None and st.file == "enabled" and st.active == "active"
        if not on or files:
            # enable --now starts a new timer; restart re-arms a changed one
            verb = "restart" if on else "start"
            cmds = (
                sh("systemctl", "enable", "--quiet", f"{a.name}.timer"),
                sh("systemctl", verb, f"{a.name}.timer"),
            )
            out.append(Change(Action.UPDATE, f"{verb} and enable {a.name}.timer", cmds))
        return out

    def effects(self, a: TimerArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        service, timer = timer_units(a)
        return {
            **content_effects(_unit_path(f"{a.name}.service"), service, f, mode="0644"),
            **content_effects(_unit_path(f"{a.name}.timer"), timer, f, mode="0644"),
            Unit.ref(name=f"{a.name}.timer"): UnitState("loaded", "active", "waiting", "enabled"),
        }


@dataclass(frozen=True)
class MaskArgs:
    name: str = arg(doc='Unit name ("nginx" means nginx.service).', check=check_unit)
    masked: bool = arg(True, doc="false unmasks it.")


@register
class Mask(Operation[MaskArgs]):
    """Ensure a unit is masked (cannot be started at all, even as a dependency), or unmasked.

    Example: ``[ops.no_apache] op = "systemd.mask"  name = "apache2"``
    """

    kind = "systemd.mask"
    declares = Declares(identity=("name",))

    def facts(self, a: MaskArgs) -> list[FactRef[Any]]:
        return [Unit.ref(name=_unit(a.name))]

    def plan(self, a: MaskArgs, f: Facts) -> list[Change]:
        st = f[Unit.ref(name=_unit(a.name))]
        masked = st is not None and (st.load == "masked" or st.file == "masked")
        if masked == a.masked:
            return []
        verb = "mask" if a.masked else "unmask"
        return [
            Change(
                Action.UPDATE,
                f"{verb} {_unit(a.name)}",
                (sh("systemctl", verb, "--quiet", _unit(a.name)),),
            )
        ]

    def effects(self, a: MaskArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        st = f[Unit.ref(name=_unit(a.name))] or UnitState("loaded", "inactive", "dead", "disabled")
        if a.masked:
            return {Unit.ref(name=_unit(a.name)): UnitState("masked", st.active, st.sub, "masked")}
        return {Unit.ref(name=_unit(a.name)): replace(st, load="loaded", file="disabled")}
