"""The runtime's operation catalog: importing this module registers every built-in op."""

from __future__ import annotations

from . import files, server  # noqa: F401  (registration happens on import)
from .operation import CATALOG, OPERATIONS

__all__ = ["CATALOG", "OPERATIONS"]
