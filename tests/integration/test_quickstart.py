"""The quickstart: TOML = YAML = Python IR (golden), and a real apply on the local target."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from specops.compiler.frontend import compile_file
from specops.compiler.ir import to_json
from specops.runtime.catalog import CATALOG
from tests.cli import specops
from tests.fixtures import UPDATE, rewrite

EXAMPLE = Path(__file__).parents[2] / "examples" / "quickstart"
GOLDEN = Path(__file__).parents[1] / "golden" / "quickstart.ir.json"
FORMS = ("site.toml", "site.yaml", "deploy.py")


def test_three_forms_compile_to_the_golden_ir() -> None:
    outputs = {f: to_json(compile_file(str(EXAMPLE / f), CATALOG)) for f in FORMS}
    if UPDATE:
        rewrite(GOLDEN, outputs["site.toml"])
    golden = GOLDEN.read_text()
    for form, text in outputs.items():
        assert text == golden, f"{form} differs from {GOLDEN.name}"


def test_cli_compile_is_byte_identical(tmp_path: Path) -> None:
    outs = {
        f: specops("compile", str(EXAMPLE / f), "--emit", "ir", cwd=tmp_path, code=0) for f in FORMS
    }
    assert len({r.stdout for r in outs.values()}) == 1


@pytest.fixture
def quickstart(tmp_path: Path) -> tuple[Path, Path]:
    """The example, copied and pointed at a private root instead of /tmp/specops-quickstart."""
    root = tmp_path / "root"
    copy = tmp_path / "example"
    shutil.copytree(EXAMPLE, copy)
    for f in FORMS:
        p = copy / f
        p.write_text(p.read_text().replace("/tmp/specops-quickstart", str(root)))
    return copy, root


def test_apply_locally_then_nothing_left_to_do(quickstart: tuple[Path, Path]) -> None:
    example, root = quickstart
    first = specops("apply", "site.toml", "--yes", cwd=example, code=0)
    for line in (
        "+ app_dir",
        "+ config",
        "+ env_line",
        "+ current",
        "! install_stamp",
        "+name = quickstart",
        "Plan: 4 to add, 0 to change, 0 to remove, 1 to run.",
        "Apply complete: 5 ops changed on 1 host.",
    ):
        assert line in first.stdout, first.stdout
    app = root / "quickstart"
    assert (app / "app.conf").read_text() == "name = quickstart\nlisten = 127.0.0.1:8080\n"
    assert oct((app / "app.conf").stat().st_mode & 0o777) == "0o640"
    assert (app / "env").read_text() == "APP_ENV=production\n"
    assert os.readlink(root / "current") == "quickstart"
    assert (app / "installed-at").exists()
    # The same deploy in every form now has nothing left to do.
    for form in FORMS:
        again = specops("plan", form, "--detailed-exitcode", cwd=example, code=0)
        assert "No changes." in again.stdout


def test_drift_is_repaired_with_a_diff(quickstart: tuple[Path, Path]) -> None:
    example, root = quickstart
    specops("apply", "site.yaml", "--yes", cwd=example, code=0)
    conf = root / "quickstart" / "app.conf"
    conf.write_text("name = hacked\n")
    (root / "quickstart" / "app.pid").write_text("1\n")
    plan = specops("plan", "deploy.py", "--detailed-exitcode", cwd=example, code=2)
    assert "-name = hacked" in plan.stdout and "+name = quickstart" in plan.stdout
    assert "- stale_pid" in plan.stdout
    assert "Plan: 0 to add, 1 to change, 1 to remove." in plan.stdout
    specops("apply", "deploy.py", "--yes", cwd=example, code=0)
    assert conf.read_text().startswith("name = quickstart")
    assert not (root / "quickstart" / "app.pid").exists()
