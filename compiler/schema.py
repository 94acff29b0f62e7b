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
from .connections import KINDS

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
    expression = {"type": ["string", "boolean"], "description": ""}
    reserved = {
        "hosts": {**names, "description": "Hosts, groups or patterns (web*, !db1) to run on."},
        "when": {**expression, "description": "Run only where this expression is true."},
        "for_each": {"type": "string", "description": "Repeat for each item of this list or map."},
        "requires": {**names, "description": "Op ids that must run before this one."},
        "before": {**names, "description": "Op ids that must run after this one."},
        "notify": {**names, "description": "Handlers to run when this op changes something."},
        "tags": {**names, "description": "Tags for selecting ops (--tags, --skip-tags)."},
        "desc": {"type": "string", "description": "A human description of the op."},
        "become": {
            "type": ["boolean", "string"],
            "description": "Run through sudo: true for root, or a user name.",
        },
    }
    ops = [_op(op, reserved) for op in catalog.builtins()]
    # Custom ops from [python] modules are valid too: known kinds are offered,
    # any family.name is accepted, and known kinds get their arguments checked.
    kind = {
        "anyOf": [
            {"enum": [o.kind for o in catalog.builtins()]},
            {"type": "string", "pattern": r"^\w+\.\w+$"},
        ]
    }
    op_schema = {
        "type": "object",
        "required": ["op"],
        "properties": {"op": kind},
        "allOf": [{"if": o.pop("if"), "then": o} for o in ops],
    }
    handler_schema = {**op_schema, "description": "Runs only when an op that notifies it changed."}
    include = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "description": "A spec file or a Python deploy."},
                    "name": {"type": "string", "description": "Prefix of the included op ids."},
                    "vars": {"type": "object", "description": "Parameters for the included file."},
                    "hosts": {**names, "description": "Run the included ops only on these."},
                    "when": {**expression, "description": "Include only where this is true."},
                    "tags": {**names, "description": "Tags added to every included op."},
                },
                "additionalProperties": False,
            },
        ]
    }
    reach: dict[str, Any] = {
        k.name: {"type": "boolean" if k.name == "local" else "string", "description": k.description}
        for k in KINDS.values()
    }
    host = {
        "type": "object",
        "properties": {
            **reach,
            "key": {"type": "string", "description": "SSH identity file."},
            "known_hosts": {"type": "string", "description": "A known_hosts file for this host."},
            "tag": {"type": "string", "description": "Name of the image an image build makes."},
            "become": {
                "type": ["boolean", "string"],
                "description": "Default become of this host's ops (an op's own wins).",
            },
            "vars": {"type": "object"},
        },
        "additionalProperties": False,
    }
    group = {
        "type": "object",
        "properties": {
            "hosts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Hosts or groups.",
            },
            "vars": {"type": "object"},
            "become": {
                "type": ["boolean", "string"],
                "description": "Default become of the group's hosts' ops (host and op win).",
            },
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
            "handlers": {"type": "object", "additionalProperties": handler_schema},
            "include": {"anyOf": [include, {"type": "array", "items": include}]},
            "python": {
                "type": "object",
                "properties": {"modules": {**names, "description": "Python modules to load."}},
                "additionalProperties": False,
            },
            "secrets": {**names, "description": "Files of sensitive variables."},
        },
        "additionalProperties": False,
    }
