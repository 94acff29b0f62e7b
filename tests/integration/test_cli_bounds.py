"""The command line refuses what cannot mean anything, and never applies unasked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import specops

SPEC = '[ops.d]\nop = "files.directory"\npath = "{root}/d"\n'


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--serial", "0", "'0' must be 1 or more hosts"),
        ("--serial", "200%", "'200%' must be a percentage above 0 and at most 100"),
        ("--fail-percent", "150", "150 must be a percentage from 0 to 100"),
        ("--timeout", "-1", "-1 must be more than 0"),
        ("--parallel", "0", "0 must be 1 or more"),
        ("--lock-wait", "-5", "-5 must be 0 or more"),
    ],
)
def test_numeric_options_out_of_range_are_located_errors(
    tmp_path: Path, flag: str, value: str, says: str
) -> None:
    spec = tmp_path / "site.toml"
    spec.write_text(SPEC.format(root=tmp_path))
    r = specops("apply", str(spec), "--yes", flag, value, code=1)
    first, line, caret = r.stderr.splitlines()[:3]
    assert first.startswith("<command line>:1:") and f"error[bad-value]: {flag}: {says}" in first
    assert line.endswith(f"{flag} {value}")
    assert caret.rstrip().endswith("^" * len(value))
    assert not (tmp_path / "d").exists()


def test_apply_without_a_terminal_or_yes_applies_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "site.toml"
    spec.write_text(SPEC.format(root=tmp_path))
    r = specops("apply", str(spec), stdin="yes\n", code=1)  # stdin is not a terminal
    assert "Not applied: there is no terminal to confirm on" in r.stdout
    assert "--yes" in r.stdout
    assert not (tmp_path / "d").exists()
    r = specops("apply", str(spec), "--yes", code=0)
    assert (tmp_path / "d").is_dir()
