from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sshd import SshFleet, ensure_sshd
from tests.targets import TargetError, Targets


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshFleet]:
    """Three real OpenSSH servers on 127.0.0.11-13, shared by the whole session."""
    if ensure_sshd() is None:
        pytest.fail(
            "sshd not found (/usr/sbin/sshd): the fleet tests need openssh-server; "
            "install it (apt-get install openssh-server) instead of skipping these tests",
            pytrace=False,
        )
    with SshFleet(3, tmp_path_factory.mktemp("fleet")) as running:
        yield running


@pytest.fixture(scope="session")
def targets() -> Iterator[Targets]:
    """Disposable Debian hosts over SSH (tests/targets.py), made on first use, destroyed after."""
    t = Targets()
    try:
        t.check_prerequisites()
        t.reap_stale()
    except TargetError as e:
        pytest.fail(f"cannot make target hosts: {e}", pytrace=False)
    try:
        yield t
    finally:
        t.close()
