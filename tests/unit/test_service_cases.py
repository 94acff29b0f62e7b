"""service.sysvinit (runtime/operations/service.py), expected values by hand."""

from __future__ import annotations

from typing import Any

from specops.runtime.core.fact import Facts
from specops.runtime.core.reach import SERVICE
from specops.runtime.facts.systemd import InitScript, SysvService
from specops.runtime.operations.service import SysvArgs, Sysvinit

SYSV = Sysvinit()
CRON = SysvService.ref(name="cron")


def plan(st: InitScript | None, **kw: Any) -> list[dict[str, Any]]:
    return [c.to_json() for c in SYSV.plan(SysvArgs("cron", **kw), Facts({CRON: st}))]


def test_sysvinit_reads_its_script_and_reaches_what_services_write() -> None:
    assert SYSV.facts(SysvArgs("cron")) == [CRON]
    assert SYSV.reach(SysvArgs("cron")) == SERVICE


def test_a_stopped_script_is_linked_for_boot_and_started() -> None:
    assert plan(InitScript(False, False), enabled=True) == [
        {
            "action": "update",
            "summary": "enable cron at boot",
            "commands": [
                "update-rc.d cron defaults >/dev/null && update-rc.d cron enable >/dev/null"
            ],
        },
        {"action": "update", "summary": "start cron", "commands": ["service cron start"]},
    ]


def test_a_script_not_installed_yet_says_so() -> None:
    assert plan(None, enabled=True) == [
        {
            "action": "update",
            "summary": "enable cron at boot (not installed yet)",
            "commands": [
                "update-rc.d cron defaults >/dev/null && update-rc.d cron enable >/dev/null"
            ],
        },
        {
            "action": "update",
            "summary": "start cron (not installed yet)",
            "commands": ["service cron start"],
        },
    ]
    assert plan(None, enabled=False, running=False) == [
        {
            "action": "update",
            "summary": "disable cron at boot (not installed yet)",
            "commands": ["update-rc.d cron disable >/dev/null"],
        }
    ]


def test_a_running_enabled_script_is_stopped_and_disabled() -> None:
    assert plan(InitScript(True, True), enabled=False, running=False) == [
        {
            "action": "update",
            "summary": "disable cron at boot",
            "commands": ["update-rc.d cron disable >/dev/null"],
        },
        {"action": "update", "summary": "stop cron", "commands": ["service cron stop"]},
    ]


def test_a_script_as_declared_needs_nothing() -> None:
    assert plan(InitScript(True, True), enabled=True) == []
    assert plan(InitScript(True, False), enabled=False) == []
    assert plan(InitScript(False, True), running=False) == []
    assert plan(InitScript(False, False), running=None) == []
    assert plan(InitScript(True, True), running=None) == []


def test_restart_and_reload_act_on_a_running_script_only() -> None:
    assert plan(InitScript(True, True), restarted=True, reloaded=True) == [
        {"action": "run", "summary": "restart cron", "commands": ["service cron restart"]}
    ]
    assert plan(InitScript(True, True), running=None, reloaded=True) == [
        {"action": "run", "summary": "reload cron", "commands": ["service cron reload"]}
    ]
    assert plan(InitScript(False, True), restarted=True) == [
        {"action": "update", "summary": "start cron", "commands": ["service cron start"]}
    ]
    assert plan(InitScript(False, True), running=None, restarted=True, reloaded=True) == []
    assert plan(None, running=None, restarted=True, reloaded=True) == []


def test_sysvinit_effects() -> None:
    def effects(st: InitScript | None, **kw: Any) -> Any:
        return SYSV.effects(SysvArgs("cron", **kw), Facts({CRON: st}))

    assert effects(None) == {CRON: InitScript(True, False)}
    assert effects(None, running=None, enabled=True) == {CRON: InitScript(False, True)}
    assert effects(InitScript(True, True), running=False) == {CRON: InitScript(False, True)}
    assert effects(InitScript(True, True), running=None, enabled=False) == {
        CRON: InitScript(True, False)
    }
    assert effects(InitScript(False, False), running=None) == {CRON: InitScript(False, False)}
