"""A fact may stand anywhere an expression may: spec, host and group vars, include
parameters and conditions, op arguments, when, for_each and handlers, in TOML and
YAML; and ``host().facts`` in Python deploys. Compiled offline from a facts file.
(A variable reading a fact used to end the plan in a ``Pending`` traceback.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specops.compiler.facts import JsonFacts
from specops.compiler.frontend import Options, compile_file
from specops.runtime.catalog import CATALOG

FACTS = {
    "hosts": {
        "*": {
            "os": {"id": "debian", "version_codename": "bookworm"},
            "arch": "x86_64",
            "hostname": "box",
            "kernel": "6.1",
            "file": {"/etc/flag": {"exists": True}},
        }
    }
}

ROLE = """
[vars]
inner = "${ facts.arch }"

[ops.role_file]
op = "files.file"
path = "/tmp/fx/${ param }/${ inner }"
"""

TOML = """
[[include]]
file = "roles/r.toml"
vars = { param = "${ facts.hostname }" }
when = "facts.os.id == 'debian'"

[hosts.h]
local = true
vars = { hv = "${ facts.kernel }" }

[groups.g]
hosts = ["h"]
vars = { gv = "${ facts.os.id }" }

[vars]
codename = "${ facts.os.version_codename }"

[ops.arg]
op = "files.file"
path = "/tmp/fx/${ codename }-${ hv }-${ gv }"
notify = ["h1"]

[ops.cond]
op = "files.directory"
path = "/tmp/fx/cond"
when = "facts.file('/etc/flag').exists"

[ops.skipped]
op = "files.directory"
path = "/tmp/fx/never"
when = "facts.os.id == 'alpine'"

[ops.loop]
op = "files.directory"
path = "/tmp/fx/${ item }"
for_each = "[facts.arch, facts.hostname]"

[handlers.h1]
op = "server.shell"
command = "echo ${ facts.os.id }"
"""

YAML = """
include:
  - file: roles/r.toml
    vars: { param: "${ facts.hostname }" }
    when: "facts.os.id == 'debian'"
hosts:
  h: { local: true, vars: { hv: "${ facts.kernel }" } }
groups:
  g: { hosts: [h], vars: { gv: "${ facts.os.id }" } }
vars:
  codename: "${ facts.os.version_codename }"
ops:
  arg:
    op: files.file
    path: "/tmp/fx/${ codename }-${ hv }-${ gv }"
    notify: [h1]
  cond:
    op: files.directory
    path: /tmp/fx/cond
    when: "facts.file('/etc/flag').exists"
  skipped:
    op: files.directory
    path: /tmp/fx/never
    when: "facts.os.id == 'alpine'"
  loop:
    op: files.directory
    path: "/tmp/fx/${ item }"
    for_each: "[facts.arch, facts.hostname]"
handlers:
  h1:
    op: server.shell
    command: "echo ${ facts.os.id }"
"""

PYTHON = """
from specops import host
from specops.ops import files, server

f = host().facts
files.file(path=f"/tmp/fx/{f.hostname}/{f.arch}", _id="r/role_file")
files.file(path=f"/tmp/fx/{f.os['version_codename']}-{f.kernel}-{f.os['id']}", _id="arg",
           _notify=["h1"])
if f.file("/etc/flag")["exists"]:
    files.directory(path="/tmp/fx/cond", _id="cond")
if f.os["id"] == "alpine":
    files.directory(path="/tmp/fx/never", _id="skipped")
for item in (f.arch, f.hostname):
    files.directory(path=f"/tmp/fx/{item}", _id=f"loop[{item}]")
server.shell(command=f"echo {f.os['id']}", _id="h1", _handler=True)
"""

WANT = {
    "r/role_file": "/tmp/fx/box/x86_64",
    "arg": "/tmp/fx/bookworm-6.1-debian",
    "cond": "/tmp/fx/cond",
    "loop[x86_64]": "/tmp/fx/x86_64",
    "loop[box]": "/tmp/fx/box",
    "h1": "echo debian",
}


@pytest.mark.parametrize(
    ("name", "text"), [("site.toml", TOML), ("site.yaml", YAML), ("deploy.py", PYTHON)]
)
def test_facts_in_every_expression_position(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "roles").mkdir()
    (tmp_path / "roles" / "r.toml").write_text(ROLE)
    (tmp_path / name).write_text(text)
    (tmp_path / "facts.json").write_text(json.dumps(FACTS))
    opts = Options(facts=JsonFacts(str(tmp_path / "facts.json")), optimized=False)
    program = compile_file(str(tmp_path / name), CATALOG, opts)
    (hp,) = program.hosts
    got = {op.id: op.args.get("path", op.args.get("command")) for op in hp.ops}
    assert got == WANT
    assert [op.id for op in hp.ops if op.handler] == ["h1"]
