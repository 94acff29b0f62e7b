"""Lowering once per distinct variable values (compiler/reuse.py): the same IR as
lowering every host, and no reuse where a host could differ."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path

import pytest

from specops.compiler import reuse
from specops.compiler.expr import parse_template
from specops.compiler.frontend import Options, compile_file
from specops.compiler.ir import to_json
from specops.runtime.catalog import CATALOG
from tests.unit.test_spec_language import HOSTS, build, ops

ROOT = Path(__file__).resolve().parents[2]
# The compile benchmark's fleet spec (benchmarks/ is not a package).
fleet_spec: Callable[[int], str] = runpy.run_path(str(ROOT / "benchmarks" / "compile.py"))["spec"]


def test_freeze_tells_apart_what_equality_does_not() -> None:
    keys = {reuse.freeze(v) for v in (1, 1.0, True, "1", [1], {"a": 1}, None)}
    assert len(keys) == 7
    assert reuse.freeze({"b": [1, "x"], "a": 2}) == reuse.freeze({"a": 2, "b": [1, "x"]})
    with pytest.raises(reuse.Unfrozen):
        reuse.freeze({"a": object()})


def test_names_in_reads_roots_not_attributes_or_keys() -> None:
    t = parse_template("${ a.b }-${ f(c)[d] }-${ {'k': e} }-${ g if h else i }", lambda s, e: None)
    assert set(reuse.names_in(t)) == {"a", "f", "c", "d", "e", "g", "h", "i"}


def lowered_without_reuse(path: str, monkeypatch: pytest.MonkeyPatch, **opts: object) -> str:
    monkeypatch.setattr(reuse.Reuse, "names", lambda *a: None)
    try:
        return to_json(compile_file(path, CATALOG, Options(**opts)))  # type: ignore[arg-type]
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize(
    ("spec", "inventory"),
    [
        ("examples/quickstart/site.toml", None),
        ("examples/multirole/site.toml", "examples/multirole/inventory.toml"),
        ("examples/lamp/site.toml", None),
    ],
)
def test_the_examples_compile_to_the_same_ir_with_and_without_reuse(
    spec: str, inventory: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(ROOT / spec)
    inv = str(ROOT / inventory) if inventory else None
    want = lowered_without_reuse(path, monkeypatch, inventory=inv)
    assert to_json(compile_file(path, CATALOG, Options(inventory=inv))) == want


def test_a_fleet_spec_compiles_to_the_same_ir_with_and_without_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "site.toml"
    path.write_text(fleet_spec(250))  # three groups with different vars, host.name in content
    opts = {"optimized": False}
    with_reuse = to_json(compile_file(str(path), CATALOG, Options(optimized=False)))
    assert with_reuse == lowered_without_reuse(str(path), monkeypatch, **opts)


def test_values_decide_and_host_reading_ops_are_lowered_per_host(tmp_path: Path) -> None:
    files = {
        "s.toml": HOSTS
        + """
        [ops.port]
        op = "files.file"
        path = "/etc/port"
        content = "port ${port}"
        [ops.me]
        op = "files.file"
        path = "/etc/me"
        content = "${host.name}"
        """
    }
    p = build(tmp_path, files)
    port = {h: ops(p, h)["port"]["args"]["content"] for h in ("web1", "web2", "db1")}
    me = {h: ops(p, h)["me"]["args"]["content"] for h in ("web1", "web2", "db1")}
    assert port == {"web1": "port 80", "web2": "port 80", "db1": "port 5433"}
    assert me == {"web1": "web1", "web2": "web2", "db1": "db1"}
    # web1 and web2 share the lowered node; db1 has its own
    assert p.host("web1").ops[0] is p.host("web2").ops[0]
    assert p.host("db1").ops[0] is not p.host("web1").ops[0]


def test_functions_from_python_modules_run_for_every_host(tmp_path: Path) -> None:
    files = {
        "s.toml": HOSTS
        + """
        [python]
        modules = ["count.py"]
        [ops.n]
        op = "files.file"
        path = "/etc/n"
        content = "${ counter() }"
        """,
        "count.py": """
            import itertools
            import specops

            _n = itertools.count()

            @specops.function
            def counter() -> str:
                "A new number per call: not pure, so never reused."
                return str(next(_n))
        """,
    }
    p = build(tmp_path, files)
    got = {ops(p, h)["n"]["args"]["content"] for h in ("web1", "web2", "db1")}
    assert len(got) == 3


def test_secret_values_are_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECOPS_TEST_TOKEN", "s3cr3t")
    files = {
        "s.toml": HOSTS
        + """
        [vars]
        token = "${ env('SPECOPS_TEST_TOKEN') }"
        [ops.t]
        op = "files.file"
        path = "/etc/t"
        content = "${token}"
        """
    }
    p = build(tmp_path, files)
    nodes = [p.host(h).ops[0] for h in ("web1", "web2")]
    assert nodes[0] is not nodes[1]
    assert all(n.sensitive and n.secrets == ("s3cr3t",) for n in nodes)
