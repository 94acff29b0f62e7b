"""The recipes of docs/architecture.md, followed to the letter on a copy of the code.

"How to add a family" and "how to add a connector" promise that a family is one
module a side plus one catalog line, and a connector one module plus one row on
each side. Each test copies ``specops/``, ``compiler/`` and ``runtime/`` to a
temporary directory, makes exactly the recipe's edits there (an edit that no
longer applies fails the test: the recipe went stale), and uses the result the
way a user would: the command line of the copy, on this machine.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

from specops.exitcodes import Exit
from tests.cli import specops

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"

# Run the copy's specops, not the installed one: the editable install's finder comes
# before sys.path, so it is taken out first.
BOOT = textwrap.dedent(
    """
    import runpy, sys
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    for m in [m for m in sys.modules if m == "specops" or m.startswith("specops.")]:
        del sys.modules[m]
    sys.path.insert(0, sys.argv.pop(1))
    sys.argv[0] = "specops"
    runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
    """
)


def copy_of_the_code(tmp: Path) -> Path:
    root = tmp / "checkout"
    for part in ("specops", "compiler", "runtime"):
        shutil.copytree(
            ROOT / part, root / part, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    (root / "tests" / "unit").mkdir(parents=True)
    for f in ("tests/__init__.py", "tests/unit/__init__.py", "tests/unit/test_layers.py"):
        if (ROOT / f).exists():
            shutil.copy(ROOT / f, root / f)
    return root


def edit(path: Path, anchor: str, new: str) -> None:
    """Insert ``new`` after the one line holding ``anchor`` (the recipe's "one row")."""
    text = path.read_text()
    assert text.count(anchor) == 1, f"{path}: the recipe's anchor {anchor!r} is gone"
    start = text.index(anchor)
    end = text.index("\n", start) + 1
    path.write_text(text[:end] + new + text[end:])


def copied(
    root: Path, *args: str, code: Exit | int, module: str = "specops", cwd: Path | None = None
) -> str:
    """Run ``module`` (the command line by default) of the copy at ``root``."""
    r = specops(*args, code=code, cwd=cwd, launcher=(sys.executable, "-c", BOOT, str(root), module))
    return r.stdout + r.stderr


TOY_FACTS = '''\
"""Toy facts: the first line of a file."""

from __future__ import annotations

from specops.runtime.core.command import Command, join, raw, sh
from specops.runtime.core.fact import Fact, PathParams


class FirstLine(Fact[str | None]):
    """The first line of a file, or None when there is no such file."""

    Params = PathParams

    @classmethod
    def command(cls, p: PathParams) -> Command:
        there = join([sh("test", "-f", p.path), sh("echo", "y"), sh("head", "-n1", p.path)])
        return there + sh(raw("|| echo n"))

    @classmethod
    def parse(cls, output: str) -> str | None:
        there, _, line = output.partition("\\n")
        return line.rstrip("\\n") if there == "y" else None
'''

TOY_OPS = '''\
"""Toy operations: toy.line, a file that is exactly one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.command import raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.core.words import path_arg
from specops.runtime.facts.toy import FirstLine


@dataclass(frozen=True)
class LineArgs:
    path: str = path_arg("The file.")
    text: str = arg(doc="Its one line.")


@register
class Line(Operation[LineArgs]):
    """Ensure a file holds exactly one line.

    Example: ``[ops.motd] op = "toy.line"  path = "/etc/motd"  text = "hi"``
    """

    kind = "toy.line"
    declares = Declares(identity=("path",))

    def facts(self, a: LineArgs) -> list[FactRef[Any]]:
        return [FirstLine.ref(path=a.path)]

    def plan(self, a: LineArgs, f: Facts) -> list[Change]:
        if f[FirstLine.ref(path=a.path)] == a.text:
            return []
        write = sh("printf", "%s\\\\n", a.text) + sh(raw(">")) + sh(a.path)
        return [Change(Action.UPDATE, f"write {a.path}", (write,))]

    def effects(self, a: LineArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {FirstLine.ref(path=a.path): a.text}
'''


FACTS_LINE = "from specops.runtime.facts import toy as _toy_facts  # noqa: F401\n"


def test_a_family_is_two_modules_and_one_catalog_line(tmp_path: Path) -> None:
    doc = DOC.read_text()
    assert "## How to add a family" in doc
    for step in ("runtime/facts/<family>.py", "runtime/operations/<family>.py", "catalog.py"):
        assert step in doc, step
    root = copy_of_the_code(tmp_path)
    # 1. the facts, 2. the ops, 3. one line in the catalog: nothing else.
    (root / "runtime/facts/toy.py").write_text(TOY_FACTS)
    (root / "runtime/operations/toy.py").write_text(TOY_OPS)
    catalog = root / "runtime/catalog.py"
    edit(catalog, "from specops.runtime.facts import systemd", FACTS_LINE)
    edit(catalog, "from specops.runtime.operations import (", "    toy,\n")

    target = tmp_path / "motd"
    spec = tmp_path / "site.toml"
    spec.write_text(f'[ops.motd]\nop = "toy.line"\npath = "{target}"\ntext = "hello from a toy"\n')
    out = copied(root, "plan", str(spec), "--detailed-exitcode", code=Exit.CHANGES, cwd=tmp_path)
    assert f"write {target}" in out
    copied(root, "apply", str(spec), "--yes", code=Exit.OK, cwd=tmp_path)
    assert target.read_text() == "hello from a toy\n"
    copied(root, "plan", str(spec), "--detailed-exitcode", code=Exit.OK, cwd=tmp_path)
    facts = copied(root, "facts", "@local", "toy.FirstLine", f"path={target}", code=Exit.OK)
    assert "hello from a toy" in facts
    # the reference lists the new op and fact, and the layer rules hold for the copy
    ref = copied(root, code=Exit.OK, module="specops.runtime.opsdoc")
    assert "toy.line" in ref and "toy.FirstLine" in ref
    layers = copied(
        root, "-q", "-p", "no:cacheprovider", "tests/unit/test_layers.py",
        code=0, module="pytest", cwd=root,
    )  # fmt: skip
    assert "passed" in layers


TOY_CONNECTOR = '''\
"""The toy connector: commands run here, with TOY set to the target's name."""

from __future__ import annotations

from specops.compiler.ir import Connection

from .local import LocalConnector


class ToyConnector(LocalConnector):
    def __init__(self, target: Connection) -> None:
        super().__init__()
        self.name = str(target.address)

    def argv(self, command: str) -> list[str]:
        return ["env", f"TOY={self.name}", "/bin/sh", "-c", command]
'''


def test_a_connector_is_one_module_and_one_row_on_each_side(tmp_path: Path) -> None:
    doc = DOC.read_text()
    assert "## How to add a connector" in doc
    for step in ("runtime/connectors/<kind>.py", "compiler/connections.py", "CONNECTORS"):
        assert step in doc, step
    root = copy_of_the_code(tmp_path)
    # 1. the module
    (root / "runtime/connectors/toy.py").write_text(TOY_CONNECTOR)
    # 2. the compiler's row (and its name in the Literal beside the table)
    connections = root / "compiler/connections.py"
    text = connections.read_text()
    assert text.count('"kubectl"]') == 1
    connections.write_text(text.replace('"kubectl"]', '"kubectl", "toy"]'))
    edit(
        connections,
        'Kind("kubectl",',
        '        Kind("toy", "NAME", \'toy = "name"\', "Runs here with TOY=name.", "toy"),\n',
    )
    # 3. the runtime's row
    init = root / "runtime/connectors/__init__.py"
    edit(init, "from .ssh import SshConnector", "from .toy import ToyConnector\n")
    edit(
        init, '"kubectl": lambda target, s:', '    "toy": lambda target, s: ToyConnector(target),\n'
    )

    out = tmp_path / "out"
    copied(root, "run", "@toy/blue", "--", f"echo $TOY > {out}", code=Exit.OK, cwd=tmp_path)
    assert out.read_text() == "blue\n"
    # the inventory key, the target's hint and the schema come from the same row
    inv = tmp_path / "inventory.toml"
    inv.write_text('[hosts.b]\ntoy = "green"\n')
    copied(root, "run", "-i", str(inv), "b", "--", f"echo $TOY > {out}", code=Exit.OK, cwd=tmp_path)
    assert out.read_text() == "green\n"
    wrong = copied(root, "run", "@toy/", "--", "true", code=Exit.ERROR, cwd=tmp_path)
    assert "@toy/NAME" in wrong
    assert '"toy"' in copied(root, "schema", code=Exit.OK)
