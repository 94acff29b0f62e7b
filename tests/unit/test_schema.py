"""schemas/spec.schema.json: generated from the catalog, checked in, and right about real specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli
from ruamel.yaml import YAML

from specops.compiler.schema import spec_schema
from specops.runtime.catalog import CATALOG

ROOT = Path(__file__).parents[2]
CHECKED_IN = ROOT / "schemas" / "spec.schema.json"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(CHECKED_IN.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_checked_in_schema_is_current() -> None:
    want = json.dumps(spec_schema(CATALOG), indent=2, ensure_ascii=False) + "\n"
    assert CHECKED_IN.read_text() == want, "run: specops schema > schemas/spec.schema.json"


def _load(path: Path) -> Any:
    if path.suffix == ".toml":
        return tomli.loads(path.read_text())
    return YAML(typ="safe").load(path.read_text())


@pytest.mark.parametrize("path", sorted((ROOT / "examples").rglob("*.[ty][oa]ml")), ids=str)
def test_examples_validate(path: Path) -> None:
    errors = [e.message for e in validator().iter_errors(_load(path))]
    assert errors == []


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"ops": {"x": {"op": "files.directory", "path": "/x", "mdoe": "0755"}}}, "'mdoe'"),
        ({"ops": {"x": {"op": "files.directory", "path": "/x", "mode": 755}}}, "755"),
        ({"ops": {"x": {"op": "nofamily", "path": "/x"}}}, "nofamily"),
        ({"ops": {"x": {"op": "files.file", "path": "/x", "notify": 3}}}, "3"),
        ({"ops": {"x": {"op": "files.line", "path": "/x"}}}, "'line' is a required property"),
        ({"hosts": {"a": {"ssh": "x", "prot": 1}}}, "'prot'"),
        ({"varz": {}}, "'varz'"),
    ],
)
def test_schema_rejects_mistakes(spec: dict[str, Any], fragment: str) -> None:
    messages = [e.message for e in validator().iter_errors(spec)]
    assert any(fragment in m for m in messages), messages


def test_a_lone_expression_is_accepted_for_typed_arguments() -> None:
    spec = {"ops": {"x": {"op": "files.line", "path": "/x", "line": "a", "present": "${flag}"}}}
    assert list(validator().iter_errors(spec)) == []
