"""The benchmark workload for pyinfra (see ../README.md).

Each host's ``root`` and ``port`` come from the generated inventory; the ops
and their order match ``site.toml`` and ``playbook.yml``.
"""

import io
from pathlib import Path

from pyinfra import host
from pyinfra.facts.files import File
from pyinfra.operations import files, server

root: str = host.data.root
port: int = host.data.port
app = "shop"
workers = 4
here = Path(__file__).parent

for name, mode in [
    ("app", "755"),
    ("app/conf", "755"),
    ("app/releases", "755"),
    ("app/releases/v1", "755"),
    ("app/data", "750"),
]:
    files.directory(name=f"dir {name}", path=f"{root}/{name}", mode=mode)

files.template(
    name="app.conf",
    src=str(here / "app.conf.j2"),
    dest=f"{root}/app/conf/app.conf",
    mode="644",
    app=app,
    host_name=host.name,
    port=port,
    workers=workers,
)
for i, mode in enumerate(["644", "644", "644", "644", "600", "600", "640", "640"], start=1):
    files.put(
        name=f"file{i}",
        src=io.StringIO(f"release v1, file {i}\n"),
        dest=f"{root}/app/releases/v1/file{i}.txt",
        mode=mode,
    )
files.put(
    name="readme",
    src=io.StringIO(f"data for {app}\n"),
    dest=f"{root}/app/data/README",
    mode="640",
)

settings = f"{root}/settings.ini"
files.line(name="line port", path=settings, line="^port = .*$", replace=f"port = {port}")
for text in ["log_level = info", "max_conn = 100", "timeout = 30", "cache = on"]:
    files.line(name=f"line {text}", path=settings, line=f"^{text}$")

files.link(name="link current", path=f"{root}/app/current", target="releases/v1")
files.link(name="link active", path=f"{root}/app/conf/active.conf", target="app.conf")

# server.shell has no `creates`: the documented way is a fact read deciding the op.
if not host.get_fact(File, path=f"{root}/app/data/seed"):
    server.shell(name="seed", commands=[f"printf 'seeded\\n' > {root}/app/data/seed"])
if not host.get_fact(File, path=f"{root}/app/releases/v1/bundle.txt"):
    server.shell(
        name="bundle",
        commands=[f"cd {root}/app/releases/v1 && cat file1.txt file2.txt > bundle.txt"],
    )

files.file(name="old.pid", path=f"{root}/old.pid", present=False)
