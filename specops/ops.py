"""Operations for Python deploys: ``from specops.ops import files, server``.

``files.directory(path="/srv/app", mode="0755")`` records one op for the host
the deploy is being compiled for; arguments are validated exactly as in a spec
file. Options that are not arguments start with ``_``: ``_id``, ``_requires``,
``_tags``, ``_desc``.

Editors and mypy read the typed signatures of every built-in op from ``ops.pyi``
beside this file (generated from the catalog: ``python -m specops.runtime.stubs``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specops.compiler.pyrecorder import current


class Family:
    """The ops of one family (``files``, ``server``); attribute access names the op."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, op: str) -> Callable[..., None]:
        if op.startswith("__"):
            raise AttributeError(op)
        kind = f"{self._name}.{op}"

        def call(**kwargs: Any) -> None:
            current().record(kind, kwargs)

        call.__name__ = op
        call.__qualname__ = kind
        return call

    def __repr__(self) -> str:
        return f"<specops op family {self._name}>"


files = Family("files")
server = Family("server")


def __getattr__(name: str) -> Family:
    """Any other family, including ones user modules add: ``from specops.ops import app``."""
    if name.startswith("__"):
        raise AttributeError(name)
    return Family(name)


__all__ = ["Family", "files", "server"]
