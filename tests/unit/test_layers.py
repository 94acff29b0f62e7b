"""The layers as a test: what may import what (docs/architecture.md, "Layers").

- the compiler never imports the runtime or the face (``specops.cli``, the API, …);
- the runtime never imports the face;
- the engine (executor, scripts, outcomes, rendering, pool, connectors, …) never
  imports a family (the modules of ops and facts) or the catalog that lists them;
- every module that registers an op is in the catalog's explicit list.

Every import counts, also one inside a function. A failure names the import and
where it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The runtime's engine: what runs any op on any host, knowing no family.
ENGINE = {
    "command", "connectors", "events", "executor", "fact_source", "facts", "fanout", "fetched",
    "hostlock", "notify_facts", "operation", "outcomes", "planfile", "pool", "reach", "render",
    "script", "writes",
}  # fmt: skip
# Where families meet the rest: the list of them, and the reference generated from it.
JUNCTION = {"catalog", "opsdoc"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] in ("compiler", "runtime"):  # specops/compiler and specops/runtime link here
        parts.insert(0, "specops")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, name: str | None = None) -> list[tuple[str, int]]:
    """Every module ``path`` imports (``from a import b`` counts as ``a`` and ``a.b``)."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            out.append((base, node.lineno))
            out += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return out


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def layer(imported: str) -> str | None:
    parts = imported.split(".")
    if parts[0] != "specops":
        return None
    if len(parts) == 1 or parts[1] not in ("compiler", "runtime"):
        return "face"
    if parts[1] == "compiler":
        return "compiler"
    if len(parts) == 2:
        return "runtime"
    if parts[2] in ENGINE:
        return "engine"
    return "junction" if parts[2] in JUNCTION else "family"


def offences(folder: str, forbidden: set[str], only: set[str] | None = None) -> list[str]:
    found = []
    for path in sources(folder):
        name = module_name(path)
        if only is not None and [*name.split("."), ""][2] not in only:
            continue
        for imported, line in imports(path):
            if layer(imported) in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line}: {name} imports {imported}")
    return found


def test_the_compiler_never_imports_the_runtime_or_the_face() -> None:
    found = offences("compiler", {"runtime", "engine", "family", "junction", "face"})
    assert not found, "\n".join(found)


def test_the_runtime_never_imports_the_face() -> None:
    found = offences("runtime", {"face"})
    assert not found, "\n".join(found)


def test_the_engine_never_imports_a_family_or_the_catalog() -> None:
    found = offences("runtime", {"family", "junction"}, only=ENGINE)
    assert not found, "\n".join(found)


def test_every_module_that_registers_an_op_is_in_the_catalog_list() -> None:
    from specops.runtime.catalog import OPERATIONS

    listed = {i for i, _ in imports(ROOT / "runtime" / "catalog.py")}
    # tests register ops of their own; the built-in ones are those of the runtime
    modules = {type(op).__module__ for op in OPERATIONS.values()}
    modules = {m for m in modules if m.startswith("specops.runtime.")}
    assert modules and not {m for m in modules if m not in listed}


def test_every_runtime_module_is_engine_junction_or_family() -> None:
    names = {module_name(p).split(".")[2] for p in sources("runtime") if p.name != "__init__.py"}
    families = names - ENGINE - JUNCTION
    assert names >= ENGINE | JUNCTION, "a module of the lists is gone: update them"
    assert {"files", "apt", "server", "systemd"} <= families


def test_the_checker_sees_imports_of_every_form(tmp_path: Path) -> None:
    # The rules above are only as good as this reader: each form of import is found.
    mod = ROOT / "runtime" / "executor.py"
    found = dict(imports(mod))
    assert "specops.runtime.outcomes" in found and "specops.compiler.ir" in found
    assert layer("specops.runtime.files") == "family"
    assert layer("specops.runtime.connectors.ssh") == "engine"
    assert layer("specops.cli") == layer("specops") == "face"
    assert layer("specops.runtime.catalog") == "junction" and layer("json") is None
    src = tmp_path / "probe.py"
    src.write_text("def f():\n    from .files import check_absolute\n    import specops.cli\n")
    assert dict(imports(src, "specops.runtime.probe")) == {
        "specops.runtime.files": 2,
        "specops.runtime.files.check_absolute": 2,
        "specops.cli": 3,
    }
