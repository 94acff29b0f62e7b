"""The message registry: every user-facing diagnostic, with its code, in one place.

Codes are stable (tests and users grep for them); templates use ``str.format``
fields. Add a message here before using it anywhere, as mypy's
``message_registry`` does.
"""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    code: str
    template: str


# Loading
TOML_SYNTAX = Message("toml-syntax", "invalid TOML: {detail}")
YAML_SYNTAX = Message("yaml-syntax", "invalid YAML: {detail}")
YAML_DUPLICATE_KEY = Message("yaml-duplicate-key", 'duplicate key "{key}"')
YAML_UNSUPPORTED = Message("yaml-unsupported", "{detail}")
FILE_NOT_FOUND = Message("file-not-found", "cannot read {path}: {reason}")
UNKNOWN_FORMAT = Message("unknown-format", 'cannot tell the format of "{path}"')

# Spec shape
UNKNOWN_SECTION = Message("unknown-section", 'unknown top-level key "{key}"')
WRONG_SHAPE = Message("wrong-shape", "{what} must be {expected}, not {got}")
UNKNOWN_KEY = Message("unknown-key", 'unknown key "{key}" in {where}')
MISSING_KEY = Message("missing-key", '{where} needs "{key}"')

# Operations
UNKNOWN_OP = Message("unknown-op", 'unknown operation "{kind}"')
UNKNOWN_ARG = Message("unknown-argument", '{kind} has no argument "{name}"')
MISSING_ARG = Message("missing-argument", '{kind} needs argument "{name}"')
WRONG_TYPE = Message("wrong-type", "{what} must be {expected}, not {got}")
BAD_VALUE = Message("bad-value", "{what}: {detail}")

# Names and references
UNDEFINED_NAME = Message("undefined-name", 'name "{name}" is not defined')
UNDEFINED_ATTR = Message("undefined-attribute", '{owner} has no key "{name}"')
EXPR_SYNTAX = Message("expr-syntax", "invalid expression: {detail}")
UNKNOWN_HOST = Message("unknown-host", 'no host or group named "{name}"')
UNKNOWN_REF = Message("unknown-reference", 'no op named "{name}"')
CYCLE = Message("cycle", "{what} depend on each other in a cycle: {cycle}")
DUPLICATE_ID = Message("duplicate-id", 'op id "{id}" is declared twice')
CONFLICT = Message("conflict", "{a} and {b} both declare {thing}, differently")
BAD_CONNECTION = Message("bad-connection", "{detail}")

# Python deploys
PYTHON_ERROR = Message("python-error", "{detail}")

# Loading (continued)
FILE_NOT_UTF8 = Message("file-encoding", "cannot read {path}: {reason}")

# Expressions
EXPR_TYPE = Message("expr-type", "{detail}")
EXPR_VALUE = Message("expr-value", "{detail}")
NOT_A_FUNCTION = Message("not-a-function", '"{name}" is not a function')
UNKNOWN_FUNCTION = Message("unknown-function", 'no function named "{name}"')
BAD_CALL = Message("bad-call", "{name}(): {detail}")
WHEN_NOT_BOOL = Message("when-not-boolean", '"when" must be true or false, not {got}')
FOR_EACH_TYPE = Message("for-each-type", '"for_each" must be a list or a map, not {got}')
RESERVED_NAME = Message("reserved-name", '"{name}" is a reserved name and cannot be a variable')
FACTS_UNAVAILABLE = Message("facts-unavailable", "{detail}")
