"""JSON Schema of spec files, generated from an operation catalog.

Editors use it to complete and check specs (``schemas/spec.schema.json``; the
YAML language server and Taplo both read it). It mirrors the shape ``spec`` and
``inventory`` accept; the compiler remains the authority (a schema cannot see
undefined variables or what ``${…}`` evaluates to). A value that is exactly one
``${ expr }`` is accepted wherever a non-string type is expected.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, Literal, Union, get_args, get_origin

from .catalog import Catalog, OpType

_EXPR = {"type": "string", "pattern": r"^\$\{[^}]*\}$", "description": "one ${ expression }"}


def _type(t: Any) -> dict[str, Any]:
    origin = get_origin(t)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(t) if a is not type(None)]
        return _type(options[0]) if len(options) == 1 else {"anyOf": [_type(a) for a in options]}
    if t is str:
        return {"type": "string"}
    base: dict[str, Any]
    if t is bool:
        base = {"type": "boolean"}
    elif t is int:
        base = {"type": "integer"}
    elif t is float:
        base = {"type": "number"}
    elif origin is list:
        base = {"type": "array", "items": _type(get_args(t)[0])}
    elif origin is dict:
        base = {"type": "object", "additionalProperties": _type(get_args(t)[1])}
    elif origin is Literal:
        base = {"enum": list(get_args(t))}
    else:
        base = {}
    return {"anyOf": [base, _EXPR]} if base else {}


def _op(op: OpType, reserved: dict[str, Any]) -> dict[str, Any]:
    hints = op.hints()
    props: dict[str, Any] = {"op": {"const": op.kind, "description": op.summary}}
    required = ["op"]
    for f in op.fields():
        prop = _type(hints[f.name])
        if f.metadata.get("doc"):
            prop["description"] = f.metadata["doc"]
        props[f.name] = prop
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    props.update(reserved)
    return {
        "title": op.kind,
        "description": op.doc.strip(),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
        "if": {"properties": {"op": {"const": op.kind}}, "required": ["op"]},
    }


def spec_schema(catalog: Catalog) -> dict[str, Any]:
    names = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    reserved = {
        "hosts": {**names, "description": "Hosts or groups this op runs on (default: all)."},
        "requires": {**names, "description": "Op ids that must run before this one."},
        "tags": {**names, "description": "Tags for selecting ops."},
        "desc": {"type": "string", "description": "A human description of the op."},
    }
    ops = [_op(op, reserved) for op in catalog]
    op_schema = {
        "type": "object",
        "required": ["op"],
        "properties": {"op": {"enum": [o.kind for o in catalog]}},
        "allOf": [{"if": o.pop("if"), "then": o} for o in ops],
    }
    host = {
        "type": "object",
        "properties": {
            "ssh": {"type": "string", "description": 'Where to connect: "user@address:port".'},
            "local": {"type": "boolean", "description": "Run on this machine."},
            "docker": {"type": "string", "description": "Run inside this container."},
            "chroot": {"type": "string", "description": "Run inside this directory's chroot."},
            "kubectl": {"type": "string", "description": "Run inside this pod."},
            "key": {"type": "string", "description": "SSH identity file."},
            "known_hosts": {"type": "string", "description": "A known_hosts file for this host."},
            "vars": {"type": "object"},
        },
        "additionalProperties": False,
    }
    group = {
        "type": "object",
        "properties": {
            "hosts": {"type": "array", "items": {"type": "string"}},
            "vars": {"type": "object"},
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "specops spec file",
        "type": "object",
        "properties": {
            "hosts": {"type": "object", "additionalProperties": host},
            "groups": {"type": "object", "additionalProperties": group},
            "vars": {"type": "object"},
            "ops": {"type": "object", "additionalProperties": op_schema},
        },
        "additionalProperties": False,
    }
