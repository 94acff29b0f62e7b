"""docs/operations.md, generated from the catalog: every op's docstring and arguments.

    python -m specops.runtime.opsdoc > docs/operations.md

A test fails when the checked-in page differs from what this prints, so the
reference can never drift from the code. Only the notes below are written by
hand; everything per op comes from its class docstring and ``arg(doc=…)``.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from specops.compiler.catalog import Catalog, OpType, type_name
from specops.runtime.core.fact import Fact

from .catalog import CATALOG

INTRO = """\
# Operations

Generated from the operation catalog by `python -m specops.runtime.opsdoc`
(a test fails when this page is stale); `specops ops` lists the same ops.

Every op is idempotent: it compares the facts it reads with the declared
state, and a second plan after an apply shows no changes. Its commands are
guarded on the host (atomic writes, compare-and-swap edits, `getent … ||
useradd`), so an apply stays correct if the host changed after the plan.

## How they are tested, and what cannot run here

- Every op has a fixture table of its pure plan (`tests/ops/<kind>/*.json`:
  arguments and facts in, changes and commands out), and every fact a table
  of raw output recorded from a real Debian 12 host over SSH
  (`tests/facts/<fact>/*.json`, recorded with `python -m tests.tools.record_fact`).
- Real-host tests (`tests/integration/test_catalog_*.py`) apply one spec per
  family to disposable Debian 12 hosts of the project's test bed (docs/testing.md)
  (systemd ops on a target booted with systemd), check that the apply did
  exactly what the plan predicted, that a second plan is empty, and read the
  resulting state back over SSH. `examples/lamp` is applied the same way and
  must serve its PHP page.
- **dnf.packages, apk.packages, pacman.packages** cannot run here (the test
  hosts are Debian): their commands and the `packages.Rpm`, `packages.Apk` and
  `packages.Pacman` parsers are tested from fixtures only, and those fixtures'
  outputs are samples written in each tool's documented format, not recorded
  from real hosts. `server.packages` is tested for real through apt.
- **server.sysctl** with `live = true`: the test hosts mount /proc/sys read-only,
  so the real-host test covers `persist` (the sysctl.d file) and the live
  path is tested from fixtures.
- **server.reboot** is declared but never run: its real-host test checks that it
  plans a reboot exactly when /run/reboot-required exists.
- Controller paths (`src` of `files.template`, `files.copy`, `files.sync`,
  `server.script`, `dest` of `files.get`) are relative to the spec file (or
  Python deploy) that declares the op, wherever specops runs.
- `restarted` / `reloaded` of `systemd.service` and `service.sysvinit` act on
  every apply: use them in `[handlers]`, which run only when an op that
  notifies them changed something.
"""


def _default(f: dataclasses.Field[Any]) -> str:
    if f.default is not dataclasses.MISSING:
        return (
            "`"
            + repr(f.default)
            .replace("'", '"')
            .replace("None", "null")
            .replace("True", "true")
            .replace("False", "false")
            + "`"
        )
    if f.default_factory is not dataclasses.MISSING:
        return f"`{f.default_factory()!r}`".replace("{}", "{ }")
    return "required"


def _op(op: OpType) -> list[str]:
    doc = inspect.cleandoc(op.doc)
    out = [f"### `{op.kind}`", "", doc, ""]
    hints = op.hints()
    out += ["| argument | type | default | |", "|---|---|---|---|"]
    for f in op.fields():
        text = str(f.metadata.get("doc", "")).replace("|", "\\|").replace("\n", " ")
        out.append(f"| `{f.name}` | {type_name(hints[f.name])} | {_default(f)} | {text} |")
    return [*out, ""]


def _params(fact: type[Fact[Any]]) -> str:
    sig = fact.signature()
    hints = sig.hints()
    return "<br>".join(
        f"`{f.name}` ({type_name(hints[f.name])}"
        + ("" if _default(f) == "required" else f", default {_default(f)}")
        + f"): {f.metadata.get('doc', '')}".replace("|", "\\|")
        for f in sig.fields()
    )


def _facts() -> list[str]:
    out = ["## Facts", ""]
    out += [
        "Each is one read-only command plus a pure parser; `specops facts TARGETS FACT "
        "NAME=VALUE` reads one, its parameters checked like an op's arguments.",
        "",
    ]
    out += ["| fact | parameters | returns |", "|---|---|---|"]
    for name in sorted(Fact.registry):
        fact = Fact.registry[name]
        if not fact.__module__.startswith("specops."):
            continue  # facts of user modules loaded in this process
        doc = inspect.getdoc(fact) or ""
        out.append(f"| `{name}` | {_params(fact)} | {doc.splitlines()[0] if doc else ''} |")
    return [*out, ""]


def operations_markdown(catalog: Catalog = CATALOG) -> str:
    ops = catalog.builtins()  # ops user modules registered in this process are not ours to list
    families: dict[str, list[OpType]] = {}
    for op in ops:
        families.setdefault(op.kind.split(".")[0], []).append(op)
    out = [INTRO, f"{len(ops)} operations in {len(families)} families.", ""]
    out += ["| op | ensures |", "|---|---|"]
    out += [f"| [`{op.kind}`](#{op.kind.replace('.', '')}) | {op.summary} |" for op in ops]
    out.append("")
    for family, members in families.items():
        out += [f"## {family}", ""]
        for op in members:
            out += _op(op)
    out += _facts()
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(operations_markdown(), end="")
