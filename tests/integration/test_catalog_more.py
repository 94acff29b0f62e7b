"""files.attrs, files.extract, server.limits, ssh.sshd_option, apt.deb, dnf.repository
and apk.repository on a disposable Debian host: one spec applied once, then checked.

dnf.repository and apk.repository only write their files here (no dnf or apk
runs on Debian): the test checks the files, which is all those ops do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.targets import Targets, converge

pytestmark = pytest.mark.fleet

SETUP = """set -e
mkdir -p /srv/tree/sub && echo a > /srv/tree/a && echo b > /srv/tree/sub/b
chmod 600 /srv/tree/a && chmod 700 /srv/tree/sub && ln -s a /srv/tree/link
mkdir -p /tmp/rel/tool-1.0/bin && printf '#!/bin/sh\\necho tool\\n' > /tmp/rel/tool-1.0/bin/tool
chmod 755 /tmp/rel/tool-1.0/bin/tool && tar -C /tmp/rel -czf /opt/tool-1.0.tar.gz tool-1.0
mkdir -p /tmp/pkg/DEBIAN
printf 'Package: specops-demo\\nVersion: 1.0\\nArchitecture: all\\n' > /tmp/pkg/DEBIAN/control
printf 'Maintainer: t <t@example.org>\\nDescription: demo\\n' >> /tmp/pkg/DEBIAN/control
dpkg-deb --build /tmp/pkg /opt/specops-demo_1.0_all.deb >/dev/null
useradd -r app
"""

OPS = """
[ops.tree]
op = "files.attrs"
path = "/srv/tree"
user = "app"
group = "app"
dir_mode = "0755"
file_mode = "0644"

[ops.unpack]
op = "files.extract"
archive = "/opt/tool-1.0.tar.gz"
path = "/opt/tool"
creates = "/opt/tool/bin/tool"
strip_components = 1

[ops.nofile]
op = "server.limits"
name = "app-nofile"
domain = "app"
item = "nofile"
value = "65536"

[ops.keepalive]
op = "ssh.sshd_option"
name = "ClientAliveInterval"
value = "60"

[ops.demo_deb]
op = "apt.deb"
path = "/opt/specops-demo_1.0_all.deb"
package = "specops-demo"
version = "1.0"

[ops.yum_repo]
op = "dnf.repository"
name = "nginx"
baseurl = "https://nginx.org/packages/centos/9/$basearch/"

[ops.apk_repo]
op = "apk.repository"
url = "https://dl-cdn.alpinelinux.org/alpine/v3.20/community"
"""


def test_more_ops_converge(targets: Targets, tmp_path: Path) -> None:
    host = targets.get("more")
    host.sh(SETUP)
    spec = tmp_path / "site.toml"
    spec.write_text(host.inventory("t") + OPS)
    done = converge(spec)
    assert done.changed("t") == {
        "tree", "unpack", "nofile", "keepalive", "demo_deb", "yum_repo", "apk_repo",
    }  # fmt: skip
    out = host.sh(
        "cd /srv/tree && stat -c '%n %a %U:%G' . a sub sub/b; stat -c '%U' link;"
        "/opt/tool/bin/tool; cat /etc/security/limits.d/app-nofile.conf;"
        "sshd -T | grep -i '^clientaliveinterval'; dpkg-query -W specops-demo;"
        "cat /etc/yum.repos.d/nginx.repo /etc/apk/repositories"
    ).stdout
    assert out == (
        ". 755 app:app\na 644 app:app\nsub 755 app:app\nsub/b 644 app:app\napp\n"
        "tool\n# managed by specops\napp - nofile 65536\nclientaliveinterval 60\n"
        "specops-demo\t1.0\n[nginx]\nname=nginx\nbaseurl=https://nginx.org/packages/centos/9/$basearch/\n"
        "enabled=1\ngpgcheck=0\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n"
    )
