"""The embedding API: typed, the same options as the command line, plans applied as made."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

import pytest

import specops
from specops.cli_args import parser
from tests.cli import specops as cli
from tests.targets import json_doc

SPEC = """
[ops.dir]
op = "files.directory"
path = "{root}/app"
tags = ["base"]

[ops.conf]
op = "files.file"
path = "{root}/app/app.conf"
content = "x\\n"
tags = ["conf"]
"""

PY = """
from specops.ops import files
root = "{root}"
files.directory(path=f"{{root}}/app", _id="dir", _tags=["base"])
files.file(path=f"{{root}}/app/app.conf", content="x\\n", _id="conf", _tags=["conf"])
"""


def twins(tmp: Path) -> tuple[str, str]:
    toml, py = tmp / "site.toml", tmp / "deploy.py"
    toml.write_text(SPEC.format(root=tmp))
    py.write_text(PY.format(root=tmp))
    return str(toml), str(py)


@pytest.mark.parametrize("name", ["tags", "skip_tags", "limit"])
def test_a_string_where_a_list_belongs_is_an_error(tmp_path: Path, name: str) -> None:
    toml, _ = twins(tmp_path)
    with pytest.raises(TypeError, match=f"{name} takes a list of strings, not a string"):
        specops.compile(toml, **{name: "conf"})  # type: ignore[arg-type]


def test_compile_filters_a_spec_and_its_python_twin_alike(tmp_path: Path) -> None:
    for f in twins(tmp_path):
        ids = [o.id for o in specops.compile(f, tags=["conf"]).hosts[0].ops]
        assert ids == ["conf"], f
        ids = [o.id for o in specops.compile(f, skip_tags=["conf"]).hosts[0].ops]
        assert ids == ["dir"], f


def test_a_plan_is_applied_as_made_and_refused_when_stale(tmp_path: Path) -> None:
    toml, _ = twins(tmp_path)
    made = specops.plan(toml, tags=["base"])
    assert [o.node.id for o in made[0].ops] == ["dir"]
    (result,) = specops.apply(made)
    assert [o.status.value for o in result.ops] == ["changed"]
    assert (tmp_path / "app").is_dir() and not (tmp_path / "app" / "app.conf").exists()
    stale = specops.plan(toml)  # conf's file is absent: its fact is part of the plan
    (tmp_path / "app" / "app.conf").write_text("changed meanwhile\n")
    (refused,) = specops.apply(stale)
    assert refused.error and "changed since the plan was saved" in refused.error
    assert (tmp_path / "app" / "app.conf").read_text() == "changed meanwhile\n"


def test_bounds_are_checked_in_the_api_too(tmp_path: Path) -> None:
    toml, _ = twins(tmp_path)
    with pytest.raises(ValueError, match="parallel"):
        specops.plan(toml, parallel=0)
    with pytest.raises(ValueError, match="timeout"):
        specops.plan(toml, timeout=-1)


# Each command-line flag and the API parameter that does the same; flags about how the
# command line shows things, asks, or saves have no API counterpart, each for its reason.
FLAG_TO_PARAM = {
    "file": "target",
    "inventory": "inventory",
    "limit": "limit",
    "var": "variables",
    "tags": "tags",
    "skip_tags": "skip_tags",
    "facts": "facts",
    "no_optimize": "optimize",
    "parallel": "parallel",
    "timeout": "timeout",
    "accept_new_host_keys": "accept_new_host_keys",
    "lock_wait": "lock_wait",
    "no_lock": "lock",
}
CLI_ONLY = {
    "json": "output format: the API returns objects",
    "stats": "output: HostPlan/HostResult carry round trips, bytes and seconds",
    "by_op": "output layout",
    "detailed_exitcode": "an exit code: the API returns the plans",
    "out": "saving to a file: a Plan object is applied as made",
    "yes": "confirmation on a terminal: calling apply is the decision",
    "emit": "output format",
    "origins": "output: Program.to_json(origins=True)",
    "explain": "output: optimize(program, catalog, log)",
    "traceback": "output: the diagnostics carry the user's frames",
    "ask_become_pass": "a terminal prompt (Runner(become_password=…) for embedders)",
    "serial": "a loop over apply(limit=…) batches is the embedder's",
    "fail_percent": "the same loop's decision",
    "host": "specops vars only",
}


@pytest.mark.parametrize(
    ("command", "function"),
    [("compile", specops.compile), ("plan", specops.plan), ("apply", specops.apply)],
)
def test_every_flag_has_an_api_parameter_and_the_reverse(command: str, function: object) -> None:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices[
        command
    ]
    flags = {a.dest for a in sub._actions if a.dest not in ("help",)}
    unknown = flags - set(FLAG_TO_PARAM) - set(CLI_ONLY)
    assert not unknown, f"decide what the API does for {sorted(unknown)}"
    params = set(inspect.signature(function).parameters)  # type: ignore[arg-type]
    for flag in flags & set(FLAG_TO_PARAM):
        param = FLAG_TO_PARAM[flag]
        assert param in params or (param == "target" and "path" in params), (command, flag)
    reverse = {v: k for k, v in FLAG_TO_PARAM.items()} | {"path": "file"}
    assert all(reverse.get(p) in flags for p in params), (command, params - set(reverse))


@pytest.mark.parametrize(
    "flags",
    [[], ["--tags", "conf"], ["--skip-tags", "conf"], ["--limit", "b"], ["--limit", "!b"]],
)
def test_the_cli_treats_a_spec_and_its_python_twin_alike(tmp_path: Path, flags: list[str]) -> None:
    import json

    toml, py = twins(tmp_path)
    inv = tmp_path / "inv.toml"
    inv.write_text("[hosts.a]\nlocal = true\n[hosts.b]\nlocal = true\n")
    out = {}
    for f in (toml, py):
        got = []
        for command in ("compile", "plan"):
            extra = ["--json"] if command == "plan" else []
            r = cli(command, f, "-i", str(inv), *flags, *extra, code=0)
            doc = json.loads(r.stdout) if command == "compile" else json_doc(r.stdout)
            got.append({h["name"]: [o["id"] for o in h["ops"]] for h in doc["hosts"]})
        out[f] = got
    assert out[toml] == out[py]
    assert out[toml][0], "the comparison saw no hosts"
