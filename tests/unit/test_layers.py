"""The layers as a test: what may import what (docs/architecture.md, "Layers").

- the compiler never imports the runtime or the face (``specops.cli``, the API, …);
- the runtime never imports the face;
- inside the runtime, each part imports only the parts below it:

      core        commands, facts and operations as such, reach, the argument words
      connectors  how to reach a host                              (core)
      facts       one module a family: commands and parsers         (core)
      kit         the file-state toolkit families share             (core, facts)
      operations  one module or package a family                    (core, facts, kit)
      engine      plan, apply, render, pool, fan-out: no family     (core, connectors)
      catalog, opsdoc, spec_facts, stubs: where families meet the rest (anything)

- no family imports another: a facts module no other facts module, an operations
  family no other operations family;
- every family module is in the catalog's explicit list.

Every import counts, also one inside a function. A failure names the import and
where it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What each part of the runtime may import, besides itself and the compiler.
ALLOWED = {
    "core": set(),
    "connectors": {"core"},
    "facts": {"core"},
    "kit": {"core", "facts"},
    "operations": {"core", "facts", "kit"},
    "engine": {"core", "connectors"},
}
# Where families meet the rest: the list of them, and what is generated or read from it.
JUNCTION = {"catalog", "opsdoc", "spec_facts", "stubs"}
FAMILIES = ("facts", "operations")


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
    """``face``, ``compiler``, ``runtime`` (the package itself) or a part of the runtime."""
    parts = imported.split(".")
    if parts[0] != "specops":
        return None
    if len(parts) == 1 or parts[1] not in ("compiler", "runtime"):
        return "face"
    if parts[1] == "compiler":
        return "compiler"
    if len(parts) == 2:
        return "runtime"
    return "junction" if parts[2] in JUNCTION else parts[2]


def family(module: str) -> str:
    """``specops.runtime.operations.files.edit`` -> ``specops.runtime.operations.files``."""
    return ".".join(module.split(".")[:4])


def offences(folder: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sources(folder):
        for imported, line in imports(path):
            if layer(imported) in forbidden:
                found.append(
                    f"{path.relative_to(ROOT)}:{line}: {module_name(path)} imports {imported}"
                )
    return found


def test_the_compiler_never_imports_the_runtime_or_the_face() -> None:
    found = offences("compiler", {"runtime", "junction", "face", *ALLOWED})
    assert found == []


def test_the_runtime_never_imports_the_face() -> None:
    assert offences("runtime", {"face"}) == []


def test_each_part_of_the_runtime_imports_only_the_parts_below_it() -> None:
    found = []
    for path in sources("runtime"):
        name = module_name(path)
        part = layer(name)
        if part not in ALLOWED:
            continue
        may = ALLOWED[part] | {part, "compiler", None}
        for imported, line in imports(path):
            if layer(imported) not in may:
                found.append(f"{path.relative_to(ROOT)}:{line}: {name} ({part}) imports {imported}")
    assert found == []


def test_no_family_imports_another() -> None:
    found = []
    for path in sources("runtime"):
        name = module_name(path)
        if layer(name) not in FAMILIES or name.count(".") < 3:
            continue
        for imported, line in imports(path):
            same_part = layer(imported) == layer(name) and imported.count(".") >= 3
            if same_part and family(imported) != family(name):
                found.append(f"{path.relative_to(ROOT)}:{line}: {name} imports {imported}")
    assert found == []


def test_every_family_module_is_in_the_catalog_list() -> None:
    from specops.runtime.catalog import OPERATIONS

    listed = {family(i) for i, _ in imports(ROOT / "runtime" / "catalog.py")}
    on_disk = {
        family(module_name(p))
        for part in FAMILIES
        for p in sources(f"runtime/{part}")
        if p.parent.name != part or p.name != "__init__.py"
    }
    assert on_disk and on_disk <= listed, sorted(on_disk - listed)
    # every op specops ships comes from a listed family
    modules = {type(op).__module__ for op in OPERATIONS.values()}
    shipped = {family(m) for m in modules if m.startswith("specops.runtime.")}
    assert shipped and shipped <= listed


def test_every_runtime_module_has_a_place() -> None:
    places = {layer(module_name(p)) for p in sources("runtime") if p.name != "__init__.py"}
    assert places == {*ALLOWED, "junction"}, places


def test_the_checker_sees_imports_of_every_form(tmp_path: Path) -> None:
    # The rules above are only as good as this reader: each form of import is found.
    mod = ROOT / "runtime" / "engine" / "executor.py"
    found = dict(imports(mod))
    assert "specops.runtime.engine.outcomes" in found and "specops.compiler.ir" in found
    assert layer("specops.runtime.operations.files.edit") == "operations"
    assert family("specops.runtime.operations.files.edit") == "specops.runtime.operations.files"
    assert layer("specops.runtime.connectors.ssh") == "connectors"
    assert layer("specops.cli") == layer("specops") == "face"
    assert layer("specops.runtime.catalog") == "junction" and layer("json") is None
    src = tmp_path / "probe.py"
    src.write_text("def f():\n    from ..kit import writes\n    import specops.cli\n")
    assert dict(imports(src, "specops.runtime.engine.probe")) == {
        "specops.runtime.kit": 2,
        "specops.runtime.kit.writes": 2,
        "specops.cli": 3,
    }
