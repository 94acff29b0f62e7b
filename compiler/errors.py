"""The one base class of every error specops raises to the code that embeds it.

``except specops.SpecopsError`` catches a spec's user errors (``SpecError``, with
located diagnostics), an op that refuses the host's state (``PlanError``), a fact
that could not be read (``FactError``), a host that could not be reached
(``ConnectError``) and a copy that failed (``TransferError``). It lives in the
compiler, the lowest layer, so that both layers can derive from it.
"""

from __future__ import annotations


class SpecopsError(Exception):
    """Any error specops raises on purpose; anything else is a bug in specops."""
