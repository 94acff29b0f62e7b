"""systemd.service, unit, dropin, timer and mask (runtime/operations/systemd.py), expected
values by hand.

A unit file that changes is followed by ``systemctl daemon-reload`` in the same change;
what the ops predict is what ``systemctl show`` will say once they ran."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change
from specops.runtime.core.reach import SERVICE
from specops.runtime.core.words import check_unit
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.systemd import Unit, UnitState
from specops.runtime.operations.systemd import (
    Dropin,
    DropinArgs,
    Mask,
    MaskArgs,
    Service,
    ServiceArgs,
    Timer,
    TimerArgs,
    UnitArgs,
    UnitFile,
    loaded,
    service_changes,
    timer_units,
    with_reload,
)

SERVICE_OP, UNIT_OP, DROPIN, TIMER, MASK = Service(), UnitFile(), Dropin(), Timer(), Mask()
RUNNING = UnitState("loaded", "active", "running", "enabled")
STOPPED = UnitState("loaded", "inactive", "dead", "disabled")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_file(path: str, data: bytes) -> str:
    """The atomic write of a new unit file (mode 0644)."""
    directory, name = path.rsplit("/", 1)
    payload = base64.b64encode(data).decode()
    return (
        f"t=$(mktemp -- {directory}/.{name}.specops-XXXXXXXX ) && {{ printf %s {payload} | "
        f'base64 -d > "$t" && chmod 0644 "$t" && mv -f -- "$t" {path} ; }} || '
        '{ rm -f -- "$t"; exit 1; }'
    )


def old_file(path: str, data: bytes) -> str:
    """The atomic rewrite of an existing unit file (mode and owner kept, then 0644)."""
    directory, name = path.rsplit("/", 1)
    payload = base64.b64encode(data).decode()
    return (
        f"t=$(mktemp -- {directory}/.{name}.specops-XXXXXXXX ) && {{ printf %s {payload} | "
        f'base64 -d > "$t" && chmod --reference {path} "$t" && chown --reference {path} "$t" '
        f'&& chmod 0644 "$t" && mv -f -- "$t" {path} ; }} || {{ rm -f -- "$t"; exit 1; }}'
    )


def files(entries: dict[str, bytes | None], mode: str = "0644") -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for path, data in entries.items():
        st = None if data is None else FileStat("file", mode, "root", "root", len(data))
        out[FileInfo.ref(path=path)] = st
        out[FileContent.ref(path=path)] = None if data is None else Content(sha(data), data)
    return out


# -- names -------------------------------------------------------------------------------


def test_unit_names() -> None:
    for ok in ("nginx", "getty@tty1.service", "sys-dev\\x2dsda.device", "a:b_c-d.mount"):
        assert check_unit(ok) is None, ok
    for bad, shown in (("a b", "'a b'"), ("", "''"), ("a/b", "'a/b'"), (5, "5")):
        assert check_unit(bad) == f"{shown} is not a unit name"


# -- service_changes ---------------------------------------------------------------------


def changes(st: UnitState | None, **kw: Any) -> list[dict[str, Any]]:
    return [c.to_json() for c in service_changes("app.service", st, ServiceArgs("app", **kw))]


def test_a_stopped_unit_is_started_and_enabled() -> None:
    assert changes(STOPPED, enabled=True) == [
        {
            "action": "update",
            "summary": "enable app.service",
            "commands": ["systemctl enable --quiet app.service"],
        },
        {
            "action": "update",
            "summary": "start app.service",
            "commands": ["systemctl start app.service"],
        },
    ]


def test_a_unit_not_installed_yet_says_so() -> None:
    assert changes(None, enabled=True) == [
        {
            "action": "update",
            "summary": "enable app.service (not installed yet)",
            "commands": ["systemctl enable --quiet app.service"],
        },
        {
            "action": "update",
            "summary": "start app.service (not installed yet)",
            "commands": ["systemctl start app.service"],
        },
    ]
    assert changes(None, enabled=False, running=False) == []


@pytest.mark.parametrize("file", ["enabled", "enabled-runtime", "static", "alias", "indirect"])
def test_these_unit_file_states_count_as_enabled(file: str) -> None:
    assert changes(UnitState("loaded", "active", "running", file), enabled=True) == []


@pytest.mark.parametrize("file", ["disabled", "masked", "generated", ""])
def test_other_unit_file_states_are_enabled(file: str) -> None:
    assert changes(UnitState("loaded", "active", "running", file), enabled=True) == [
        {
            "action": "update",
            "summary": "enable app.service",
            "commands": ["systemctl enable --quiet app.service"],
        }
    ]


@pytest.mark.parametrize("file", ["enabled", "enabled-runtime"])
def test_an_enabled_unit_is_disabled(file: str) -> None:
    assert changes(UnitState("loaded", "inactive", "dead", file), enabled=False, running=None) == [
        {
            "action": "update",
            "summary": "disable app.service",
            "commands": ["systemctl disable --quiet app.service"],
        }
    ]


@pytest.mark.parametrize("file", ["static", "alias", "indirect", "disabled"])
def test_units_that_cannot_be_disabled_are_left_alone(file: str) -> None:
    st = UnitState("loaded", "inactive", "dead", file)
    assert changes(st, enabled=False, running=None) == []


@pytest.mark.parametrize("active", ["active", "activating", "reloading"])
def test_these_active_states_count_as_running(active: str) -> None:
    st = UnitState("loaded", active, "running", "enabled")
    assert changes(st) == []
    assert changes(st, running=False) == [
        {
            "action": "update",
            "summary": "stop app.service",
            "commands": ["systemctl stop app.service"],
        }
    ]


@pytest.mark.parametrize("active", ["inactive", "failed", "deactivating"])
def test_other_active_states_are_started(active: str) -> None:
    st = UnitState("loaded", active, "dead", "enabled")
    assert changes(st) == [
        {
            "action": "update",
            "summary": "start app.service",
            "commands": ["systemctl start app.service"],
        }
    ]
    assert changes(st, running=False) == []
    assert changes(st, running=None, restarted=True, reloaded=True) == []


def test_restart_and_reload_act_on_a_running_unit_only() -> None:
    assert changes(RUNNING, restarted=True, reloaded=True) == [
        {
            "action": "run",
            "summary": "restart app.service",
            "commands": ["systemctl restart app.service"],
        }
    ]
    assert changes(RUNNING, running=None, reloaded=True) == [
        {
            "action": "run",
            "summary": "reload app.service",
            "commands": ["systemctl reload app.service"],
        }
    ]
    # A stopped unit asked to restart is started, once.
    assert [c["summary"] for c in changes(STOPPED, restarted=True)] == ["start app.service"]
    assert changes(RUNNING, running=False, restarted=True) == [
        {
            "action": "update",
            "summary": "stop app.service",
            "commands": ["systemctl stop app.service"],
        }
    ]


def test_another_control_command() -> None:
    (change,) = service_changes("app.service", STOPPED, ServiceArgs("app"), ("systemctl", "--user"))
    assert change.commands == (sh("systemctl", "--user", "start", "app.service"),)


# -- systemd.service ---------------------------------------------------------------------


def test_service_names_a_service_unit_unless_a_type_is_given() -> None:
    assert SERVICE_OP.reach(ServiceArgs("nginx")) == SERVICE
    assert SERVICE_OP.facts(ServiceArgs("nginx")) == [Unit.ref(name="nginx.service")]
    assert SERVICE_OP.facts(ServiceArgs("app.socket")) == [Unit.ref(name="app.socket")]
    (change,) = SERVICE_OP.plan(
        ServiceArgs("nginx"), Facts({Unit.ref(name="nginx.service"): STOPPED})
    )
    assert change.to_json() == {
        "action": "update",
        "summary": "start nginx.service",
        "commands": ["systemctl start nginx.service"],
    }


def effects(st: UnitState | None, **kw: Any) -> Any:
    a = ServiceArgs("app", **kw)
    return SERVICE_OP.effects(a, Facts({Unit.ref(name="app.service"): st}))[
        Unit.ref(name="app.service")
    ]


def test_service_effects() -> None:
    assert effects(None) == UnitState("loaded", "active", "running", "disabled")
    assert effects(None, running=None) == UnitState("loaded", "inactive", "dead", "disabled")
    assert effects(RUNNING, running=False, enabled=False) == UnitState(
        "loaded", "inactive", "dead", "disabled"
    )
    assert effects(STOPPED, enabled=True) == UnitState("loaded", "active", "running", "enabled")
    failed = UnitState("loaded", "failed", "failed", "enabled")
    assert effects(failed, running=None) == failed
    for file in ("static", "alias", "indirect"):
        st = UnitState("loaded", "active", "running", file)
        assert effects(st, enabled=False) == st
        assert effects(st, enabled=True) == st


# -- systemd.unit ------------------------------------------------------------------------

APP = "/etc/systemd/system/app.service"
RELOAD = "systemctl daemon-reload"


def test_unit_file_owns_its_file_and_reads_the_unit() -> None:
    a = UnitArgs("app.service", "[Service]\nExecStart=/srv/app\n")
    assert UNIT_OP.attributes(a) == [PathAttrs(APP, {"mode": "0644"}, is_dir=False)]
    assert UNIT_OP.facts(a) == [
        FileInfo.ref(path=APP),
        FileContent.ref(path=APP),
        Unit.ref(name="app.service"),
    ]


def test_a_unit_file_written_reloads_systemd() -> None:
    a = UnitArgs("app.service", "[Service]\nExecStart=/srv/app")
    data = b"[Service]\nExecStart=/srv/app\n"
    f = Facts({**files({APP: None}), Unit.ref(name="app.service"): None})
    assert [c.to_json() for c in UNIT_OP.plan(a, f)] == [
        {
            "action": "create",
            "summary": f"create unit file {APP} ({len(data)} bytes)",
            "commands": [new_file(APP, data), RELOAD],
            "diff": f"--- /dev/null\n+++ {APP}\n@@ -0,0 +1,2 @@\n+[Service]\n+ExecStart=/srv/app\n",
        }
    ]
    assert UNIT_OP.effects(a, f) == {
        FileContent.ref(path=APP): Content(sha(data), data),
        FileInfo.ref(path=APP): FileStat("file", "0644", "root", "root", len(data)),
        Unit.ref(name="app.service"): STOPPED,
    }


def test_a_unit_file_as_declared_needs_nothing_and_keeps_the_unit_state() -> None:
    data = b"[Service]\nExecStart=/srv/app\n"
    a = UnitArgs("app.service", data.decode())
    f = Facts({**files({APP: data}), Unit.ref(name="app.service"): RUNNING})
    assert UNIT_OP.plan(a, f) == []
    assert UNIT_OP.effects(a, f)[Unit.ref(name="app.service")] == RUNNING


def test_with_reload_adds_the_reload_to_the_first_change_only() -> None:
    assert with_reload([]) == []
    one = Change(Action.UPDATE, "a", (sh("true"),), "d")
    two = Change(Action.UPDATE, "b", (sh("false"),))
    assert with_reload([one, two]) == [
        Change(Action.UPDATE, "a", (sh("true"), sh("systemctl", "daemon-reload")), "d"),
        two,
    ]


def test_loaded_keeps_a_known_unit_and_predicts_a_new_one_stopped() -> None:
    f = Facts({Unit.ref(name="a.service"): RUNNING, Unit.ref(name="b.service"): None})
    assert loaded(f, "a.service") == {Unit.ref(name="a.service"): RUNNING}
    assert loaded(f, "b.service") == {Unit.ref(name="b.service"): STOPPED}


# -- systemd.dropin ----------------------------------------------------------------------

LIMITS = "/etc/systemd/system/nginx.service.d/limits.conf"


def test_dropin_owns_one_file_in_the_units_directory() -> None:
    a = DropinArgs("nginx", "limits", "[Service]\nLimitNOFILE=65536\n")
    assert DROPIN.attributes(a) == [PathAttrs(LIMITS, {"mode": "0644"}, is_dir=False)]
    assert DROPIN.facts(a) == [FileInfo.ref(path=LIMITS), FileContent.ref(path=LIMITS)]
    path = "/etc/systemd/system/app.socket.d/x.conf"
    assert DROPIN.facts(DropinArgs("app.socket", "x", "")) == [
        FileInfo.ref(path=path),
        FileContent.ref(path=path),
    ]


def test_a_new_dropin_makes_its_directory_and_reloads() -> None:
    a = DropinArgs("nginx", "limits", "[Service]\nLimitNOFILE=65536")
    data = b"[Service]\nLimitNOFILE=65536\n"
    (change,) = DROPIN.plan(a, Facts(files({LIMITS: None})))
    assert [c.display() for c in change.commands] == [
        "mkdir -p -- /etc/systemd/system/nginx.service.d",
        new_file(LIMITS, data),
        RELOAD,
    ]
    assert DROPIN.effects(a, Facts(files({LIMITS: None}))) == {
        FileContent.ref(path=LIMITS): Content(sha(data), data),
        FileInfo.ref(path=LIMITS): FileStat("file", "0644", "root", "root", len(data)),
    }


def test_a_changed_dropin_is_rewritten_without_mkdir() -> None:
    a = DropinArgs("nginx", "limits", "[Service]\nLimitNOFILE=65536\n")
    old = b"[Service]\nLimitNOFILE=1024\n"
    new = b"[Service]\nLimitNOFILE=65536\n"
    (change,) = DROPIN.plan(a, Facts(files({LIMITS: old})))
    assert change.to_json() == {
        "action": "update",
        "summary": f"update drop-in {LIMITS}",
        "commands": [old_file(LIMITS, new), RELOAD],
        "diff": f"--- {LIMITS}\n+++ {LIMITS}\n@@ -1,2 +1,2 @@\n [Service]\n"
        "-LimitNOFILE=1024\n+LimitNOFILE=65536\n",
    }
    assert DROPIN.plan(a, Facts(files({LIMITS: new}))) == []


# -- systemd.timer -----------------------------------------------------------------------

BSVC, BTIMER = "/etc/systemd/system/backup.service", "/etc/systemd/system/backup.timer"
SVC_TEXT = (
    b"[Unit]\nDescription=specops timer backup\n\n[Service]\nType=oneshot\n"
    b"ExecStart=/usr/local/bin/backup\n"
)
TIMER_TEXT = (
    b"[Unit]\nDescription=specops timer backup\n\n[Timer]\nOnCalendar=daily\n"
    b"Persistent=true\n\n[Install]\nWantedBy=timers.target\n"
)
ARMED = UnitState("loaded", "active", "waiting", "enabled")


def test_timer_units() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    assert timer_units(a) == (SVC_TEXT, TIMER_TEXT)
    b = TimerArgs("b", "run", "*-*-* 03:00:00", user="app", description="Nightly")
    assert timer_units(b) == (
        b"[Unit]\nDescription=Nightly\n\n[Service]\nType=oneshot\nExecStart=run\nUser=app\n",
        b"[Unit]\nDescription=Nightly\n\n[Timer]\nOnCalendar=*-*-* 03:00:00\n"
        b"Persistent=true\n\n[Install]\nWantedBy=timers.target\n",
    )


def test_timer_reads_both_files_and_the_timer_unit() -> None:
    assert TIMER.facts(TimerArgs("backup", "x", "daily")) == [
        FileInfo.ref(path=BSVC),
        FileContent.ref(path=BSVC),
        FileInfo.ref(path=BTIMER),
        FileContent.ref(path=BTIMER),
        Unit.ref(name="backup.timer"),
    ]


def timer_facts(svc: bytes | None, timer: bytes | None, st: UnitState | None) -> Facts:
    return Facts({**files({BSVC: svc, BTIMER: timer}), Unit.ref(name="backup.timer"): st})


def test_a_new_timer_writes_both_units_reloads_once_and_starts() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    got = [c.to_json() for c in TIMER.plan(a, timer_facts(None, None, None))]
    assert [c["commands"] for c in got] == [
        [new_file(BSVC, SVC_TEXT)],
        [new_file(BTIMER, TIMER_TEXT), RELOAD],
        ["systemctl enable --quiet backup.timer", "systemctl start backup.timer"],
    ]
    assert [c["summary"] for c in got] == [
        f"create unit file {BSVC} ({len(SVC_TEXT)} bytes)",
        f"create unit file {BTIMER} ({len(TIMER_TEXT)} bytes)",
        "start and enable backup.timer",
    ]


def test_a_changed_service_alone_reloads_and_rearms_the_timer() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    old = SVC_TEXT.replace(b"backup\n", b"old\n")
    got = TIMER.plan(a, timer_facts(old, TIMER_TEXT, ARMED))
    assert [c.summary for c in got] == [
        f"update unit file {BSVC}",
        "restart and enable backup.timer",
    ]
    assert [c.display() for c in got[0].commands] == [old_file(BSVC, SVC_TEXT), RELOAD]
    assert [c.display() for c in got[1].commands] == [
        "systemctl enable --quiet backup.timer",
        "systemctl restart backup.timer",
    ]


def test_a_timer_as_declared_and_armed_needs_nothing() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    assert TIMER.plan(a, timer_facts(SVC_TEXT, TIMER_TEXT, ARMED)) == []


@pytest.mark.parametrize(
    "st",
    [
        None,
        UnitState("loaded", "inactive", "dead", "enabled"),
        UnitState("loaded", "active", "waiting", "disabled"),
    ],
)
def test_a_timer_not_both_enabled_and_active_is_started(st: UnitState | None) -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    (change,) = TIMER.plan(a, timer_facts(SVC_TEXT, TIMER_TEXT, st))
    assert change.to_json() == {
        "action": "update",
        "summary": "start and enable backup.timer",
        "commands": ["systemctl enable --quiet backup.timer", "systemctl start backup.timer"],
    }


def test_timer_effects() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    assert TIMER.effects(a, timer_facts(None, None, None)) == {
        FileContent.ref(path=BSVC): Content(sha(SVC_TEXT), SVC_TEXT),
        FileInfo.ref(path=BSVC): FileStat("file", "0644", "root", "root", len(SVC_TEXT)),
        FileContent.ref(path=BTIMER): Content(sha(TIMER_TEXT), TIMER_TEXT),
        FileInfo.ref(path=BTIMER): FileStat("file", "0644", "root", "root", len(TIMER_TEXT)),
        Unit.ref(name="backup.timer"): ARMED,
    }


# -- systemd.mask ------------------------------------------------------------------------


def mask(st: UnitState | None, name: str = "apache2") -> Facts:
    unit = name if "." in name else f"{name}.service"
    return Facts({Unit.ref(name=unit): st})


def test_mask_reads_the_unit() -> None:
    assert MASK.facts(MaskArgs("apache2")) == [Unit.ref(name="apache2.service")]
    assert MASK.facts(MaskArgs("tmp.mount")) == [Unit.ref(name="tmp.mount")]


def test_a_unit_is_masked_and_unmasked() -> None:
    assert [c.to_json() for c in MASK.plan(MaskArgs("apache2"), mask(RUNNING))] == [
        {
            "action": "update",
            "summary": "mask apache2.service",
            "commands": ["systemctl mask --quiet apache2.service"],
        }
    ]
    assert [c.to_json() for c in MASK.plan(MaskArgs("apache2"), mask(None))] == [
        {
            "action": "update",
            "summary": "mask apache2.service",
            "commands": ["systemctl mask --quiet apache2.service"],
        }
    ]
    masked = UnitState("masked", "inactive", "dead", "masked")
    assert [c.to_json() for c in MASK.plan(MaskArgs("apache2", masked=False), mask(masked))] == [
        {
            "action": "update",
            "summary": "unmask apache2.service",
            "commands": ["systemctl unmask --quiet apache2.service"],
        }
    ]


def test_a_unit_masked_by_load_or_file_state_is_masked() -> None:
    for st in (
        UnitState("masked", "inactive", "dead", ""),
        UnitState("loaded", "inactive", "dead", "masked"),
    ):
        assert MASK.plan(MaskArgs("apache2"), mask(st)) == []
        assert [c.summary for c in MASK.plan(MaskArgs("apache2", masked=False), mask(st))] == [
            "unmask apache2.service"
        ]
    assert MASK.plan(MaskArgs("apache2", masked=False), mask(STOPPED)) == []
    assert MASK.plan(MaskArgs("apache2", masked=False), mask(None)) == []


def test_mask_effects() -> None:
    ref = Unit.ref(name="apache2.service")
    assert MASK.effects(MaskArgs("apache2"), mask(RUNNING)) == {
        ref: UnitState("masked", "active", "running", "masked")
    }
    assert MASK.effects(MaskArgs("apache2"), mask(None)) == {
        ref: UnitState("masked", "inactive", "dead", "masked")
    }
    masked = UnitState("masked", "inactive", "dead", "masked")
    assert MASK.effects(MaskArgs("apache2", masked=False), mask(masked)) == {
        ref: UnitState("loaded", "inactive", "dead", "disabled")
    }
    assert MASK.effects(MaskArgs("apache2", masked=False), mask(None)) == {ref: STOPPED}


# -- unit files are 0644 ------------------------------------------------------------------


def test_a_unit_file_with_a_loose_mode_gets_0644_and_a_reload() -> None:
    data = b"[Service]\nExecStart=/srv/app\n"
    a = UnitArgs("app.service", data.decode())
    f = Facts({**files({APP: data}, "0600"), Unit.ref(name="app.service"): RUNNING})
    assert [c.to_json() for c in UNIT_OP.plan(a, f)] == [
        {
            "action": "update",
            "summary": "mode 0600 → 0644",
            "commands": [f"chmod 0644 {APP}", RELOAD],
        }
    ]
    assert UNIT_OP.effects(a, f)[FileInfo.ref(path=APP)] == FileStat(
        "file", "0644", "root", "root", len(data)
    )


def test_a_dropin_is_predicted_0644() -> None:
    a = DropinArgs("nginx", "limits", "[Service]\nLimitNOFILE=65536\n")
    data = b"[Service]\nLimitNOFILE=65536\n"
    got = DROPIN.effects(a, Facts(files({LIMITS: b"old\n"}, "0600")))
    assert got[FileInfo.ref(path=LIMITS)] == FileStat("file", "0644", "root", "root", len(data))


def test_timer_units_with_a_loose_mode_get_0644() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "daily")
    f = Facts(
        {
            **files({BSVC: SVC_TEXT, BTIMER: TIMER_TEXT}, "0600"),
            Unit.ref(name="backup.timer"): ARMED,
        }
    )
    assert [c.to_json() for c in TIMER.plan(a, f)] == [
        {"action": "update", "summary": "mode 0600 → 0644", "commands": [f"chmod 0644 {BSVC}"]},
        {
            "action": "update",
            "summary": "mode 0600 → 0644",
            "commands": [f"chmod 0644 {BTIMER}", RELOAD],
        },
        {
            "action": "update",
            "summary": "restart and enable backup.timer",
            "commands": ["systemctl enable --quiet backup.timer", "systemctl restart backup.timer"],
        },
    ]
    got = TIMER.effects(a, f)
    assert got[FileInfo.ref(path=BSVC)] == FileStat("file", "0644", "root", "root", len(SVC_TEXT))
    assert got[FileInfo.ref(path=BTIMER)] == FileStat(
        "file", "0644", "root", "root", len(TIMER_TEXT)
    )


def test_a_changed_timer_file_is_named_in_its_summary() -> None:
    a = TimerArgs("backup", "/usr/local/bin/backup", "weekly")
    got = TIMER.plan(a, timer_facts(SVC_TEXT, TIMER_TEXT, ARMED))
    assert [c.summary for c in got] == [
        f"update unit file {BTIMER}",
        "restart and enable backup.timer",
    ]
