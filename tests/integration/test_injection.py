"""No injection: hostile strings in every argument of the file and shell ops, applied over
real SSH, produce exactly the declared state and run nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from specops.compiler.catalog import validate_args
from specops.compiler.ir import Connection, HostProgram, OpNode, Program
from specops.runtime.catalog import CATALOG
from specops.runtime.engine.executor import Runner
from specops.runtime.engine.outcomes import Status
from tests.sshd import SshFleet

pytestmark = pytest.mark.fleet

HOSTILE = [
    "'",
    '"',
    "$(touch PWNED)",
    "`touch PWNED`",
    "; touch PWNED",
    "\n",
    "-rf",
    "--",
    " ",
    "*",
    "?",
    "[a]",
    "$HOME",
    "${IFS}",
    "\\",
    "ü",
    "日本",
    "|",
    "&",
    ">",
    "<",
    "#",
    "%s",
    "\t",
]
piece = st.sampled_from(HOSTILE) | st.text(alphabet="ab-._ ", min_size=1, max_size=3)
name = (
    st.lists(piece, min_size=1, max_size=4)
    .map("".join)
    .filter(lambda s: "/" not in s and s not in (".", "..") and "\n" not in s and "\x00" not in s)
)
text = st.lists(piece, max_size=6).map("".join)


def _as_name(p: str) -> str:
    return p if "/" not in p and p not in (".", "..") and "\n" not in p else "n"


def every_piece(test: Any) -> Any:
    """Each hostile piece in every position, as well as what hypothesis draws."""
    for p in HOSTILE:
        line = p if "\n" not in p else "x"
        test = example(
            dirname=_as_name(p), filename=_as_name(p), content=p, line=line, target=_as_name(p)
        )(test)
    return test


def every_piece_to_the_editors(test: Any) -> Any:
    for p in HOSTILE:
        block = p if "\n" not in p and p.strip() else "b"
        needle = p if p and "\\" not in p and "X" not in p else "q"
        test = example(filename=_as_name(p), block_name=block, content=p, needle=needle)(test)
    return test


def node(op_id: str, kind: str, **args: Any) -> OpNode:
    optype = CATALOG.get(kind)
    assert optype is not None
    canonical, problems = validate_args(optype, args, lambda _: None, lambda _: None, None)
    assert canonical is not None, problems
    return OpNode(op_id, kind, canonical)


def everything_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@settings(max_examples=20, deadline=None)
@every_piece
@given(
    dirname=name,
    filename=name,
    content=text,
    line=text.filter(lambda s: "\n" not in s),
    target=name,
)
def test_hostile_arguments(
    fleet: SshFleet,
    tmp_path_factory: pytest.TempPathFactory,
    dirname: str,
    filename: str,
    content: str,
    line: str,
    target: str,
) -> None:
    h = fleet.hosts[0]
    root = tmp_path_factory.mktemp("inj")
    d = f"{root}/{dirname}"
    ops = (
        node("dir", "files.directory", path=d, mode="0750"),
        node("file", "files.file", path=f"{d}/{filename}", content=content),
        node("line", "files.line", path=f"{d}/lines", line=line or "x"),
        node("link", "files.link", path=f"{d}/link", target=target),
        node("shell", "server.shell", command="true", creates=f"{d}/{filename}.never"),
    )
    conn = Connection(
        "ssh",
        h.user,
        h.address,
        h.port,
        {"key": str(h.key_file), "known_hosts": str(h.known_hosts)},
    )
    with Runner(Program((HostProgram("h", conn, ops),))) as r:
        r.plan()
        (result,) = r.apply()
    assert [o.status for o in result.ops] == [Status.CHANGED] * 5, result
    assert Path(d).is_dir() and oct(Path(d).stat().st_mode & 0o777) == "0o750"
    assert Path(d, filename).read_text() == content
    assert Path(d, "lines").read_text() == (line or "x") + "\n"
    assert os.readlink(Path(d, "link")) == target
    found = everything_under(root)
    assert found == {dirname, f"{dirname}/{filename}", f"{dirname}/lines", f"{dirname}/link"}
    assert not Path.home().joinpath("PWNED").exists() and not Path("PWNED").exists()


@settings(max_examples=15, deadline=None)
@every_piece_to_the_editors
@given(
    filename=name,
    block_name=text.filter(lambda s: "\n" not in s and s.strip() != ""),
    content=text,
    # no "X" in the needle: the replacement must not create new matches
    needle=text.filter(lambda s: s != "" and "\\" not in s and "X" not in s),
)
def test_hostile_arguments_to_the_editing_ops(
    fleet: SshFleet,
    tmp_path_factory: pytest.TempPathFactory,
    filename: str,
    block_name: str,
    content: str,
    needle: str,
) -> None:
    import re

    h = fleet.hosts[1]
    root = tmp_path_factory.mktemp("edit")
    target = root / filename
    original = f"before {needle} after\n"
    target.write_text(original)
    ops = (
        node(
            "block", "files.block", path=f"{root}/{filename}.blk", name=block_name, content=content
        ),
        node("replace", "files.replace", path=str(target), regex=re.escape(needle), replace="X"),
    )
    conn = Connection(
        "ssh",
        h.user,
        h.address,
        h.port,
        {"key": str(h.key_file), "known_hosts": str(h.known_hosts)},
    )
    program = Program((HostProgram("h", conn, ops),))
    with Runner(program) as r:
        r.plan()
        (result,) = r.apply()
    assert all(o.status is Status.CHANGED for o in result.ops), result
    # every occurrence goes, including ones that overlap "before"/"after" (needle " ")
    assert target.read_text() == re.sub(re.escape(needle), "X", original, flags=re.MULTILINE)
    block = Path(f"{root}/{filename}.blk").read_text()
    assert block_name in block and content in block
    with Runner(program) as again:  # applied exactly: nothing left to do
        (plan,) = again.plan()
    assert not any(op.changes for op in plan.ops)
    assert everything_under(root) == {filename, f"{filename}.blk"}
    assert not Path.home().joinpath("PWNED").exists() and not Path("PWNED").exists()
