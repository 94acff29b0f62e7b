"""The optimizer's passes: dedupe and a stable topological order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specops.compiler.diagnostics import SpecError
from specops.compiler.ir import LOCAL, HostProgram, OpNode, Program
from specops.compiler.optimize import dedupe, optimize, order
from specops.compiler.source import Span


def op(i: str, requires: tuple[str, ...] = (), path: str | None = None, line: int = 1) -> OpNode:
    return OpNode(
        i,
        "files.directory",
        {"path": path or f"/{i}"},
        requires=requires,
        origin=(Span("s.toml", line, 1, line, 2),),
    )


def ids(ops: tuple[OpNode, ...]) -> list[str]:
    return [o.id for o in ops]


def test_order_keeps_source_order_without_edges() -> None:
    assert ids(order((op("a"), op("b"), op("c")))) == ["a", "b", "c"]


def test_order_moves_only_what_it_must() -> None:
    assert ids(order((op("a", ("c",)), op("b"), op("c")))) == ["b", "c", "a"]


def test_cycle_is_a_diagnostic_naming_each_op() -> None:
    with pytest.raises(SpecError) as e:
        order((op("a", ("b",), line=3), op("b", ("a",), line=7)))
    (d,) = e.value.diagnostics
    assert d.code == "cycle" and "a -> b -> a" in d.message
    assert [str(s) for _, s in d.notes] == ["s.toml:3:1", "s.toml:7:1"]


def test_dedupe_merges_origins_and_rewrites_references() -> None:
    ops = (op("a", path="/x", line=1), op("b", path="/x", line=5), op("c", ("b",)))
    out = dedupe(ops)
    assert ids(out) == ["a", "c"]
    assert [str(s) for s in out[0].origin] == ["s.toml:1:1", "s.toml:5:1"]
    assert out[1].requires == ("a",)


@st.composite
def dags(draw: st.DrawFn) -> tuple[OpNode, ...]:
    n = draw(st.integers(1, 12))
    nodes = []
    for i in range(n):
        # Edges only to earlier-numbered nodes keep the graph acyclic; shuffle the input after.
        reqs = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        nodes.append(op(f"n{i}", tuple(f"n{r}" for r in sorted(reqs))))
    return tuple(draw(st.permutations(nodes)))


@settings(max_examples=200, deadline=None)
@given(dags())
def test_order_is_a_linearization_and_idempotent(ops: tuple[OpNode, ...]) -> None:
    out = order(ops)
    pos = {o.id: i for i, o in enumerate(out)}
    assert sorted(pos) == sorted(o.id for o in ops)
    for o in ops:
        for r in o.requires:
            assert pos[r] < pos[o.id], f"{r} must come before {o.id}"
    assert order(out) == out
    program = Program((HostProgram("h", LOCAL, ops),))
    assert optimize(optimize(program)) == optimize(program)
