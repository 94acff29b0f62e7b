"""files.* edit and transfer ops on a disposable Debian host: one spec applied once, then checked.

files.download fetches from an http.server this test runs on 127.0.0.1 (the
target shares the loopback network), so nothing leaves the machine.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.targets import Target, Targets, converge

pytestmark = pytest.mark.fleet

TEMPLATE = """\
# {{ app }} on {{ facts.hostname }} ({{ facts.os.id }} {{ facts.os.version_id }})
Listen {{ port }}
{% for name in backends %}server {{ name }}
{% endfor %}"""

OPS = """
[ops.curl]
op = "apt.packages"
packages = ["curl"]

[ops.port]
op = "files.replace"
path = "/etc/demo.conf"
regex = "^#?Port .*$"
replace = "Port 2222"

[ops.hosts_block]
op = "files.block"
path = "/etc/hosts"
name = "cluster"
content = "10.0.0.1 db1\\n10.0.0.2 db2"

[ops.ini]
op = "files.ini"
path = "/etc/demo.ini"
section = "PHP"
key = "memory_limit"
value = "256M"

[ops.ini_new_section]
op = "files.ini"
path = "/etc/demo.ini"
section = "Session"
key = "session.name"
value = "SID"

[ops.env]
op = "files.keyvalue"
path = "/etc/environment"
key = "APP_ENV"
value = "production"

[ops.tpl]
op = "files.template"
src = "SRC/app.conf.j2"
path = "/etc/app.conf"
vars = { app = "shop", port = 8080, backends = ["a", "b"] }
mode = "0640"

[ops.copy_file]
op = "files.copy"
src = "SRC/tree/index.html"
path = "/srv/index.html"

[ops.copy_tree]
op = "files.copy"
src = "SRC/tree"
path = "/srv/copy"

[ops.sync]
op = "files.sync"
src = "SRC/tree"
path = "/srv/sync"

[ops.fetch]
op = "files.download"
url = "URL/payload.bin"
path = "/opt/payload.bin"
sha256 = "SHA"
mode = "0600"
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("www")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_files_ops_converge(targets: Targets, server: tuple[str, Path], tmp_path: Path) -> None:
    host: Target = targets.get("files")
    host.sh(
        "printf 'Protocol 2\\n#Port 22\\n' > /etc/demo.conf\n"
        "printf '[PHP]\\n; memory_limit = 128M\\nengine = On\\n\\n[Other]\\nx = 1\\n'"
        " > /etc/demo.ini\n"
        "mkdir -p /srv/sync/old && echo stale > /srv/sync/old/file\n"
        "echo stale > /srv/sync/extra\n"
        "mkdir -p /srv/copy && echo keep > /srv/copy/extra\n"
    )
    url, www = server
    payload = bytes(range(256)) * 40
    (www / "payload.bin").write_bytes(payload)
    src = tmp_path / "src"
    (src / "tree" / "css").mkdir(parents=True)
    (src / "tree" / "index.html").write_text("<h1>hi</h1>\n")
    (src / "tree" / "css" / "site.css").write_text("body { margin: 0 }\n")
    (src / "app.conf.j2").write_text(TEMPLATE)
    spec = tmp_path / "site.toml"
    ops = OPS.replace("SRC", str(src)).replace("URL", url)
    spec.write_text(host.inventory("t") + ops.replace("SHA", hashlib.sha256(payload).hexdigest()))

    done = converge(spec)
    assert done.changed("t") == {
        "curl", "port", "hosts_block", "ini", "ini_new_section", "env", "tpl",
        "copy_file", "copy_tree", "sync", "fetch",
    }  # fmt: skip
    out = host.sh(
        "cat /etc/demo.conf; tail -4 /etc/hosts; cat /etc/demo.ini; cat /etc/environment;"
        "cat /etc/app.conf; stat -c %a /etc/app.conf; cat /srv/index.html;"
        "cd /srv/copy && find . | sort; cd /srv/sync && find . | sort;"
        "sha256sum < /opt/payload.bin; stat -c %a /opt/payload.bin"
    ).stdout
    expected = [
        "Protocol 2\nPort 2222\n",
        "# BEGIN SPECOPS MANAGED BLOCK: cluster\n10.0.0.1 db1\n10.0.0.2 db2\n"
        "# END SPECOPS MANAGED BLOCK: cluster\n",
        "[PHP]\n; memory_limit = 128M\nmemory_limit = 256M\nengine = On\n\n[Other]\nx = 1\n"
        "\n[Session]\nsession.name = SID\n",
        "APP_ENV=production\n",
        "# shop on files (debian 12)\nListen 8080\nserver a\nserver b\n640\n",
        "<h1>hi</h1>\n",
        ".\n./css\n./css/site.css\n./extra\n./index.html\n",  # copy keeps extras
        ".\n./css\n./css/site.css\n./index.html\n",  # sync removes them
        hashlib.sha256(payload).hexdigest() + "  -\n600\n",
    ]
    for want in expected:
        assert want in out, f"{want!r} not in:\n{out}"
