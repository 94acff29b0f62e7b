"""systemd.*, service.sysvinit and server.packages on disposable Debian hosts.

systemd ops run on a target booted with systemd as pid 1 (INIT=systemd); the
sysvinit op on a plain target, where ``service`` drives /etc/init.d scripts.
A handler shows ``restarted`` acting once, only when its notifier changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.targets import Targets, converge

pytestmark = pytest.mark.fleet

SYSTEMD_OPS = """
[ops.lists]
op = "apt.update"

[ops.tools]
op = "server.packages"
packages = ["less"]

[ops.unit]
op = "systemd.unit"
name = "hello.service"
content = '''
[Unit]
Description=hello

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
'''

[ops.env]
op = "systemd.dropin"
unit = "hello"
name = "env"
content = "[Service]\\nEnvironment=GREETING=hi\\n"
notify = ["restart_hello"]

[ops.hello]
op = "systemd.service"
name = "hello"
enabled = true

[ops.tick]
op = "systemd.timer"
name = "tick"
on_calendar = "hourly"
command = "/bin/true"

[ops.no_apt_daily]
op = "systemd.mask"
name = "apt-daily.timer"

[handlers.restart_hello]
op = "systemd.service"
name = "hello"
restarted = true
"""

SYSV_OPS = """
[ops.cron_pkg]
op = "apt.packages"
packages = ["cron"]

[ops.cron]
op = "service.sysvinit"
name = "cron"
enabled = true
"""


def test_systemd_ops_converge(targets: Targets, tmp_path: Path) -> None:
    host = targets.get("sysd", init="systemd")
    spec = tmp_path / "site.toml"
    spec.write_text(host.inventory("t") + SYSTEMD_OPS)
    done = converge(spec)
    assert done.changed("t") == {
        "lists", "tools", "unit", "env", "hello", "tick", "no_apt_daily", "restart_hello",
    }  # fmt: skip
    out = host.sh(
        "systemctl is-active hello; systemctl is-enabled hello;"
        "systemctl show -p Environment hello; systemctl is-active tick.timer;"
        "systemctl is-enabled tick.timer; dpkg-query -W -f '${Status}\\n' less;"
        "systemctl is-enabled apt-daily.timer || true"
    ).stdout
    for want in [
        "active\nenabled\nEnvironment=GREETING=hi\nactive\nenabled\ninstall ok installed\nmasked\n",
    ]:
        assert want in out, f"{want!r} not in:\n{out}"
    # The handler ran once in the first apply; converge() showed a second plan is empty.


def test_sysvinit_service_converges(targets: Targets, tmp_path: Path) -> None:
    host = targets.get("sysv")
    spec = tmp_path / "site.toml"
    spec.write_text(host.inventory("t") + SYSV_OPS)
    done = converge(spec)
    assert done.changed("t") == {"cron_pkg", "cron"}
    out = host.sh("service cron status; ls /etc/rc2.d | grep cron").stdout
    assert "cron is running" in out and "S01cron" in out, out
