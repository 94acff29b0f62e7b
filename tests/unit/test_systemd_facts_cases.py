"""The service fact parsers (runtime/facts/systemd.py) on hand-written output: properties
missing or empty."""

from __future__ import annotations

from specops.runtime.facts.systemd import InitScript, SysvService, Unit, UnitState


def test_no_load_state_means_no_unit() -> None:
    """Nothing printed, an empty LoadState=, or properties without LoadState."""
    assert Unit.parse("") is None
    assert Unit.parse("LoadState=\nActiveState=inactive\n") is None
    assert Unit.parse("ActiveState=active\nSubState=running\n") is None


def test_properties_not_printed_are_empty() -> None:
    assert Unit.parse("LoadState=loaded\n") == UnitState("loaded", "", "", "")
    assert Unit.parse("SubState=exited\nLoadState=masked\n") == UnitState(
        "masked", "", "exited", ""
    )


def test_a_masked_unit_exists() -> None:
    out = "LoadState=masked\nActiveState=inactive\nSubState=dead\nUnitFileState=masked\n"
    assert Unit.parse(out) == UnitState("masked", "inactive", "dead", "masked")


def test_an_init_script_is_running_and_enabled_or_not() -> None:
    assert SysvService.parse("running\nenabled\n") == InitScript(True, True)
    assert SysvService.parse("stopped\ndisabled\n") == InitScript(False, False)
    assert SysvService.parse("absent\n") is None
    assert SysvService.parse("") is None
    assert SysvService.parse("running\n") == InitScript(True, False)
