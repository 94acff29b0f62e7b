"""The multi-role example as a Python deploy: the same IR as site.toml and site.yaml.

    specops plan deploy.py -i inventory.toml

Roles are plain functions; loops are Python loops; handlers are ops declared
with ``_handler=True`` and named by ``_notify``. The ``app.release`` op and
``site_lines`` come from lib/release.py, as in the spec files.
"""

from lib.release import site_lines

from specops import host
from specops.ops import app, files, server

me = host()
root = me.vars["root"]


def web_role(sites: dict[str, int]) -> list[str]:
    docroot = f"{root}/www"
    dirs = [f"web/docroot[{name}]" for name in sites]
    for name in sites:
        files.directory(_id=f"web/docroot[{name}]", path=f"{docroot}/{name}", mode="0755")
    for name in sites:
        files.file(
            _id=f"web/index[{name}]",
            path=f"{docroot}/{name}/index.html",
            content=f"<h1>{name} on {me.name}</h1>\n",
            _requires=dirs,
        )
    files.file(
        _id="web/config",
        path=f"{root}/web.conf",
        content=f"listen {me.vars['listen']}\n{site_lines(sites, docroot)}",
        mode="0640",
        _notify=["web/reload"],
    )
    server.shell(_id="web/reload", command=f"echo reloaded >> {root}/reloads.log", _handler=True)
    return dirs


def db_role() -> list[str]:
    port = me.vars.get("db_port", 5432)
    files.directory(_id="db/data", path=f"{root}/db/data", mode="0700", _tags=["db"])
    files.file(
        _id="db/config",
        path=f"{root}/db/db.conf",
        content=f"port = {port}\ndata = {root}/db/data\n",
        _requires=["db/data"],
        _tags=["db"],
    )
    server.shell(
        _id="db/init",
        command=f"date -u > {root}/db/initialized",
        creates=f"{root}/db/initialized",
        _requires=["db/config"],
        _tags=["db"],
    )
    return ["db/data"]


before_release: list[str] = []
if "web" in me.groups:
    before_release += web_role({"shop": 8080, "blog": 8081})
if "db" in me.groups:
    before_release += db_role()

app.release(
    _id="release",
    path=f"{root}/release.json",
    app="shop",
    version="1.10",
    stage=me.vars.get("stage", "dev"),
    _requires=before_release,
)
