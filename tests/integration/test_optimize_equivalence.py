"""Optimized and unoptimized programs leave identical trees on real hosts.

Generated file/directory/line/link workloads (duplicates, lines sharing a file,
``requires`` that move ops, files in directories, commands guarded by ``creates``
or ``unless`` on paths other ops write) are compiled once; host A
applies the program as lowered, host B as optimized, both over SSH (two
servers of the loopback fleet). The trees under each host's root must match:
types, modes, contents, link targets, and each op's outcome.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import specops
from specops.compiler.catalog import Catalog
from specops.compiler.frontend import Options, compile_file
from specops.compiler.ir import Program
from specops.compiler.optimize import optimize
from specops.runtime.catalog import CATALOG
from specops.runtime.engine.outcomes import Status
from tests.sshd import SshFleet

pytestmark = pytest.mark.fleet

# The files.* declarations the optimizer can use (resource, container, part_of),
# layered on the runtime catalog so the inferred edges are exercised too.
FILES: dict[str, dict[str, Any]] = {
    "files.directory": {"resource": "path", "container": True},
    "files.file": {"resource": "path"},
    "files.link": {"resource": "path"},
    "files.absent": {"resource": "path"},
    "files.line": {"resource": "path", "part_of": ("files.file", "content")},
}


def declared() -> Catalog:
    c = Catalog()
    for t in CATALOG:
        c.register(replace(t, declares=replace(t.declares, **FILES.get(t.kind, {}))))
    return c


def workload(seed: int) -> str:
    """Ops in a valid source order (directories before what they hold), with extras."""
    rnd = random.Random(seed)
    ops: list[str] = []
    # pre0 and pre1 exist on the hosts before the apply and are declared only at the
    # end: the optimizer moves what they hold after them (across any guard between).
    dirs = ["d0", *PRE]
    ops.append('[ops.d0]\nop = "files.directory"\npath = "${root}/d0"\nmode = "0755"\n')
    files: list[str] = []
    # A requires moves an op on purpose; around a guard, that changes what the guard
    # sees in one order but not the other. So the paths guards read, and the paths
    # moved ops write, are kept apart.
    guarded: set[str] = set()
    moved: set[str] = set()
    for i in range(1, 22):
        kind = rnd.choice(["dir", "file", "file", "line", "link", "dup", "guard", "guard"])
        parent = rnd.choice(dirs)
        # A file, line or link may require any later op: the optimized program moves
        # it there, the unoptimized one runs it in source order (valid either way).
        req = f'requires = ["o{rnd.randint(i + 1, 21)}"]\n' if i < 21 else ""
        req = req if kind in ("file", "line", "link", "guard") and rnd.random() < 0.4 else ""
        if kind == "dir":
            dirs.append(f"{parent}/s{i}")
            ops.append(
                f'[ops.o{i}]\nop = "files.directory"\npath = "${{root}}/{parent}/s{i}"\n'
                f'mode = "{rnd.choice(["0755", "0700"])}"\n{req}'
            )
        elif kind == "file":
            files.append(f"{parent}/f{i}")
            moved |= {f"{parent}/f{i}"} if req else set()
            ops.append(
                f'[ops.o{i}]\nop = "files.file"\npath = "${{root}}/{parent}/f{i}"\n'
                f'mode = "0640"\n{req}'
            )
        elif kind == "line" and files:
            target = rnd.choice(files)
            req = "" if target in guarded else req
            moved |= {target} if req else set()
            ops.append(
                f'[ops.o{i}]\nop = "files.line"\npath = "${{root}}/{target}"\n'
                f'line = "k{rnd.randint(0, 3)} = {i}"\n{req}'
            )
        elif kind == "link":
            ops.append(
                f'[ops.o{i}]\nop = "files.link"\npath = "${{root}}/{parent}/l{i}"\n'
                f'target = "{rnd.choice(dirs)}"\n{req}'
            )
        elif kind == "guard":
            # A command guarded by a path another op writes (or will): if the optimizer
            # moved it across that op, the guard would see another state.
            free = [f for f in files if f not in moved]
            target = rnd.choice([*free, f"{parent}/g{i}"])
            guarded.add(target)
            req = ""
            guard = (
                f'creates = "${{root}}/{target}"'
                if rnd.random() < 0.5
                else f'unless = "test -e ${{root}}/{target}"'
            )
            ops.append(
                f'[ops.o{i}]\nop = "server.shell"\ncommand = "echo guard{i} > ${{root}}/{target}"\n'
                f"{guard}\n{req}"
            )
            files.append(target)
        else:  # the same directory declared again, as a second role would
            ops.append(
                f'[ops.o{i}]\nop = "files.directory"\npath = "${{root}}/d0"\nmode = "0755"\n'
            )
    for d in PRE:
        ops.append(
            f'[ops.late_{d}]\nop = "files.directory"\npath = "${{root}}/{d}"\nmode = "0750"\n'
        )
    return "\n".join(ops)


PRE = ("pre0", "pre1")


def tree(root: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir", oct(p.stat().st_mode & 0o777))
            else:
                out[rel] = ("file", oct(p.stat().st_mode & 0o777), p.read_text())
    return out


@pytest.mark.parametrize("seed", range(8))
def test_optimized_and_unoptimized_end_in_identical_trees(
    fleet: SshFleet, tmp_path: Path, seed: int
) -> None:
    a, b = fleet.hosts[0], fleet.hosts[1]
    roots = {}
    inv = []
    for h in (a, b):
        roots[h.name] = h.scratch / f"{tmp_path.name}-{seed}"
        roots[h.name].mkdir(parents=True)
        for d in PRE:
            (roots[h.name] / d).mkdir()
        inv.append(
            f'[hosts.{h.name}]\nssh = "{h.target}"\nkey = "{h.key_file}"\n'
            f'known_hosts = "{h.known_hosts}"\nvars = {{ root = "{roots[h.name]}" }}\n'
        )
    site = tmp_path / "site.toml"
    site.write_text("\n".join(inv) + "\n" + workload(seed))
    lowered = compile_file(str(site), CATALOG, Options(optimized=False))
    optimized = optimize(lowered, declared())
    program = Program((lowered.host(a.name), optimized.host(b.name)))
    before = [o.id for o in lowered.host(a.name).ops]
    after = [o.id for o in optimized.host(b.name).ops]
    assert len(after) < len(before), "the duplicates were deduped"
    assert any(before.index(x) > before.index(y) for x, y in itertools.pairwise(after)), "ops moved"

    results = {r.host: r for r in specops.apply(program)}
    for r in results.values():
        assert not r.failed, r
        assert all(o.status in (Status.CHANGED, Status.OK) for o in r.ops)
    assert tree(roots[a.name]) == tree(roots[b.name])
    assert tree(roots[a.name]), "the workload made something"
