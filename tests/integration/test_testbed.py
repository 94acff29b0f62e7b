"""The test bed itself (tests/testbed): hosts boot every time, keep off the machine,
and leave nothing behind.

Measured with the script the project used before it had its own test bed: a
systemd host made right after one of the same name was stopped failed to boot
about every other time. Here one name is made and stopped ten times in a row.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.testbed import TestbedError, host

pytestmark = pytest.mark.fleet


def _machine_state() -> dict[str, str]:
    """What a host must never change on the machine running it."""
    keys = ("kernel/hostname", "vm/swappiness", "net/ipv4/ip_forward", "kernel/pid_max")
    return {k: Path("/proc/sys", k).read_text() for k in keys}


def test_one_name_made_and_stopped_ten_times_boots_every_time(tmp_path: Path) -> None:
    before = _machine_state()
    octet = 20 + os.getpid() % 200
    boots = 0
    for _ in range(10):
        h = host.start("again", f"127.1.{octet}.9", tmp_path, "systemd")
        try:
            r = h.sh(
                "systemctl is-system-running --wait; hostname;"
                " echo 5 > /proc/sys/vm/swappiness 2>/dev/null && echo wrote || echo refused",
                check=False,
                timeout=120,
            )
            assert r.stdout.split() == ["running", "again", "refused"], r.stdout + r.stderr
            cgroup = Path((h.dir / "cgroup").read_text())
            assert cgroup.is_dir()
        finally:
            host.stop(h)
        boots += 1
        assert not h.dir.exists(), "stop left the host's files"
        assert not cgroup.exists(), "stop left the host's cgroup"
    assert boots == 10
    assert _machine_state() == before


def test_a_tiny_host_is_reachable_as_root_and_tester(tmp_path: Path) -> None:
    h = host.start("tiny", f"127.1.{20 + os.getpid() % 200}.10", tmp_path)
    try:
        assert h.sh("id -un; cat /etc/hostname; ps -o comm= -p 1").stdout.split() == [
            "root",
            "tiny",
            "testbed-init",
        ]
        r = subprocess.run(
            [*h.ssh_argv("tester"), "sudo -n id -u"], capture_output=True, text=True, timeout=60
        )
        assert (r.returncode, r.stdout) == (0, "0\n"), r.stderr
        with pytest.raises(TestbedError, match="exists"):
            host.start("tiny", "127.1.250.11", tmp_path)
        with pytest.raises(TestbedError, match="already answers SSH"):
            host.start("other", h.address, tmp_path)
    finally:
        host.stop(h)
    assert not h.dir.exists()
