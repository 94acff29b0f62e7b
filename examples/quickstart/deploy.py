"""specops quickstart as a Python deploy: the same IR as site.toml and site.yaml.

Run it with `specops plan deploy.py` / `specops apply deploy.py`.
"""

from specops.ops import files, server

app = "quickstart"
root = "/tmp/specops-quickstart"

files.directory(_id="app_dir", path=f"{root}/{app}", mode="0755")

files.file(
    _id="config",
    path=f"{root}/{app}/app.conf",
    content=f"name = {app}\nlisten = 127.0.0.1:8080\n",
    mode="0640",
)

files.line(_id="env_line", path=f"{root}/{app}/env", line="APP_ENV=production", regex="^APP_ENV=")

files.link(_id="current", path=f"{root}/current", target=app)

files.absent(_id="stale_pid", path=f"{root}/{app}/app.pid")

server.shell(
    _id="install_stamp",
    command=f"date -u > {root}/{app}/installed-at",
    creates=f"{root}/{app}/installed-at",
)
