"""Facts about Python packages: what a Python's pip lists (``pip.Packages``), by
PEP 503 normalized name, which ``pip.packages`` compares requirements against."""

from __future__ import annotations

import re
from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact
from specops.runtime.core.words import check_absolute


def canonical(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class PackagesParams:
    """The parameters of ``Packages``."""

    python: str = arg(
        doc="Path of the Python interpreter (a virtualenv's bin/python).", check=check_absolute
    )


class Packages(Fact[dict[str, str] | None]):
    """Installed distributions of a Python (``pip list``), by normalized name; None if no Python."""

    Params = PackagesParams

    @classmethod
    def command(cls, p: PackagesParams) -> Command:
        py = p.python
        return sh(
            raw("if [ -x"), py, raw("] || command -v"), py,
            raw(">/dev/null 2>&1; then"), py,
            raw("-m pip list --format=freeze --disable-pip-version-check 2>/dev/null; true;"),
            raw("else echo '@@nopython'; fi"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> dict[str, str] | None:
        if output.strip() == "@@nopython":
            return None
        out = {}
        for line in output.splitlines():
            name, sep, version = line.strip().partition("==")
            if sep:
                out[canonical(name)] = version
        return out
