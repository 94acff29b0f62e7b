"""A real Debian root directory for chroot (and stand-in kubectl) tests.

The root is a private copy of the test bed's ``tiny`` image (minimal bookworm
with sudo and openssh-server; ``tests/testbed/image.py``), built once per
machine and extracted into a test's temp directory.
"""

from __future__ import annotations

from pathlib import Path

from tests.testbed.image import TestbedError, missing_tools, root_copy

RootError = TestbedError


def prerequisites() -> list[str]:
    """What is missing to build and use a Debian root here (empty when all is there)."""
    return missing_tools()


def extract(into: Path) -> Path:
    """A fresh copy of the Debian root in ``into`` (about 200 MB, a few seconds)."""
    return root_copy(into)
