"""Redaction of sensitive values: ``OpNode.sensitive`` names argument paths whose
values came from secret sources; everything shown to people shows ``(sensitive)``.

Used by the IR dump (``to_json``) and by the runtime for plan summaries, diffs,
command output and errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

MARK = "(sensitive)"


def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def redact_args(args: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """A copy of ``args`` with the value at every sensitive path replaced by ``(sensitive)``."""
    out: Any = json.loads(json.dumps(args, default=str))
    for path in paths:
        parts = _parts(path)
        node: Any = out
        for p in parts[:-1]:
            node = _step(node, p)
        last = parts[-1]
        if isinstance(node, dict) and last in node:  # noqa: SIM114  (mypy narrows each branch)
            node[last] = MARK
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = MARK
    return dict(out)


def _step(node: Any, p: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(p)
    # ``_parts`` makes only digit strings numbers: an index is never negative
    if isinstance(node, list) and isinstance(p, int) and p < len(node):
        return node[p]
    return None


def secret_values(args: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """The sensitive values of ``args`` as text, longest first (so longer secrets mask whole),
    ties in text order so the scrubbing is the same on every run."""
    found: list[str] = []
    for path in paths:
        node: Any = args
        for p in _parts(path):
            node = _step(node, p)
        if node is None:
            continue
        text = node if isinstance(node, str) else json.dumps(node, default=str)
        if text:
            found.append(text)
            found += [line for line in text.splitlines() if line.strip()]
    return sorted(set(found), key=lambda s: (-len(s), s))


def scrub(text: str, secrets: Iterable[str]) -> str:
    for s in secrets:
        text = text.replace(s, MARK)
    return text
