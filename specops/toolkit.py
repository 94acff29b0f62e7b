"""What a custom operation needs, all public: ``from specops.toolkit import …``.

A custom op (a ``[python]`` module's ``@specops.operation`` class) declares typed
arguments, the facts it reads, and a pure ``plan``; this module gives it the same
parts the built-in ops are made of, so it needs nothing non-public:

- what it manages, for the optimizer: ``declares = Declares(identity=("path",), …)``;
- arguments: ``arg`` and the shared vocabulary ``path_arg``, ``mode_arg``,
  ``user_arg``, ``group_arg``, ``validate_arg`` and checks (``check_absolute``,
  ``check_octal_mode``, ``check_one_line``, ``check_regex``);
- facts of files: ``FileInfo`` (type, mode, owner, size), ``FileContent`` (bytes and
  SHA-256), ``content_facts(path)`` for both;
- planning a whole file: ``ensure_content`` (create, update with a diff, or fix mode
  and owner) and ``content_effects`` (what later ops then see);
- commands: ``sh``, ``raw``, ``secret``, ``Command``; atomic writes: ``write_file``,
  compare-and-swap edits: ``write_if_unchanged``; ``sha256``, ``unified_diff``;
- results: ``Change``, ``Action``, ``PlanError``; and ``Reach``/``of_paths``/``ANYTHING``
  to say what the op may change beyond its effects (``Operation.reach``), and
  ``PathAttrs``/``attrs_of`` for the modes and owners it sets (``Operation.attributes``).
"""

from __future__ import annotations

from specops.compiler.catalog import Declares, PathAttrs, arg, check_octal_mode
from specops.runtime.core.command import Command, raw, secret, sh
from specops.runtime.core.fact import Fact, FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, PlanError, attrs_of
from specops.runtime.core.reach import ANYTHING, NOTHING, Reach, of_paths
from specops.runtime.core.words import (
    check_absolute,
    check_one_line,
    check_regex,
    group_arg,
    mode_arg,
    path_arg,
    user_arg,
)
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.content import content_effects, content_facts, ensure_content
from specops.runtime.kit.filestate import unified_diff
from specops.runtime.kit.writes import sha256, validate_arg, write_file, write_if_unchanged

__all__ = [
    "ANYTHING",
    "NOTHING",
    "Action",
    "Change",
    "Command",
    "Content",
    "Declares",
    "Fact",
    "FactRef",
    "Facts",
    "FileContent",
    "FileInfo",
    "FileStat",
    "Operation",
    "PathAttrs",
    "PlanError",
    "Reach",
    "arg",
    "attrs_of",
    "check_absolute",
    "check_octal_mode",
    "check_one_line",
    "check_regex",
    "content_effects",
    "content_facts",
    "ensure_content",
    "group_arg",
    "mode_arg",
    "of_paths",
    "path_arg",
    "raw",
    "secret",
    "sh",
    "sha256",
    "unified_diff",
    "user_arg",
    "validate_arg",
    "write_file",
    "write_if_unchanged",
]
