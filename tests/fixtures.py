"""Fixture files for fact parsers and op plans, checked against the real types.

A fixture's fact values are built through the fact's declared return type
(``Fact[T]``), so a fixture that drifts from the dataclass it fakes fails
loudly instead of passing with stale data. Set ``SPECOPS_UPDATE_GOLDEN=1`` to
rewrite the expected parts of fixtures after an intended change (then review
the diff).
"""

from __future__ import annotations

import base64
import dataclasses
import difflib
import json
import os
import sys
import types
import typing
from pathlib import Path
from typing import Any, Union

from specops.runtime.core.fact import Fact, FactRef

ROOT = Path(__file__).parent
UPDATE = os.environ.get("SPECOPS_UPDATE_GOLDEN") == "1"
if UPDATE and os.environ.get("CI"):
    # Expected outputs are written by people, who review what changed: never by CI.
    raise RuntimeError("SPECOPS_UPDATE_GOLDEN=1 is refused in CI (CI is set)")


def rewrite(path: Path, text: str) -> None:
    """Write an expected output anew (``SPECOPS_UPDATE_GOLDEN=1``), saying what changed,
    so a bug present now is seen before it is locked in."""
    old = path.read_text() if path.exists() else ""
    if old == text:
        return
    diff = difflib.unified_diff(
        old.splitlines(), text.splitlines(), str(path), str(path), n=1, lineterm=""
    )
    sys.stderr.write("SPECOPS_UPDATE_GOLDEN rewrote:\n" + "\n".join(diff) + "\n")
    path.write_text(text)


def fact_type(fact: type[Fact[Any]]) -> Any:
    for base in getattr(fact, "__orig_bases__", ()):
        if typing.get_origin(base) is Fact:
            return typing.get_args(base)[0]
    raise TypeError(f"{fact.name} does not declare Fact[T]")


def from_json(t: Any, v: Any) -> Any:
    """Build a value of annotation ``t`` from fixture JSON, rejecting anything that does not fit."""
    origin = typing.get_origin(t)
    if origin in (Union, types.UnionType):
        options = typing.get_args(t)
        if v is None and type(None) in options:
            return None
        errors = []
        for o in options:
            if o is type(None):
                continue
            try:
                return from_json(o, v)
            except (TypeError, ValueError) as e:
                errors.append(str(e))
        raise TypeError(f"{v!r} fits none of {t}: {errors}")
    if origin is typing.Literal:
        if v not in typing.get_args(t):
            raise ValueError(f"{v!r} is not one of {typing.get_args(t)}")
        return v
    if dataclasses.is_dataclass(t) and isinstance(t, type):
        if not isinstance(v, dict):
            raise TypeError(f"{t.__name__} fixture must be an object")
        hints = typing.get_type_hints(t)
        names = {f.name for f in dataclasses.fields(t)}
        if set(v) - names:
            raise TypeError(f"{t.__name__} has no fields {sorted(set(v) - names)}")
        return t(**{k: from_json(hints[k], x) for k, x in v.items()})
    if t is bytes:
        if isinstance(v, dict) and set(v) == {"base64"}:
            return base64.b64decode(v["base64"])
        if isinstance(v, str):
            return v.encode("utf-8")
        raise TypeError("bytes fixture must be a string or {base64: …}")
    if t in (int, str, bool, float):
        if type(v) is not t and not (t is float and type(v) is int):
            raise TypeError(f"{v!r} is not {t.__name__}")
        return v
    if origin is list:
        (inner,) = typing.get_args(t)
        return [from_json(inner, x) for x in v]
    if origin is frozenset:
        (inner,) = typing.get_args(t)
        return frozenset(from_json(inner, x) for x in v)
    if origin is dict:
        _, inner = typing.get_args(t)
        return {k: from_json(inner, x) for k, x in v.items()}
    raise TypeError(f"no fixture conversion for {t}")


def to_json(v: Any) -> Any:
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: to_json(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(v).decode()}
    if isinstance(v, list | tuple):
        return [to_json(x) for x in v]
    if isinstance(v, frozenset | set):
        return sorted(to_json(x) for x in v)
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    return v


def fact_ref(entry: dict[str, Any]) -> FactRef[Any]:
    fact = Fact.registry[entry["fact"]]
    return fact.ref(**entry.get("params", {}))


def cases(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*/*.json"))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    rewrite(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def final(stdout: str) -> dict[str, Any]:
    """The last event of a ``--json`` event stream: the whole plan or apply document."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    doc: dict[str, Any] = json.loads(lines[-1])
    return doc
