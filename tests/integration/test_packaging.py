"""The wheel and sdist: built with ``python -m build``, installed into a fresh venv, run.

The installed package must hold ``specops.compiler`` and ``specops.runtime``
(with the grammar and the ``py.typed`` markers) and no top-level ``compiler``
or ``runtime`` package, and the ``specops`` command must work from it,
outside the checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from specops import __version__

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert r.returncode == 0, f"{argv}:\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: setuptools and wheel come from the test venv (pyproject's
    # build requirements), so the build needs no download and takes seconds.
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=out)
    return out


def test_wheel_holds_the_packages_grammar_and_markers(dist: Path) -> None:
    (wheel,) = dist.glob("specops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in (
        "specops/py.typed",
        "specops/compiler/py.typed",
        "specops/runtime/py.typed",
        "specops/compiler/template.lark",
        "specops/schemas/spec.schema.json",
        "specops/runtime/connectors/__init__.py",
        "specops/adhoc.py",
    ):
        assert f in names, f
    tops = {n.split("/", 1)[0] for n in names}
    assert not tops & {"compiler", "runtime", "tests"}, tops


def test_sdist_holds_the_sources(dist: Path) -> None:
    (sdist,) = dist.glob("specops-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"pyproject.toml", "compiler/template.lark", "runtime/connectors/ssh.py"} <= names


def test_wheel_installs_and_runs_in_a_fresh_venv(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("specops-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    py, exe = venv / "bin" / "python", venv / "bin" / "specops"
    run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel, cwd=tmp_path)
    assert run(exe, "--version", cwd=tmp_path).stdout.strip() == f"specops {__version__}"
    probe = (
        "import importlib.util as u, specops.compiler, specops.runtime.connectors;"
        "print(u.find_spec('compiler'), u.find_spec('runtime'), specops.__file__)"
    )
    found = run(py, "-c", probe, cwd=tmp_path).stdout.split()
    assert found[:2] == ["None", "None"] and found[2].startswith(str(venv))
    example = tmp_path / "quickstart"
    shutil.copytree(ROOT / "examples" / "quickstart", example)
    ir = json.loads(run(exe, "compile", "site.toml", cwd=example).stdout)
    assert ir["hosts"] and ir["hosts"][0]["ops"]
    schema = json.loads(run(exe, "schema", cwd=tmp_path).stdout)
    assert "$schema" in schema
    out = run(exe, "run", "@local", "--", "echo installed", cwd=tmp_path).stdout
    assert "installed" in out
