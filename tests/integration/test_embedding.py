"""``from specops import compile, plan, apply`` gives the same results as the command line."""

from __future__ import annotations

from pathlib import Path

import specops
from tests.cli import specops as cli_specops
from tests.fixtures import final


def test_python_api_matches_the_cli(tmp_path: Path) -> None:
    root = tmp_path / "root"
    spec = tmp_path / "site.toml"
    spec.write_text(
        f'[vars]\nroot = "{root}"\n'
        '[ops.dir]\nop = "files.directory"\npath = "${root}"\n'
        '[ops.conf]\nop = "files.file"\npath = "${root}/app.conf"\ncontent = "v=${version}\\n"\n'
    )
    program = specops.compile(str(spec), variables={"version": "1.2"})
    api = {op.node.id: [c.summary for c in op.changes] for op in specops.plan(program)[0].ops}
    cli = cli_specops("plan", str(spec), "--json", "--var", 'version="1.2"', code=0)
    doc = final(cli.stdout)
    assert api == {o["id"]: [c["summary"] for c in o["changes"]] for o in doc["hosts"][0]["ops"]}
    (result,) = specops.apply(program)
    assert not result.failed and (root / "app.conf").read_text() == "v=1.2\n"
    assert all(
        not op.changes for op in specops.plan(str(spec), variables={"version": "1.2"})[0].ops
    )
