from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sshd import SshFleet, ensure_sshd
from tests.targets import TargetError, Targets


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """No test skips in this suite: a skipped test is reported and fails the run.

    A real-host test that cannot make its host must fail, not skip quietly (the
    fixtures call ``pytest.fail``); this catches a ``skip`` anywhere else too.
    """
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped: this suite allows none (see -ra above)", red=True
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
