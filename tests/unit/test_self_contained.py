"""The project stands alone: a fresh clone has nothing beside it, so nothing in it may
point outside its own tree, and the two tables of connection kinds agree."""

from __future__ import annotations

import re
import subprocess
import typing
from pathlib import Path

from specops.compiler import connections
from specops.runtime.connectors import CONNECTORS

ROOT = Path(__file__).resolve().parents[2]
# A path that climbs out of the checkout, or the team folder beside it. The folder's
# name is put together here so that this file does not itself name the path.
TEAM = "sha" + "red"
UP = ".." + "/" + TEAM
OUTSIDE = re.compile(
    rf"{re.escape(UP)}|{TEAM}/(targets|notes|DESIGN|STYLE)|parents\[2\] / \"{TEAM}\""
)


def tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / p for p in out.split("\0") if p]


def test_nothing_points_outside_the_repository() -> None:
    files = [p for p in tracked() if p.suffix in {".py", ".md", ".sh", ".toml", ".yaml", ""}]
    assert len(files) > 100, "git ls-files found too few files: is this a checkout?"
    hits = []
    for p in files:
        if not p.is_file() or p == Path(__file__):
            continue
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{p.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "these lines point outside the repository:\n" + "\n".join(hits)


def test_compiler_and_runtime_name_the_same_connection_kinds() -> None:
    kinds = set(connections.KINDS)
    assert kinds == set(CONNECTORS)
    assert kinds == set(typing.get_args(connections.ConnectorKind))


def test_the_outside_pattern_catches_what_it_is_for() -> None:
    assert OUTSIDE.search(f"see {UP}/targets/make-target.sh")
    assert OUTSIDE.search(f'Path(__file__).parents[2] / "{TEAM}" / "targets"')
    assert OUTSIDE.search(f"read {TEAM}/notes/podman.md")
    assert not OUTSIDE.search("tests/testbed/host.py shares one image")
