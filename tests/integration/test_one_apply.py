"""The role shapes that used to need two applies converge in one, on a disposable
Debian host: install packages, then edit and remove the files they bring (nginx's
default vhost, a MariaDB config line); a checkout of a repository a command changes
in the same run; a block in a new user's skeleton .profile (never clobbered); removal
of a user and then its group; a fact read in vars. ``converge`` checks that apply did
what the plan was sure of, and that the next plan is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.targets import Targets, converge

pytestmark = pytest.mark.fleet

SETUP = """set -e
useradd -m olduser
mkdir -p /srv && cd /srv
"""

OPS = r"""
[vars]
codename = "${ facts.os.version_codename }"
commit_all = "git add -A && git -c user.email=t@t -c user.name=t commit -qm v1"

[ops.pkgs]
op = "apt.packages"
packages = ["nginx", "mariadb-server", "git"]
update_cache = true

[ops.no_default_vhost]
op = "files.absent"
path = "/etc/nginx/sites-enabled/default"

[ops.tokens]
op = "files.replace"
path = "/etc/nginx/nginx.conf"
regex = '^\s*# server_tokens off;'
replace = "\tserver_tokens off;"

[ops.bind]
op = "files.line"
path = "/etc/mysql/mariadb.conf.d/50-server.cnf"
regex = '^bind-address\s*='
line = "bind-address = 127.0.0.1"

[ops.marker]
op = "files.file"
path = "/etc/specops-codename"
content = "${codename}\n"

[ops.source]
op = "server.shell"
command = "mkdir -p /srv/src && cd /srv/src && git init -q . && echo v1 > VERSION && ${commit_all}"
creates = "/srv/src/.git"
requires = ["pkgs"]

[ops.checkout]
op = "git.repo"
url = "/srv/src"
path = "/srv/app"

[ops.deploy]
op = "server.user"
name = "deploy"
shell = "/bin/bash"

[ops.profile]
op = "files.block"
path = "/home/deploy/.profile"
name = "env"
content = "export APP_ENV=prod"
user = "deploy"
group = "deploy"

[ops.old_user]
op = "server.user"
name = "olduser"
present = false

[ops.old_group]
op = "server.group"
name = "olduser"
present = false
"""


def test_install_then_configure_converges_in_one_apply(targets: Targets, tmp_path: Path) -> None:
    host = targets.get("oneapply")
    host.sh(SETUP)
    skel = host.sh("cat /etc/skel/.profile").stdout
    spec = tmp_path / "site.toml"
    spec.write_text(host.inventory("t") + OPS)
    done = converge(spec)
    waited = {o["id"] for h in done.plan["hosts"] for o in h["ops"] if o["waits_on"]}
    assert {"no_default_vhost", "tokens", "bind", "checkout", "profile"} <= waited
    assert done.apply["hosts"][0]["phases"] >= 2
    out = host.sh(
        "test -e /etc/nginx/sites-enabled/default && echo vhost-still-there;"
        "grep -c '^\tserver_tokens off;' /etc/nginx/nginx.conf;"
        "grep '^bind-address' /etc/mysql/mariadb.conf.d/50-server.cnf;"
        "cat /etc/specops-codename /srv/app/VERSION;"
        "stat -c '%U' /home/deploy/.profile;"
        "getent passwd olduser || echo no-olduser; getent group olduser || echo no-group"
    ).stdout
    assert out == ("1\nbind-address = 127.0.0.1\nbookworm\nv1\ndeploy\nno-olduser\nno-group\n")
    profile = host.sh("cat /home/deploy/.profile").stdout
    assert profile.startswith(skel), "the skeleton .profile was clobbered"
    assert "export APP_ENV=prod\n" in profile


def test_a_checkout_follows_a_source_changed_in_the_same_run(
    targets: Targets, tmp_path: Path
) -> None:
    host = targets.get("oneapply")  # after the test above: git and /srv/app at v1
    host.sh("test -d /srv/app/.git")
    spec = tmp_path / "site.toml"
    spec.write_text(
        host.inventory("t")
        + r"""
[ops.release]
op = "server.shell"
command = "cd /srv/src && echo v2 > VERSION && git -c user.email=t@t -c user.name=t commit -qam v2"
unless = "grep -qx v2 /srv/src/VERSION"

[ops.checkout]
op = "git.repo"
url = "/srv/src"
path = "/srv/app"
"""
    )
    done = converge(spec)
    assert done.changed("t") == {"release", "checkout"}
    assert host.sh("cat /srv/app/VERSION").stdout == "v2\n"
