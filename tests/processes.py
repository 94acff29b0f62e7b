"""Processes on this machine: every test host (the sshd fleet, chroots, the stand-ins)
runs here, so a test can see whether a host's command is still running."""

from __future__ import annotations

import subprocess
import time


def running(pattern: str) -> bool:
    """A process whose command line matches ``pattern`` (pgrep -f) is running."""
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0


def assert_gone(pattern: str, within: float, what: str) -> None:
    """No process matches ``pattern`` within ``within`` seconds; else fail saying ``what``."""
    deadline = time.monotonic() + within
    while running(pattern):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
