"""No edit ever clobbers: for every op that edits a file it does not own whole, a file
that appears or changes between the plan and the apply is never lost. Either the
op edits what is on the host then (nothing of it is lost), or it fails with "plan
again" and leaves the file as it found it.

Runs in a real Debian root through the chroot connector (the fixed paths these ops
edit, /etc/fstab and the rest, are the root's own). Hypothesis draws the content
that appears; every op kind meets both cases: a file that appears where the plan
saw none, and a file that changed since the plan read it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from specops.compiler.ir import Connection, HostProgram, Program
from specops.runtime.catalog import CATALOG
from specops.runtime.connectors import ChrootConnector
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from tests import roots
from tests.unit.test_executor import node

pytestmark = pytest.mark.fleet

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpLmXNEHUtnhDJ9QbBKaBmUy4IFCQKXh6TbZqr/bCIy"

# kind -> (path edited, arguments); the path is inside the root.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "files.line": ("/srv/edit/line.conf", {"path": "/srv/edit/line.conf", "line": "a=1"}),
    "files.replace": (
        "/srv/edit/replace.conf",
        {"path": "/srv/edit/replace.conf", "regex": "^port=.*$", "replace": "port=2"},
    ),
    "files.block": (
        "/srv/edit/block.conf",
        {"path": "/srv/edit/block.conf", "name": "b", "content": "x\ny"},
    ),
    "files.ini": (
        "/srv/edit/ini.conf",
        {"path": "/srv/edit/ini.conf", "section": "s", "key": "k", "value": "v"},
    ),
    "files.keyvalue": (
        "/srv/edit/kv.conf",
        {"path": "/srv/edit/kv.conf", "key": "K", "value": "v"},
    ),
    "ssh.known_host": (
        "/srv/edit/known_hosts",
        {"host": "db1", "key": KEY, "path": "/srv/edit/known_hosts"},
    ),
    "ssh.authorized_key": ("/root/.ssh/authorized_keys", {"user": "root", "key": KEY}),
    "server.mount": (
        "/etc/fstab",
        {"path": "/mnt/data", "source": "tmpfs", "fstype": "tmpfs", "mounted": False},
    ),
    "apk.repository": ("/etc/apk/repositories", {"url": "https://example.org/alpine/main"}),
}
# Edits that need the file to exist already plan nothing for a missing one.
NEEDS_FILE = {"files.replace"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private Debian root (these tests rewrite its /etc/fstab)."""
    missing = roots.prerequisites()
    if missing:
        pytest.fail("the clobber tests need: " + ", ".join(missing), pytrace=False)
    copy = roots.extract(tmp_path_factory.mktemp("clobber") / "root")
    # A chroot has no /proc: server.mount reads the mount table from here instead.
    (copy / "proc" / "self").mkdir(parents=True)
    (copy / "proc" / "self" / "mounts").write_text("/dev/vda / ext4 rw 0 0\n")
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def test_every_file_editing_op_has_a_case() -> None:
    edits = {t.kind for t in CATALOG if t.declares.part_of == ("files.file", "content")}
    assert edits <= set(CASES), f"add a clobber case for {sorted(edits - set(CASES))}"


def _one(root: Path, kind: str, before: str | None, appears: str) -> None:
    path, args = CASES[kind]
    host = root / path.lstrip("/")
    host.parent.mkdir(parents=True, exist_ok=True)
    host.unlink(missing_ok=True)
    if before is not None:
        host.write_text(before)
    prog = Program(
        (HostProgram("h", Connection("chroot", address=str(root)), (node("op", kind, **args),)),)
    )
    conn = ChrootConnector(Connection("chroot", address=str(root)))
    with Runner(prog, connector=lambda hp: conn) as r:
        (plan,) = r.plan()
        assert not plan.error and not plan.ops[0].error, plan
        if not plan.ops[0].changes:
            return  # nothing to write: nothing to clobber
        host.write_text(appears)  # someone writes the file between plan and apply
        (result,) = r.apply()
    (op,) = result.ops
    after = host.read_text() if host.exists() else None
    if op.status is Status.FAILED:
        assert "plan again" in (op.error or "") + op.output, (op.error, op.output)
        assert after == appears, "a refused edit changed the file"
    else:
        assert op.status is Status.CHANGED, op
        assert after is not None
        kept = [line for line in appears.splitlines() if line.strip()]
        lost = [line for line in kept if line not in after.splitlines()]
        assert not lost, f"{kind} lost {lost} of a file that appeared since the plan"


content = st.lists(
    st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12),
    min_size=1,
    max_size=5,
).map(lambda lines: "".join(f"keep {x}\n" for x in lines))


@pytest.mark.parametrize("kind", sorted(CASES))
@settings(max_examples=15, deadline=None)
@given(appears=content)
@example(appears="keep me\n")
def test_a_file_that_appears_after_the_plan_is_never_lost(
    root: Path, kind: str, appears: str
) -> None:
    if kind in NEEDS_FILE:
        _one(root, kind, "port=1\n", appears)
    else:
        _one(root, kind, None, appears)


@pytest.mark.parametrize("kind", sorted(CASES))
@settings(max_examples=15, deadline=None)
@given(appears=content)
@example(appears="keep me\nport=9\n")
def test_a_file_that_changed_after_the_plan_is_never_lost(
    root: Path, kind: str, appears: str
) -> None:
    _one(root, kind, "# as the plan saw it\nport=1\n", appears)
