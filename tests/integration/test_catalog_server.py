"""server.* and apt.* ops on a disposable Debian host: one spec applied once, then checked.

``converge`` checks that the apply did exactly what the plan predicted and that
a second plan is empty; the test then reads the host's real state over SSH.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import specops
from tests.targets import Target, Targets, converge, json_doc, planned

pytestmark = pytest.mark.fleet

KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEZkX0VhYJKwYBBAHaRw8BAQdAspecopstestkeyspecopstestkeyspecopstest
=abcd
-----END PGP PUBLIC KEY BLOCK-----
"""

OPS = """
[ops.repo]
op = "apt.repository"
name = "local"
line = "deb [trusted=yes] file:/srv/localrepo ./"

[ops.repo_key]
op = "apt.key"
name = "local"
content = '''KEY'''

[ops.pkgs]
op = "apt.packages"
packages = ["cron", "locales", "less"]

[ops.lists]
op = "apt.update"

[ops.hold]
op = "apt.hold"
package = "less"

[ops.app_group]
op = "server.group"
name = "app"
gid = 1500

[ops.deploy]
op = "server.user"
name = "deploy"
shell = "/bin/bash"
groups = ["app"]
comment = "Deploy User"

[ops.old_user]
op = "server.user"
name = "tester"
present = false
remove_home = true

[ops.sudo]
op = "server.sudoers"
name = "deploy"
content = "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl"

[ops.name]
op = "server.hostname"
name = "web-1"

[ops.tz]
op = "server.timezone"
name = "Europe/Paris"

[ops.lang]
op = "server.locale"
name = "en_US.UTF-8"
default = true

[ops.swappiness]
op = "server.sysctl"
key = "vm.swappiness"
value = "10"
live = false

[ops.backup]
op = "server.crontab"
name = "backup"
schedule = "@daily"
command = "/usr/local/bin/backup --quiet"

[ops.scratch]
op = "server.mount"
path = "/mnt/scratch"
fstype = "tmpfs"
source = "tmpfs"
options = "size=8m"

[ops.demo_alt]
op = "server.alternatives"
name = "specops-demo"
path = "/bin/true"

[ops.setup]
op = "server.script"
src = "SCRIPT"
args = ["hello world"]
creates = "/root/script-ran"

[ops.reboot]
op = "server.reboot"
"""


@pytest.fixture(scope="module")
def host(targets: Targets) -> Target:
    t = targets.get("server")
    t.sh(
        "mkdir -p /srv/localrepo && : > /srv/localrepo/Packages\n"
        "update-alternatives --install /usr/local/bin/specops-demo specops-demo /bin/true 10\n"
        "update-alternatives --install /usr/local/bin/specops-demo specops-demo /bin/false 20\n"
    )
    return t


def test_server_and_apt_ops_converge(host: Target, tmp_path: Path) -> None:
    script = tmp_path / "setup.sh"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$1" > /root/script-ran\n')
    spec = tmp_path / "site.toml"
    spec.write_text(
        host.inventory("t") + OPS.replace("KEY", KEY.strip()).replace("SCRIPT", str(script))
    )
    done = converge(spec)
    assert done.changed("t") == {
        "repo", "repo_key", "pkgs", "hold", "app_group", "deploy", "old_user", "sudo",
        "name", "tz", "lang", "swappiness", "backup", "scratch", "demo_alt", "setup",
    }  # fmt: skip
    # lists: apt.packages already refreshed the lists in this run, so apt.update had nothing to do.

    state = host.sh(
        "dpkg-query -W -f '${Status}\\n' cron locales less; apt-mark showhold;"
        "getent group app; id deploy; getent passwd deploy; getent passwd tester || echo no-tester;"
        "test -d /home/tester || echo no-home; stat -c '%a %U' /etc/sudoers.d/deploy;"
        "hostname; cat /etc/hostname; readlink /etc/localtime; cat /etc/timezone;"
        "locale -a | grep en_US; cat /etc/default/locale;"
        "cat /etc/sysctl.d/60-specops-vm.swappiness.conf;"
        "crontab -l; findmnt -n -o FSTYPE,OPTIONS /mnt/scratch; grep scratch /etc/fstab;"
        "readlink /etc/alternatives/specops-demo; cat /root/script-ran;"
        "cat /etc/apt/sources.list.d/local.list;"
        "head -1 /etc/apt/keyrings/local.asc"
    ).stdout
    for want in [
        # cron, less (held), locales
        "install ok installed\nhold ok installed\ninstall ok installed\nless\n",
        "app:x:1500:deploy",
        "groups=1001(deploy),1500(app)",
        "deploy:x:1001:1001:Deploy User:/home/deploy:/bin/bash",
        "no-tester\nno-home\n440 root\n",
        "web-1\nweb-1\n/usr/share/zoneinfo/Europe/Paris\nEurope/Paris\n",
        "en_US.utf8\nLANG=en_US.UTF-8\nvm.swappiness = 10\n",
        "# specops: backup\n@daily /usr/local/bin/backup --quiet\n",
        "rw,relatime,size=8192k\ntmpfs /mnt/scratch tmpfs size=8m 0 0\n",
        "/bin/true\nhello world\ndeb [trusted=yes] file:/srv/localrepo ./\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    ]:
        assert want in state, f"{want!r} not in:\n{state}"

    # server.reboot is declared, never run here: it plans a reboot only when a package asks.
    host.sh("touch /run/reboot-required")
    try:
        plan = specops("plan", str(spec), "--json", code=0)
        assert planned(json_doc(plan.stdout)) == {"t": {"reboot": ["reboot"]}}
    finally:
        host.sh("rm -f /run/reboot-required")


ORDER = """
[ops.keys]
op = "ssh.authorized_key"
user = "carol"
key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

[ops.profile]
op = "files.file"
path = "/home/carol/.profile_extra"
content = "export X=1\\n"
user = "carol"

[ops.cron]
op = "server.crontab"
user = "carol"
name = "ping"
schedule = "@hourly"
command = "true"

[ops.carol]
op = "server.user"
name = "carol"
group = "crew"

[ops.crew]
op = "server.group"
name = "crew"
"""


def test_ops_declared_before_the_user_they_need_run_after_it(host: Target, tmp_path: Path) -> None:
    """Written in the "wrong" order, as a role split across files would be: the
    optimizer's user, group and home edges make it work on a fresh host in one run."""
    spec = tmp_path / "order.toml"
    spec.write_text(host.inventory("t") + ORDER)
    order = specops("compile", str(spec), "--emit", "ir", code=0)
    assert [o["id"] for o in json_doc(order.stdout)["hosts"][0]["ops"]] == [
        "crew", "carol", "keys", "profile", "cron",
    ]  # fmt: skip
    done = converge(spec)
    assert done.changed("t") == {"keys", "profile", "cron", "carol", "crew"}
    state = host.sh(
        "id -gn carol; stat -c '%U %a' /home/carol/.profile_extra /home/carol/.ssh/authorized_keys;"
        "crontab -l -u carol | tail -1"
    ).stdout
    assert state == "crew\ncarol 644\ncarol 600\n@hourly true\n", state
