"""pacman: pacman.packages (Arch Linux).

pacman cannot run on the Debian hosts this project tests on: its commands and the
``packages.Pacman`` parser are tested from fixtures (docs/operations.md says so).
"""

from __future__ import annotations

from specops.runtime.core.operation import register
from specops.runtime.kit.packages import ManagerPackages


@register
class PacmanPackages(ManagerPackages):
    """Ensure Arch Linux packages are installed with pacman (``--needed``), or removed.

    Tested from fixtures only: no Arch host runs here.
    Example: ``[ops.web] op = "pacman.packages"  packages = ["nginx"]``
    """

    kind = "pacman.packages"
    manager = "pacman"
