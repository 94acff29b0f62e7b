"""compiler/variables.py: where an error inside a spec string points (``locator``),
evaluating spec values (``Evaluator``) and the lazy variable scope (``LazyScope``):
precedence, cycles, errors reported once, secrets and facts."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pytest

from specops.compiler.diagnostics import Collector, Diagnostic, SpecError
from specops.compiler.expr import Name, Template
from specops.compiler.facts import FactCache, FactKey
from specops.compiler.load import load_text
from specops.compiler.scope import Layer, Origin
from specops.compiler.source import Document, Span
from specops.compiler.values import Function, Pending, Sensitive
from specops.compiler.variables import Evaluator, LazyScope, locator

# -- locator: offsets in a string to positions in its file ---------------------------------


def at(doc: Document, path: tuple[str, ...], start: int, end: int) -> Span | None:
    value: Any = doc.data
    for p in path:
        value = value[p]
    assert isinstance(value, str)
    return locator(doc, path, value)(start, end)


def test_a_basic_string_is_located_inside_its_quotes() -> None:
    doc = load_text('[vars]\nurl = "http://${ hots }:80"\n', "s.toml")
    assert at(doc, ("vars", "url"), 10, 14) == Span("s.toml", 2, 18, 2, 22)
    assert at(doc, ("vars", "url"), 0, 1) == Span("s.toml", 2, 8, 2, 9)


def test_a_literal_string_is_located_inside_its_quotes() -> None:
    doc = load_text("[vars]\nq = 'x${a}'\n", "s.toml")
    assert at(doc, ("vars", "q"), 3, 4) == Span("s.toml", 2, 9, 2, 10)


def test_a_plain_yaml_scalar_is_located_as_written() -> None:
    doc = load_text("vars:\n  url: http://${ hots }\n", "s.yaml")
    assert at(doc, ("vars", "url"), 10, 14) == Span("s.yaml", 2, 18, 2, 22)


def test_an_empty_string_is_located_between_its_quotes() -> None:
    doc = load_text('[vars]\ne = ""\n', "s.toml")
    assert at(doc, ("vars", "e"), 0, 0) == Span("s.toml", 2, 6, 2, 6)


def test_a_string_written_with_escapes_is_located_as_a_whole() -> None:
    doc = load_text('[vars]\nt = "a\\tb ${ x }"\n', "s.toml")
    assert doc.data["vars"]["t"] == "a\tb ${ x }"
    whole = Span("s.toml", 2, 5, 2, 18)
    assert at(doc, ("vars", "t"), 7, 8) == whole
    assert at(doc, ("vars", "t"), 0, 1) == whole


def test_a_multiline_basic_string_is_located_line_by_line() -> None:
    doc = load_text('[vars]\nmotd = """\nHello ${ nme }\nbye"""\n', "s.toml")
    assert doc.data["vars"]["motd"] == "Hello ${ nme }\nbye"
    assert at(doc, ("vars", "motd"), 9, 12) == Span("s.toml", 3, 10, 3, 13)
    assert at(doc, ("vars", "motd"), 0, 18) == Span("s.toml", 3, 1, 4, 4)
    assert at(doc, ("vars", "motd"), 15, 16) == Span("s.toml", 4, 1, 4, 2)


def test_a_multiline_literal_string_opening_on_its_first_line() -> None:
    doc = load_text("[vars]\nlit = '''Hello ${ nme }\nbye'''\n", "s.toml")
    assert at(doc, ("vars", "lit"), 9, 12) == Span("s.toml", 2, 19, 2, 22)
    assert at(doc, ("vars", "lit"), 15, 18) == Span("s.toml", 3, 1, 3, 4)


def test_a_multiline_string_at_the_end_of_a_file_without_a_newline() -> None:
    doc = load_text('[vars]\nm = """\na\n${ x }"""', "s.toml")
    assert at(doc, ("vars", "m"), 5, 6) == Span("s.toml", 4, 4, 4, 5)


def test_a_multiline_string_with_escapes_is_located_as_a_whole() -> None:
    doc = load_text('[vars]\nm = """\na\\tb\n${ x }"""\n', "s.toml")
    whole = doc.span(("vars", "m"))
    assert (whole.line, whole.end_line) == (2, 4)
    assert at(doc, ("vars", "m"), 8, 9) == whole


def test_a_multiline_string_ending_in_a_backslash_is_located_as_a_whole() -> None:
    doc = load_text('[vars]\nm = """\na \\\n  ${ x }"""\n', "s.toml")
    assert doc.data["vars"]["m"] == "a ${ x }"
    assert at(doc, ("vars", "m"), 5, 6) == doc.span(("vars", "m"))


def test_a_yaml_block_scalar_is_located_as_a_whole() -> None:
    doc = load_text("vars:\n  blk: |\n    a ${ x }\n    b\n", "s.yaml")
    whole = doc.span(("vars", "blk"))
    assert at(doc, ("vars", "blk"), 5, 6) == whole


def test_a_multiline_span_past_the_end_of_the_text_is_located_as_a_whole() -> None:
    span = Span("s.toml", 1, 5, 3, 4)
    doc = Document("s.toml", 'm = """\nx"""', "toml", {"m": "x"}, {("m",): span})
    assert locator(doc, ("m",), "x")(0, 1) == span


def test_a_value_whose_source_is_not_its_quoted_text_is_located_as_a_whole() -> None:
    """Documents made by hand: the delimiters of the source decide, not the value."""
    one = Span("s.toml", 1, 5, 1, 10)
    doc = Document("s.toml", "m = XabcX\n", "toml", {"m": "abc"}, {("m",): one})
    assert locator(doc, ("m",), "abc")(0, 1) == one
    two = Span("s.toml", 1, 5, 2, 6)
    for text in ("m = ---\nab---\n", "m = ---\nab'''\n", "m = '''\nab---\n"):
        doc = Document("s.toml", text, "toml", {"m": "ab"}, {("m",): two})
        assert locator(doc, ("m",), "ab")(0, 1) == two
    # the same documents with triple quotes: located inside them
    doc = Document("s.toml", "m = '''\nab'''\n", "toml", {"m": "ab"}, {("m",): two})
    assert locator(doc, ("m",), "ab")(0, 1) == Span("s.toml", 2, 1, 2, 2)


# -- Evaluator ------------------------------------------------------------------------


def evaluator(functions: Mapping[str, Function] | None = None) -> Evaluator:
    return Evaluator(functions or {}, Collector())


VARS = """\
[vars]
s = "port ${ port }"
xs = ["ok", "${ nope }", 3]
m = { k = "${ port }", j = { deep = "${ gone }" } }
j = "{{ port }}"
"""


def test_a_value_renders_every_string_inside_lists_and_maps() -> None:
    doc = load_text(VARS, "s.toml")
    ev = evaluator()
    scope = {"port": 80, "nope": "n", "gone": "g"}
    assert ev.value(doc, ("vars", "s"), "port ${ port }", scope) == "port 80"
    assert ev.value(doc, ("vars", "xs"), doc.data["vars"]["xs"], scope) == ["ok", "n", 3]
    assert ev.value(doc, ("vars", "m"), doc.data["vars"]["m"], scope) == {
        "k": 80,
        "j": {"deep": "g"},
    }
    assert ev.value(doc, ("vars",), None, scope) is None
    assert ev.c.diagnostics == []


def test_an_error_inside_a_list_or_map_points_at_its_entry() -> None:
    doc = load_text(VARS, "s.toml")
    ev = evaluator()
    for key in ("xs", "m"):
        ok, value = ev.guarded(partial(ev.value, doc, ("vars", key), doc.data["vars"][key], {}))
        assert (ok, value) == (False, None)
    assert [(d.code, d.message, d.span) for d in ev.c.diagnostics] == [
        ("undefined-name", 'name "nope" is not defined', Span("s.toml", 3, 17, 3, 21)),
        ("undefined-name", 'name "port" is not defined', Span("s.toml", 4, 15, 4, 19)),
    ]


def test_a_deeper_error_in_a_map_points_at_its_entry() -> None:
    doc = load_text(VARS, "s.toml")
    ev = evaluator()
    ok, _ = ev.guarded(lambda: ev.value(doc, ("vars", "m"), doc.data["vars"]["m"], {"port": 1}))
    assert not ok
    assert [(d.message, d.span) for d in ev.c.diagnostics] == [
        ('name "gone" is not defined', Span("s.toml", 4, 41, 4, 45))
    ]


def test_jinja_braces_in_a_value_are_reported_and_the_text_kept() -> None:
    doc = load_text(VARS, "s.toml")
    ev = evaluator()
    assert ev.value(doc, ("vars", "j"), "{{ port }}", {}) == "{{ port }}"
    assert ev.c.diagnostics == [
        Diagnostic(
            "expr-syntax",
            "invalid expression: '{{ … }}' is Jinja syntax, which spec files do not use",
            Span("s.toml", 5, 6, 5, 16),
            "write ${ name } to insert a value",
        )
    ]


def test_a_string_is_parsed_once_per_document_path_and_kind() -> None:
    doc = load_text(VARS, "s.toml")
    other = load_text(VARS, "s.toml")
    ev = evaluator()
    path = ("vars", "s")
    assert ev.value(doc, path, "b", {"b": 1}) == "b"  # a template: the text itself
    assert ev.expression(doc, path, "b", {"b": 1}) == 1  # an expression: the name
    assert ev.value(doc, path, "b", {}) == "b"
    assert ev.expression(doc, path, "b", {"b": 2}) == 2
    assert ev.value(doc, ("vars", "xs"), "b", {}) == "b"
    assert ev.value(other, path, "b", {}) == "b"
    assert ev.value(doc, path, "c", {}) == "c"
    assert len(ev.parsed) == 5
    assert ev.tree(doc, path, "b", True) == Name("b", 0, 1)
    assert ev.tree(doc, path, "b", False) == Template(("b",))
    assert len(ev.parsed) == 5


def test_jinja_braces_in_an_expression_are_a_syntax_error_only() -> None:
    doc = load_text('[vars]\nw = "{{ a }} == 1"\n', "s.toml")
    ev = evaluator()
    ok, _ = ev.guarded(lambda: ev.expression(doc, ("vars", "w"), "{{ a }} == 1", {}))
    assert not ok
    assert [d.code for d in ev.c.diagnostics] == ["expr-syntax"]
    assert "Jinja" not in ev.c.diagnostics[0].message


def test_a_string_is_parsed_once_and_its_tree_kept() -> None:
    doc = load_text(VARS, "s.toml")
    ev = evaluator()
    path = ("vars", "s")
    assert ev.tree(doc, path, "${ a }", False) is ev.tree(doc, path, "${ a }", False)
    assert ev.tree(doc, path, "a + 1", True) is ev.tree(doc, path, "a + 1", True)


def test_a_syntax_error_in_a_value_or_an_expression_points_into_it() -> None:
    doc = load_text('[vars]\ns = "x ${ 1 + }"\nw = "a and"\n', "s.toml")
    ev = evaluator()
    assert ev.guarded(partial(ev.value, doc, ("vars", "s"), "x ${ 1 + }", {})) == (False, None)
    assert ev.guarded(partial(ev.expression, doc, ("vars", "w"), "a and", {})) == (False, None)
    assert [(d.code, d.span) for d in ev.c.diagnostics] == [
        ("expr-syntax", Span("s.toml", 2, 15, 2, 16)),
        ("expr-syntax", Span("s.toml", 3, 11, 3, 12)),  # at its end
    ]


def test_an_expression_calls_functions_and_points_at_its_errors() -> None:
    doc = load_text("[vars]\nw = \"up(a) == 'HI' and nope\"\n", "s.toml")
    ev = evaluator({"up": Function("up", str.upper)})
    text = "up(a) == 'HI' and nope"
    assert ev.expression(doc, ("vars", "w"), text, {"a": "hi", "nope": True}) is True
    got = ev.guarded(partial(ev.expression, doc, ("vars", "w"), text, {"a": "hi"}))
    assert got == (False, None)
    assert [(d.message, d.span) for d in ev.c.diagnostics] == [
        ('name "nope" is not defined', Span("s.toml", 2, 24, 2, 28))
    ]


def test_guarded_returns_the_value_or_collects_the_error() -> None:
    ev = evaluator()
    assert ev.guarded(lambda: 42) == (True, 42)
    d = Diagnostic("x", "boom", None)
    with pytest.raises(ZeroDivisionError):
        ev.guarded(lambda: 1 / 0)

    def fail() -> Any:
        raise SpecError([d, d])

    assert ev.guarded(fail) == (False, None)
    assert ev.c.diagnostics == [d]


def test_functions_are_called_from_values() -> None:
    doc = load_text('[vars]\ns = "${ up(a) }!"\n', "s.toml")
    ev = evaluator({"up": Function("up", str.upper)})
    assert ev.value(doc, ("vars", "s"), "${ up(a) }!", {"a": "hi"}) == "HI!"


# -- LazyScope --------------------------------------------------------------------------

SPEC = """\
[vars]
a = "${ b }-x"
b = "B"
c = "${ d }"
d = "${ c }"
e = "${ nope }"
f = "${ e }!"
n = 5
self = "${ self }"
"""


def lazy(*layers: Layer, base: Mapping[str, Any] | None = None) -> tuple[LazyScope, Evaluator]:
    ev = evaluator()
    return LazyScope(ev, layers, base if base is not None else {"host": {"name": "h"}}), ev


def spec_layer(text: str = SPEC, label: str = "spec vars") -> Layer:
    doc = load_text(text, "s.toml")
    return Layer(label, doc.data["vars"], doc, ("vars",))


def test_a_variable_may_use_one_defined_after_it() -> None:
    scope, ev = lazy(spec_layer())
    assert scope["a"] == "B-x"
    assert scope.done == {"b": "B", "a": "B-x"}
    assert scope["n"] == 5
    assert scope["host"] == {"name": "h"}
    assert ev.c.diagnostics == []


def test_a_variable_is_evaluated_once() -> None:
    calls: list[str] = []

    def count(x: str) -> str:
        calls.append(x)
        return x

    doc = load_text('[vars]\nv = "${ count(\'x\') }"\nw = "${ v }${ v }"\n', "s.toml")
    ev = Evaluator({"count": Function("count", count)}, Collector())
    scope = LazyScope(ev, [Layer("spec vars", doc.data["vars"], doc, ("vars",))], {})
    assert scope["w"] == "xx"
    assert scope["v"] == "x"
    assert calls == ["x"]


def test_a_name_that_is_no_variable_comes_from_the_base_or_is_a_key_error() -> None:
    scope, _ = lazy(spec_layer())
    assert scope["host"] == {"name": "h"}
    with pytest.raises(KeyError):
        scope["zzz"]


def test_variables_that_need_each_other_are_a_cycle_reported_once() -> None:
    scope, ev = lazy(spec_layer())
    with pytest.raises(SpecError) as e:
        scope["c"]
    assert e.value.diagnostics == []  # collected, not raised
    assert ev.c.diagnostics == [
        Diagnostic(
            "cycle",
            "variables depend on each other in a cycle: c -> d -> c",
            Span("s.toml", 4, 1, 4, 2),
            "a variable cannot use itself",
        )
    ]
    assert scope.failed == {"c", "d"}
    assert scope.stack == []
    with pytest.raises(SpecError) as e:
        scope["d"]
    assert e.value.diagnostics == []
    assert len(ev.c.diagnostics) == 1


def test_a_variable_that_uses_itself_is_a_cycle() -> None:
    scope, ev = lazy(spec_layer())
    with pytest.raises(SpecError):
        scope["self"]
    assert [(d.message, d.span) for d in ev.c.diagnostics] == [
        ("variables depend on each other in a cycle: self -> self", Span("s.toml", 9, 1, 9, 5))
    ]


def test_a_cycle_through_a_variable_evaluated_first_names_the_loop_only() -> None:
    doc = load_text('[vars]\ntop = "${ x }"\nx = "${ y }"\ny = "${ x }"\n', "s.toml")
    scope, ev = lazy(Layer("spec vars", doc.data["vars"], doc, ("vars",)))
    with pytest.raises(SpecError):
        scope["top"]
    assert [d.message for d in ev.c.diagnostics] == [
        "variables depend on each other in a cycle: x -> y -> x"
    ]
    assert scope.failed == {"top", "x", "y"}


def test_an_error_in_a_variable_is_reported_once_for_every_user() -> None:
    scope, ev = lazy(spec_layer())
    for name in ("e", "f", "e", "f"):
        with pytest.raises(SpecError) as e:
            scope[name]
        assert e.value.diagnostics == []
    assert ev.c.diagnostics == [
        Diagnostic(
            "undefined-name",
            'name "nope" is not defined',
            Span("s.toml", 6, 9, 6, 13),
            "defined names: a, b, c, d, e, f, host, n, self",
        )
    ]
    assert scope.failed == {"e", "f"}
    assert "e" not in scope.done


def test_the_highest_layer_wins_and_is_evaluated_in_its_own_file() -> None:
    low = spec_layer('[vars]\nport = 1\nurl = "http://${ host.name }:${ port }"\n')
    high_doc = load_text('[vars]\nport = "${ base + 1 }"\nbase = 8000\n', "h.toml")
    high = Layer("host h", high_doc.data["vars"], high_doc, ("vars",))
    cli = Layer("--var", {"base": 9000})
    scope, ev = lazy(low, high, cli)
    assert scope["url"] == "http://h:9001"
    assert scope.winner == {"port": high, "url": low, "base": cli}
    assert ev.c.diagnostics == []


def test_a_command_line_value_is_taken_as_written() -> None:
    scope, _ = lazy(spec_layer(), Layer("--var", {"b": "${ nope }", "x": [1]}))
    assert scope["b"] == "${ nope }"
    assert scope["a"] == "${ nope }-x"
    assert scope["x"] == [1]


def test_a_secret_value_is_sensitive_and_remembered_as_a_secret() -> None:
    doc = load_text('pw = "hunter2"\npin = 1234\nnone = ""\nref = "${ pw }"\n', "sec.toml")
    scope, ev = lazy(Layer("secrets sec.toml", doc.data, doc, (), sensitive=True))
    assert scope["pw"] == Sensitive("hunter2")
    assert scope["pin"] == Sensitive(1234)
    assert scope["none"] == Sensitive("")
    assert ev.secrets == {"hunter2", "1234"}
    assert scope["ref"] == Sensitive(Sensitive("hunter2"))
    assert ev.secrets == {"hunter2", "1234"}


def test_a_plain_value_is_not_a_secret() -> None:
    scope, ev = lazy(spec_layer())
    assert scope["b"] == "B"
    assert ev.secrets == set()


def test_a_reserved_name_is_reported_and_still_defined() -> None:
    doc = load_text('[vars]\nitem = "x"\n', "s.toml")
    scope, ev = lazy(Layer("spec vars", doc.data["vars"], doc, ("vars",)))
    assert [(d.code, d.span) for d in ev.c.diagnostics] == [
        ("reserved-name", Span("s.toml", 2, 1, 2, 5))
    ]
    assert scope["item"] == "x"


def test_the_scope_is_a_mapping_of_variables_and_base_names() -> None:
    scope, _ = lazy(spec_layer(), Layer("--var", {"host": 1, "z": 2}), base={"host": {}, "q": 0})
    assert "a" in scope and "q" in scope and "z" in scope
    assert "zzz" not in scope
    assert list(scope) == ["host", "q", "a", "b", "c", "d", "e", "f", "n", "self", "z"]
    assert len(scope) == 11


def test_origins_name_the_layer_and_the_key_of_every_variable() -> None:
    low = spec_layer('[vars]\nport = 1\napp = "x"\n')
    scope, _ = lazy(low, Layer("--var", {"port": 2}))
    assert scope.origins() == {
        "port": Origin("--var", None),
        "app": Origin("spec vars", Span("s.toml", 3, 1, 3, 4)),
    }


def test_origins_of_a_layer_with_a_prefix() -> None:
    doc = load_text("[hosts.h]\nlocal = true\nvars = { v = 1 }\n", "s.toml")
    layer = Layer("host h", doc.data["hosts"]["h"]["vars"], doc, ("hosts", "h", "vars"))
    scope, _ = lazy(layer)
    assert scope.origins() == {"v": Origin("host h", Span("s.toml", 3, 10, 3, 11))}
    assert scope["v"] == 1


def test_resolve_all_reports_a_mistake_in_an_unused_variable() -> None:
    scope, ev = lazy(spec_layer())
    scope.resolve_all()
    assert [d.code for d in ev.c.diagnostics] == ["cycle", "undefined-name", "cycle"]
    assert scope.done == {"a": "B-x", "b": "B", "n": 5}


class Facts:
    """A fact source with every fact, recording each request."""

    def __init__(self) -> None:
        self.asked: list[set[FactKey]] = []

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        self.asked.append(set(requests["h"]))
        return {"h": {k: k[0].upper() for k in requests["h"]}}


def test_resolve_all_records_every_fact_the_variables_need_then_waits() -> None:
    cache = FactCache(Facts())
    layer = spec_layer('[vars]\nx = "${ facts.os }"\nplain = 1\ny = "${ facts.arch }"\n')
    scope, ev = lazy(layer, base={"facts": cache.namespace("h")})
    with pytest.raises(Pending) as p:
        scope.resolve_all()
    assert p.value.args == (("os", ()),)  # the first one met
    assert cache.wanted == {"h": {("os", ()), ("arch", ())}}
    assert scope.done == {"plain": 1}
    assert ev.c.diagnostics == []
    assert cache.fetch()
    scope2, _ = lazy(layer, base={"facts": cache.namespace("h")})
    scope2.resolve_all()
    assert scope2.done == {"x": "OS", "plain": 1, "y": "ARCH"}
