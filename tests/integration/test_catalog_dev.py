"""pip.*, git.* and ssh.* on a disposable Debian host: one spec applied, checked, then moved on.

The git repository is made on the controller and served read-only over git's
"dumb" HTTP protocol by an http.server on 127.0.0.1; pip installs from a
one-package index served the same way (the wheel is fetched by the
controller's own pip, from whatever index it is configured with).
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.targets import Targets, converge

pytestmark = pytest.mark.fleet

KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3dGMm1kmDbqfVnL3YkzxFwQeR1rCkMv0dBfYd6z6x1 alice@laptop"
)
HOSTKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

OPS = """
[ops.tools]
op = "apt.packages"
packages = ["git", "python3-venv"]

[ops.deploy]
op = "server.user"
name = "deploy"
shell = "/bin/bash"

[ops.venv]
op = "pip.venv"
path = "/srv/venv"

[ops.deps]
op = "pip.packages"
venv = "/srv/venv"
packages = ["six==SIX"]
index_url = "INDEX"

[ops.safe]
op = "git.config"
name = "safe.directory"
value = "/srv/app"

[ops.app]
op = "git.repo"
url = "URL"
path = "/srv/app"
ref = "REF"

[ops.alice]
op = "ssh.authorized_key"
user = "deploy"
key = "KEY"

[ops.github]
op = "ssh.known_host"
host = "github.com"
key = "HOSTKEY"

[ops.deploy_key]
op = "ssh.keygen"
path = "/home/deploy/.ssh/id_ed25519"
user = "deploy"
comment = "deploy@dev"
"""


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def serve(root: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="module")
def pypi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A PEP 503 index holding one wheel of six: (index url, six's version)."""
    root = tmp_path_factory.mktemp("pypi")
    files = root / "files"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(files), "six"],
        check=True,
        capture_output=True,
    )
    (wheel,) = files.glob("six-*.whl")
    (root / "simple" / "six").mkdir(parents=True)
    (root / "simple" / "six" / "index.html").write_text(
        f'<a href="../../files/{wheel.name}">{wheel.name}</a>\n'
    )
    url, httpd = serve(root)
    try:
        yield f"{url}/simple", wheel.name.split("-")[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """A repository (work tree + bare copy served over HTTP): (url, work, bare)."""
    root = tmp_path_factory.mktemp("git")
    work, bare = root / "work", root / "www" / "app.git"
    work.mkdir()
    env = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    git("init", "-q", "-b", "main", cwd=work)
    (work / "README").write_text("v1\n")
    git("add", "README", cwd=work)
    git(*env, "commit", "-q", "-m", "v1", cwd=work)
    git(*env, "tag", "-a", "v1", "-m", "v1", cwd=work)
    git("clone", "-q", "--bare", str(work), str(bare), cwd=root)
    git("update-server-info", cwd=bare)
    url, httpd = serve(root / "www")
    try:
        yield f"{url}/app.git", work, bare
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_pip_git_ssh_ops_converge(
    targets: Targets, repo: tuple[str, Path, Path], pypi: tuple[str, str], tmp_path: Path
) -> None:
    host = targets.get("dev")
    url, work, bare = repo
    spec = tmp_path / "site.toml"
    index, six = pypi
    ops = OPS.replace("URL", url).replace("HOSTKEY", HOSTKEY).replace("KEY", KEY)
    ops = ops.replace("INDEX", index).replace("SIX", six)
    spec.write_text(host.inventory("t") + ops.replace("REF", "v1"))
    done = converge(spec)
    assert done.changed("t") == {
        "tools", "deploy", "venv", "deps", "safe", "app", "alice", "github", "deploy_key",
    }  # fmt: skip
    v1 = git("rev-parse", "v1^{commit}", cwd=work)
    out = host.sh(
        "/srv/venv/bin/python -c 'import six; print(six.__version__)';"
        "git config --system safe.directory; git -C /srv/app rev-parse HEAD; cat /srv/app/README;"
        "cat /home/deploy/.ssh/authorized_keys; stat -c '%a %U' /home/deploy/.ssh"
        " /home/deploy/.ssh/authorized_keys /home/deploy/.ssh/id_ed25519;"
        "cut -d' ' -f3 /home/deploy/.ssh/id_ed25519.pub; cat /etc/ssh/ssh_known_hosts"
    ).stdout
    want = (
        f"{six}\n/srv/app\n{v1}\nv1\n{KEY}\n700 deploy\n600 deploy\n600 deploy\n"
        f"deploy@dev\ngithub.com {HOSTKEY}\n"
    )
    assert out == want

    # A new commit on main: the checkout follows the ref it is told to.
    env = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    (work / "README").write_text("v2\n")
    git(*env, "commit", "-q", "-am", "v2", cwd=work)
    git("push", "-q", str(bare), "main", cwd=work)
    git("update-server-info", cwd=bare)
    spec.write_text(host.inventory("t") + ops.replace("REF", "main"))
    done = converge(spec)
    assert done.changed("t") == {"app"}
    assert host.sh("cat /srv/app/README").stdout == "v2\n"
