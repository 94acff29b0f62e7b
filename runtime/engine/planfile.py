"""Saved plans: ``specops plan -o site.plan`` and ``specops apply site.plan``.

A plan file holds the compiled program (the IR, with origins), the planned
changes per host for people to read (``specops show``), and a fingerprint of
every fact each host's plan read. Applying it re-reads those facts in the same
one round trip and refuses, naming host and fact, if any differ: the plan is
then stale. Same IR and same facts give the same plan, so what is applied is
exactly what was shown.

A plan whose ops hold sensitive values is refused rather than saved: plan
files are plain JSON and specops never writes secrets to disk.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from specops.compiler import messages as m
from specops.compiler.diagnostics import SpecError, diag
from specops.compiler.ir import OpNode, Program, from_doc, to_doc
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, OpPlan
from specops.runtime.engine.render import plan_json

FORMAT = 1
MAGIC = "specops-plan"


def save(path: str, program: Program, plans: list[HostPlan], source: str) -> None:
    secret = [f"{h.name}/{op.id}" for h in program.hosts for op in h.ops if op.sensitive]
    if secret:
        raise SpecError(
            [
                diag(
                    m.BAD_VALUE,
                    None,
                    what="plan -o",
                    detail=f"{', '.join(secret[:3])} hold sensitive values, which "
                    "specops never writes to a plan file",
                    hint="apply the spec directly: specops apply SPEC",
                )
            ]
        )
    doc = {
        "format": MAGIC,
        "version": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": source,
        "program": to_doc(program, origins=True, redact=False),
        "facts": {p.host: dict(p.facts) for p in plans},
        "plan": plan_json(plans),
    }
    Path(path).write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def plans_from_doc(doc: dict[str, Any]) -> list[HostPlan]:
    """The saved plan as ``HostPlan``s, for showing (the commands are not kept)."""
    plans = []
    for h in doc["plan"]["hosts"]:
        ops = tuple(
            OpPlan(
                OpNode(o["id"], o["kind"], {}),
                tuple(
                    Change(
                        Action[c["action"].upper()],
                        c["summary"],
                        (),
                        c.get("diff"),
                        depends_on=c.get("uncertain", {}).get("depends_on"),
                    )
                    for c in o["changes"]
                ),
                o.get("error"),
                waits_on=o.get("waits_on"),
            )
            for o in h["ops"]
        )
        plans.append(
            HostPlan(
                h["name"], h["target"], ops, h.get("error"), unreachable=h.get("unreachable", False)
            )
        )
    return plans


def is_plan(path: str) -> bool:
    p = Path(path)
    if p.suffix == ".plan":
        return True
    if p.suffix != ".json" or not p.is_file():
        return False
    try:
        return bool(json.loads(p.read_text()).get("format") == MAGIC)
    except (ValueError, OSError, AttributeError):
        return False


def load(path: str) -> tuple[Program, dict[str, dict[str, str]], dict[str, Any]]:
    """The program, the expected fact fingerprints per host, and the whole document."""
    try:
        doc = json.loads(Path(path).read_text())
        if doc.get("format") != MAGIC:
            raise ValueError("not a specops plan file")
        if doc.get("version") != FORMAT:
            raise ValueError(f"plan format {doc.get('version')}, this specops reads {FORMAT}")
        return from_doc(doc["program"]), doc["facts"], doc
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SpecError(
            [
                diag(
                    m.FILE_NOT_FOUND,
                    None,
                    path=path,
                    reason=str(e),
                    hint="make one with: specops plan SPEC -o FILE.plan",
                )
            ]
        ) from None


def fingerprint(value: Any) -> str:
    """A stable digest of a parsed fact value (dataclasses, maps, bytes…)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def why_stale(now: Mapping[str, str], then: Mapping[str, str] | None) -> str | None:
    """Why a host's facts now (``fingerprint``s) differ from a saved plan's, or None."""
    if then is None:
        return "the saved plan has no facts for this host"
    for ref, digest in then.items():
        if now.get(ref) != digest:
            return f"stale plan: {ref} changed since the plan was saved"
    return None
