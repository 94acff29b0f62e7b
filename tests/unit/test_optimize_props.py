"""Properties of the whole optimizer on generated op graphs (hypothesis, toy catalog).

Graphs mix directories nested under earlier directories (inferred edges),
files inside them, package ops (merging), handlers and random ``requires``
to earlier ops, then the input order is shuffled. Edges only ever point from
a lower to a higher generated number, so every graph is acyclic.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from specops.compiler.ir import OpNode
from specops.compiler.optimize import optimize
from tests.optimize_toys import catalog, node, program

CAT = catalog()
NO_MERGE = catalog(merge=False)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[OpNode, ...]:
    n = draw(st.integers(1, 14))
    nodes: list[OpNode] = []
    dirs: list[str] = []
    handlers = [f"h{i}" for i in range(draw(st.integers(0, 2)))]
    for i in range(n):
        reqs = draw(st.sets(st.integers(0, i - 1), max_size=2)) if i else set()
        kind = draw(st.sampled_from(["t.dir", "t.file", "t.pkgs"]))
        inside = bool(dirs) and draw(st.booleans())
        parent = draw(st.sampled_from(dirs)) if inside else ""
        args: dict[str, Any] = {"path": f"{parent}/n{i}"}
        if kind == "t.dir":
            dirs.append(f"{parent}/n{i}")
        if kind == "t.pkgs":
            args = {"packages": [f"p{i}"]}
        notify = tuple(draw(st.sets(st.sampled_from(handlers), max_size=1))) if handlers else ()
        nodes.append(node(f"n{i}", kind, i, tuple(f"n{r}" for r in sorted(reqs)), notify, **args))
    for h in handlers:
        nodes.append(node(h, "t.shell", 99, handler=True, path=f"/{h}"))
    return tuple(draw(st.permutations(nodes)))


def positions(ops: tuple[OpNode, ...]) -> dict[str, int]:
    return {part: i for i, o in enumerate(ops) for part in (o.parts or (o.id,))}


def edges(ops: tuple[OpNode, ...]) -> list[tuple[str, str, str]]:
    """Every edge the result must respect: (before, after, why)."""
    out = [(r, o.id, "requires") for o in ops for r in o.requires]
    out += [(o.id, h, "notify") for o in ops for h in o.notify]
    for o in ops:
        if o.kind == "t.dir":
            out += [
                (o.id, x.id, "inside")
                for x in ops
                if "path" in x.args and str(x.args["path"]).startswith(str(o.args["path"]) + "/")
            ]
    return out


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_result_is_a_linearization_of_every_edge(ops: tuple[OpNode, ...]) -> None:
    out = optimize(program(*ops), CAT).hosts[0].ops
    pos = positions(out)
    assert sorted(pos) == sorted(o.id for o in ops)
    for before, after, why in edges(ops):
        assert pos[before] < pos[after], f"{before} must run before {after} ({why})"
        if why != "notify":
            # Joined ops never hold an edge between them: it would be lost inside the node.
            assert pos[before] != pos[after]


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_optimizing_twice_changes_nothing(ops: tuple[OpNode, ...]) -> None:
    once = optimize(program(*ops), CAT)
    assert optimize(once, CAT) == once


def reference(ops: tuple[OpNode, ...]) -> list[str]:
    """The documented rule, spelled out slowly: run the earliest-listed op whose edges are met."""
    left = list(ops)
    done: set[str] = set()
    must = edges(ops)
    out = []
    while left:
        op = next(o for o in left if all(b in done for b, a, _ in must if a == o.id))
        out.append(op.id)
        done.add(op.id)
        left.remove(op)
    return out


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_order_depends_on_input_order_only_through_the_tie_break(ops: tuple[OpNode, ...]) -> None:
    got = [o.id for o in optimize(program(*ops), NO_MERGE).hosts[0].ops]
    assert got == reference(ops)
