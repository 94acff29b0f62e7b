"""Evaluating expressions: names, keys, indexes, calls, operators and templates, with the
exact value or the exact located diagnostic a user sees, secrets kept, sizes bounded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.evaluate import Env, evaluate, render
from specops.compiler.expr import parse_expression, parse_template
from specops.compiler.functions import builtins
from specops.compiler.source import Span
from specops.compiler.values import (
    MAX_DIGITS,
    MAX_ITEMS,
    MAX_TEXT,
    Function,
    Namespace,
    Pending,
    Sensitive,
    kind,
    to_text,
)

BUILTINS = builtins(Path(__file__).parent, environ={})
COMPARE = 'compare explicitly, e.g. x != "" or len(items) > 0'


def at(start: int, end: int) -> Span:
    return Span("t", 1, start + 1, 1, end + 1)


def ev(
    text: str,
    scope: Mapping[str, Any] | None = None,
    functions: Mapping[str, Function] | None = None,
) -> Any:
    env = Env(scope or {}, at, BUILTINS if functions is None else functions)
    return evaluate(parse_expression(text, at), env)


def fails(
    text: str,
    scope: Mapping[str, Any] | None = None,
    functions: Mapping[str, Function] | None = None,
) -> Diagnostic:
    with pytest.raises(SpecError) as e:
        ev(text, scope, functions)
    (d,) = e.value.diagnostics
    return d


def tmpl(text: str, scope: Mapping[str, Any] | None = None) -> Any:
    return render(parse_template(text, at), Env(scope or {}, at, BUILTINS))


def same(got: Any, want: Any) -> None:
    """Equal, and of the same type (True is not 1, Sensitive(1) is not 1)."""
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


DB = {"host": "db1", "ports": [5432, 5433]}


# -- kind: a value's type in words ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "null"),
        (True, "a boolean"),
        (False, "a boolean"),
        (0, "an integer"),
        (2.5, "a number"),
        ("", "a string"),
        ([], "a list"),
        ({}, "a map"),
        (Function("f", len), "a function"),
        (Namespace("the facts", lambda n: n), "the facts"),
        (Sensitive(7), "an integer"),
        (Sensitive([Sensitive("x")]), "a list"),
        ((1, 2), "tuple"),
        (b"x", "bytes"),
    ],
)
def test_kind_names_the_type_never_the_value(value: Any, words: str) -> None:
    assert kind(value) == words


# -- names ----------------------------------------------------------------------------


def test_a_variable_shadows_a_function_of_the_same_name() -> None:
    same(ev("len", {"len": 5}), 5)
    assert ev("len", {}) is BUILTINS["len"]


def test_an_undefined_name_suggests_a_close_one() -> None:
    assert fails("nme + 1", {"name": 1}) == Diagnostic(
        "undefined-name", 'name "nme" is not defined', at(0, 3), 'did you mean "name"?'
    )


def test_an_undefined_name_lists_the_defined_ones_but_not_the_private_ones() -> None:
    assert fails("zzz", {"b": 1, "a": 2, "_x": 3}) == Diagnostic(
        "undefined-name", 'name "zzz" is not defined', at(0, 3), "defined names: a, b"
    )


def test_an_undefined_name_in_an_empty_scope_says_where_to_define_it() -> None:
    for scope in ({}, {"_private": 1}):
        assert fails("zzz", scope).hint == "define it under [vars]"


# -- attributes (keys of maps and namespaces) -------------------------------------------


def _facts(names: list[str]) -> Namespace:
    values = {"os": "debian"}

    def lookup(name: str) -> Any:
        return values[name]  # KeyError for anything else, as FactNamespace does

    return Namespace("the facts", lookup, lambda: names)


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("db.host", {"db": DB}, "db1"),
        ("f.os", {"f": _facts(["os"])}, "debian"),
        ("s.pw", {"s": Sensitive({"pw": "x"})}, Sensitive("x")),
        ("s.pw", {"s": {"pw": Sensitive("x")}}, Sensitive("x")),
    ],
)
def test_attributes(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


@pytest.mark.parametrize(
    ("text", "scope", "functions", "message", "start", "end", "hint"),
    [
        ("db.hots", {"db": DB}, None, 'db has no key "hots"', 3, 7, 'did you mean "host"?'),
        ("db.zzzz", {"db": DB}, None, 'db has no key "zzzz"', 3, 7, None),
        ("xs[0].zz", {"xs": [{"a": 1}]}, None, 'xs[…] has no key "zz"', 6, 8, None),
        (
            "f(1).zz",
            {},
            {"f": Function("f", lambda x: {"k": x})},
            'f(…) has no key "zz"',
            5,
            7,
            None,
        ),
        ("{'a': 1}.zz", {}, None, 'the value has no key "zz"', 9, 11, None),
        ("db.host.zz", {"db": DB}, None, 'db.host has no key "zz"', 8, 10, "db.host is a string"),
        ("port.zz", {"port": 80}, None, 'port has no key "zz"', 5, 7, "port is an integer"),
        ("[1].zz", {}, None, 'the value has no key "zz"', 4, 6, "the value is a list"),
        (
            "f.oss",
            {"f": _facts(["os", "arch"])},
            None,
            'f has no key "oss"',
            2,
            5,
            'did you mean "os"?',
        ),
        ("f.zzzzz", {"f": _facts(["os"])}, None, 'f has no key "zzzzz"', 2, 7, None),
        ("f.zzzzz", {"f": _facts([])}, None, 'f has no key "zzzzz"', 2, 7, "f is the facts"),
        ("s.zz", {"s": Sensitive({"pw": 1})}, None, 's has no key "zz"', 2, 4, None),
    ],
)
def test_a_missing_key_is_located_at_its_name(
    text: str,
    scope: dict[str, Any],
    functions: dict[str, Function] | None,
    message: str,
    start: int,
    end: int,
    hint: str | None,
) -> None:
    got = fails(text, scope, functions)
    assert got == Diagnostic("undefined-attribute", message, at(start, end), hint)


# -- indexes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("db['host']", {"db": DB}, "db1"),
        ("db[k]", {"db": DB, "k": Sensitive("host")}, Sensitive("db1")),
        ("db['host']", {"db": Sensitive(DB)}, Sensitive("db1")),
        ("xs[0]", {"xs": [1, 2, 3]}, 1),
        ("xs[2]", {"xs": [1, 2, 3]}, 3),
        ("xs[-3]", {"xs": [1, 2, 3]}, 1),
        ("xs[i]", {"xs": [1, 2, 3], "i": Sensitive(1)}, Sensitive(2)),
        ("xs[0]", {"xs": Sensitive([1, 2, 3])}, Sensitive(1)),
        ("'abc'[1]", {}, "b"),
        ("'abc'[-1]", {}, "c"),
    ],
)
def test_indexes(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        (
            "db['hots']",
            {"db": DB},
            Diagnostic(
                "undefined-attribute", 'db has no key "hots"', at(3, 9), 'did you mean "host"?'
            ),
        ),
        (
            "db[1]",
            {"db": DB},
            Diagnostic("undefined-attribute", 'db has no key "1"', at(3, 4), None),
        ),
        (
            "db[k]",
            {"db": DB, "k": Sensitive("zzzz")},
            Diagnostic("undefined-attribute", 'db has no key "(sensitive)"', at(3, 4), None),
        ),
        (
            "xs[3]",
            {"xs": [1, 2, 3]},
            Diagnostic("expr-value", "index 3 is out of range (3 items)", at(3, 4)),
        ),
        (
            "xs[-4]",
            {"xs": [1, 2, 3]},
            Diagnostic("expr-value", "index -4 is out of range (3 items)", at(3, 5)),
        ),
        (
            "xs[0]",
            {"xs": []},
            Diagnostic("expr-value", "index 0 is out of range (0 items)", at(3, 4)),
        ),
        (
            "xs['a']",
            {"xs": [1]},
            Diagnostic("expr-type", "a list is indexed by an integer, not a string", at(3, 6)),
        ),
        (
            "'ab'[true]",
            {},
            Diagnostic("expr-type", "a string is indexed by an integer, not a boolean", at(5, 9)),
        ),
        (
            "xs[1.0]",
            {"xs": [1, 2]},
            Diagnostic("expr-type", "a list is indexed by an integer, not a number", at(3, 6)),
        ),
        ("n[0]", {"n": 5}, Diagnostic("expr-type", "an integer cannot be indexed", at(0, 1))),
        ("n[0]", {"n": None}, Diagnostic("expr-type", "null cannot be indexed", at(0, 1))),
    ],
)
def test_index_errors(text: str, scope: dict[str, Any], want: Diagnostic) -> None:
    assert fails(text, scope) == want


# -- not, negation, if/else -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("not true", {}, False),
        ("not false", {}, True),
        ("not s", {"s": Sensitive(True)}, Sensitive(False)),
        ("-3", {}, -3),
        ("- 2.5", {}, -2.5),
        ("-s", {"s": Sensitive(3)}, Sensitive(-3)),
        ("1 if true else 2", {}, 1),
        ("1 if false else 2", {}, 2),
        ("1 if s else 2", {"s": Sensitive(False)}, 2),
        ("a if true else b", {"a": "A", "b": "B"}, "A"),
        ("a if false else b", {"a": "A", "b": "B"}, "B"),
    ],
)
def test_unary_and_conditional(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("-true", Diagnostic("expr-type", "cannot negate a boolean", at(0, 5))),
        ("-'a'", Diagnostic("expr-type", "cannot negate a string", at(0, 4))),
        ("-[1]", Diagnostic("expr-type", "cannot negate a list", at(0, 4))),
        (
            "not 1",
            Diagnostic("expr-type", "'not' needs true or false, not an integer", at(4, 5), COMPARE),
        ),
        (
            "1 if 0 else 2",
            Diagnostic("expr-type", "'if' needs true or false, not an integer", at(5, 6), COMPARE),
        ),
        (
            "1 if null else 2",
            Diagnostic("expr-type", "'if' needs true or false, not null", at(5, 9), COMPARE),
        ),
    ],
)
def test_unary_and_conditional_errors(text: str, want: Diagnostic) -> None:
    assert fails(text) == want


# -- and / or ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("true and true", {}, True),
        ("true and false", {}, False),
        ("false and true", {}, False),
        ("false or false", {}, False),
        ("false or true", {}, True),
        ("true or false", {}, True),
        # the right side is not evaluated once the left decides
        ("false and undefined", {}, False),
        ("true or undefined", {}, True),
        ("false and 1", {}, False),
        ("s or undefined", {"s": Sensitive(True)}, Sensitive(True)),
        ("s and undefined", {"s": Sensitive(False)}, Sensitive(False)),
        ("s and false", {"s": Sensitive(True)}, Sensitive(False)),
        ("true and s", {"s": Sensitive(True)}, Sensitive(True)),
        ("false or s", {"s": Sensitive(False)}, Sensitive(False)),
    ],
)
def test_and_or(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "1 and true",
            Diagnostic("expr-type", "'and' needs true or false, not an integer", at(0, 1), COMPARE),
        ),
        (
            "true and 1",
            Diagnostic(
                "expr-type", "'and' needs true or false, not an integer", at(9, 10), COMPARE
            ),
        ),
        (
            "'x' or true",
            Diagnostic("expr-type", "'or' needs true or false, not a string", at(0, 3), COMPARE),
        ),
        (
            "false or 'x'",
            Diagnostic("expr-type", "'or' needs true or false, not a string", at(9, 12), COMPARE),
        ),
    ],
)
def test_and_or_take_booleans_only(text: str, want: Diagnostic) -> None:
    assert fails(text) == want


# -- comparisons and membership -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("1 == 1.0", {}, True),
        ("1 == '1'", {}, False),
        ("1 != '1'", {}, True),
        ("[1] != [1]", {}, False),
        ("s == 'x'", {"s": Sensitive("x")}, Sensitive(True)),
        ("s != 'x'", {"s": Sensitive("x")}, Sensitive(False)),
        ("'a' in 'cat'", {}, True),
        ("'x' in 'cat'", {}, False),
        ("'x' not in 'cat'", {}, True),
        ("'a' not in 'cat'", {}, False),
        ("1 in [1, 2]", {}, True),
        ("3 not in [1, 2]", {}, True),
        ("'k' in {'k': 1}", {}, True),
        ("'j' in {'k': 1}", {}, False),
        ("'k' in s", {"s": Sensitive({"k": 1})}, Sensitive(True)),
        ("1 < 2.5", {}, True),
        ("2 < 2", {}, False),
        ("2 <= 2", {}, True),
        ("3 <= 2", {}, False),
        ("3 > 2", {}, True),
        ("2 > 2", {}, False),
        ("2 >= 2", {}, True),
        ("1 >= 2", {}, False),
        ("'a' < 'b'", {}, True),
        ("'b' < 'a'", {}, False),
        ("s > 1", {"s": Sensitive(2)}, Sensitive(True)),
    ],
)
def test_comparisons(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


@pytest.mark.parametrize(
    ("text", "message", "end"),
    [
        ("1 in 'abc'", "cannot look for an integer in a string", 10),
        ("'a' in 5", "cannot look for a string in an integer", 8),
        ("1 not in 5", "cannot look for an integer in an integer", 10),
        ("1 < 'a'", "cannot compare an integer and a string with <", 7),
        ("'a' >= 1", "cannot compare a string and an integer with >=", 8),
        ("true < 1", "cannot compare a boolean and an integer with <", 8),
        ("1 > false", "cannot compare an integer and a boolean with >", 9),
        ("[1] <= [2]", "cannot compare a list and a list with <=", 10),
    ],
)
def test_comparison_errors(text: str, message: str, end: int) -> None:
    assert fails(text) == Diagnostic("expr-type", message, at(0, end))


# -- arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("1 + 2", {}, 3),
        ("1 - 2", {}, -1),
        ("1 - 0", {}, 1),
        ("2 * 3", {}, 6),
        ("1 * 0", {}, 0),
        ("7 / 2", {}, 3.5),
        ("0 / 1", {}, 0.0),
        ("7 // 2", {}, 3),
        ("7 % 3", {}, 1),
        ("1.5 + 1", {}, 2.5),
        ("'a' + 'b'", {}, "ab"),
        ("[1] + [2]", {}, [1, 2]),
        ("'ab' * 2", {}, "abab"),
        ("2 * 'ab'", {}, "abab"),
        ("[1] * 2", {}, [1, 1]),
        ("2 * [1]", {}, [1, 1]),
        ("'ab' * 0", {}, ""),
        ("'ab' * -600000", {}, ""),
        ("s * 2", {"s": Sensitive("a")}, Sensitive("aa")),
        ("s + 1", {"s": Sensitive(1)}, Sensitive(2)),
        ("1 + s", {"s": Sensitive(1)}, Sensitive(2)),
    ],
)
def test_arithmetic(text: str, scope: dict[str, Any], want: Any) -> None:
    same(ev(text, scope), want)


PLUS_TEXT = 'use str(x) to put a number into text, or a template: "${a}${b}"'


@pytest.mark.parametrize(
    ("text", "message", "end", "hint"),
    [
        ("'a' + 1", "cannot use + on a string and an integer", 7, PLUS_TEXT),
        ("1 + 'a'", "cannot use + on an integer and a string", 7, PLUS_TEXT),
        ("[1] + 1", "cannot use + on a list and an integer", 7, None),
        ("'a' + [1]", "cannot use + on a string and a list", 9, PLUS_TEXT),
        ("[1] + 'a'", "cannot use + on a list and a string", 9, PLUS_TEXT),
        ("true + 1", "cannot use + on a boolean and an integer", 8, None),
        ("'a' - 'b'", "cannot use - on a string and a string", 9, None),
        ("[1] - [1]", "cannot use - on a list and a list", 9, None),
        ("'a' * 'b'", "cannot use * on a string and a string", 9, None),
        ("'ab' * true", "cannot use * on a string and a boolean", 11, None),
        ("true * 'ab'", "cannot use * on a boolean and a string", 11, None),
        ("'ab' * 2.0", "cannot use * on a string and a number", 10, None),
        ("[1] * [1]", "cannot use * on a list and a list", 9, None),
        ("'a' / 2", "cannot use / on a string and an integer", 7, None),
    ],
)
def test_arithmetic_type_errors(text: str, message: str, end: int, hint: str | None) -> None:
    assert fails(text) == Diagnostic("expr-type", message, at(0, end), hint)


@pytest.mark.parametrize("text", ["1 / 0", "1 // 0", "1 % 0", "1.5 / 0.0", "1 % 0.0"])
def test_division_by_zero(text: str) -> None:
    assert fails(text) == Diagnostic("expr-value", "division by zero", at(0, len(text)))


def test_repetition_is_bounded_before_it_is_built() -> None:
    """A string may reach MAX_TEXT characters, a list MAX_ITEMS items; one more is refused."""
    half = MAX_TEXT // 2
    assert len(ev(f"'ab' * {half}")) == MAX_TEXT
    assert len(ev(f"{half} * 'ab'")) == MAX_TEXT
    assert len(ev(f"'a' * {MAX_ITEMS + 1}")) == MAX_ITEMS + 1  # text is not bounded by items
    assert len(ev(f"[1] * {MAX_ITEMS}")) == MAX_ITEMS
    too_large = "the result would be too large"
    for text in (f"'ab' * {half + 1}", f"{half + 1} * 'ab'", f"[1] * {MAX_ITEMS + 1}"):
        assert fails(text) == Diagnostic("expr-value", too_large, at(0, len(text))), text


def test_repeating_a_huge_value_zero_times_is_empty() -> None:
    assert ev("s * 0", {"s": "x" * (MAX_TEXT + 1)}) == ""
    assert ev("xs * -1", {"xs": [0] * (MAX_ITEMS + 1)}) == []


def test_concatenation_is_bounded() -> None:
    big_text, big_list = "x" * MAX_TEXT, [0] * MAX_ITEMS
    assert len(ev("s + ''", {"s": big_text})) == MAX_TEXT
    assert len(ev("xs + []", {"xs": big_list})) == MAX_ITEMS
    assert len(ev("s + 'y'", {"s": "x" * MAX_ITEMS})) == MAX_ITEMS + 1
    too_large = Diagnostic("expr-value", "the result would be too large", at(0, 7))
    assert fails("s + 'y'", {"s": big_text}) == too_large
    assert fails("s + [1]", {"s": big_list}) == too_large


# -- calls ------------------------------------------------------------------------------


def _raise(exc: Exception) -> Callable[..., Any]:
    def fn(*args: Any) -> Any:
        raise exc

    return fn


def test_calls_of_functions_found_in_scope_or_in_functions() -> None:
    double = Function("double", lambda x: x * 2)
    same(ev("double(2)", {"double": double}, {}), 4)
    same(ev("double(2)", {}, {"double": double}), 4)
    same(ev("upper('ab')", {}), "AB")


def test_a_sensitive_argument_makes_the_result_sensitive() -> None:
    same(ev("upper(s)", {"s": Sensitive("ab")}), Sensitive("AB"))
    same(ev("join(['a', s], '-')", {"s": Sensitive("b")}), Sensitive("a-b"))


def test_lazy_functions_get_thunks() -> None:
    seen: list[Any] = []

    def first(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
        seen.append(callable(a) and callable(b))
        return a()

    f = Function("first", first, lazy=True)
    same(ev("first(1, undefined)", {}, {"first": f}), 1)
    assert seen == [True]


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        (
            "nope(1)",
            {},
            Diagnostic("unknown-function", 'no function named "nope"', at(0, 4)),
        ),
        (
            "lenn(1)",
            {},
            Diagnostic(
                "unknown-function", 'no function named "lenn"', at(0, 4), 'did you mean "len"?'
            ),
        ),
        (
            "port(1)",
            {"port": 80},
            Diagnostic("not-a-function", '"port" is not a function', at(0, 4)),
        ),
        (
            "db.host(1)",
            {"db": DB},
            Diagnostic("not-a-function", '"db.host" is not a function', at(0, 7)),
        ),
        (
            "db.zz(1)",
            {"db": DB},
            Diagnostic("undefined-attribute", 'db has no key "zz"', at(3, 5)),
        ),
    ],
)
def test_what_cannot_be_called(text: str, scope: dict[str, Any], want: Diagnostic) -> None:
    assert fails(text, scope) == want


@pytest.mark.parametrize(
    ("text", "scope", "message", "hint"),
    [
        (
            "int('x')",
            {},
            "int(): invalid literal for int() with base 10: 'x'",
            "for example: int('42')",
        ),
        (
            "int(s)",
            {"s": Sensitive("x")},
            "int(): ValueError (its message is hidden: an argument is sensitive)",
            "for example: int('42')",
        ),
        (
            "int(1.0e400)",
            {},
            "int(): cannot convert float infinity to integer",
            "for example: int('42')",
        ),
        ("len(1)", {}, "len(): takes a string, list or map", "for example: len([1, 2, 3])"),
    ],
)
def test_a_builtin_refusing_its_arguments_is_a_bad_call(
    text: str, scope: dict[str, Any], message: str, hint: str
) -> None:
    assert fails(text, scope) == Diagnostic("bad-call", message, at(0, len(text)), hint)


USAGE = "for example: f(1)"


@pytest.mark.parametrize(
    ("exc", "secret", "message", "hint"),
    [
        (TypeError(), False, "f(): TypeError", USAGE),
        (KeyError("k"), False, "f(): 'k'", USAGE),
        (OverflowError("too big"), False, "f(): too big", USAGE),
        (
            ValueError("v"),
            True,
            "f(): ValueError (its message is hidden: an argument is sensitive)",
            USAGE,
        ),
        (RuntimeError("disk on fire"), False, "f(): it raised RuntimeError: disk on fire", None),
        (RuntimeError(), False, "f(): it raised RuntimeError", None),
        (
            RuntimeError("s3cret"),
            True,
            "f(): it raised RuntimeError: "
            "RuntimeError (its message is hidden: an argument is sensitive)",
            None,
        ),
    ],
)
def test_a_user_function_that_raises_is_located(
    exc: Exception, secret: bool, message: str, hint: str | None
) -> None:
    """Refused arguments get the usage hint; anything else names its type, never a traceback."""
    f = Function("f", _raise(exc), examples=(("f(1)", "2"),))
    scope = {"x": Sensitive(1) if secret else 1}
    assert fails("f(x)", scope, {"f": f}) == Diagnostic("bad-call", message, at(0, 4), hint)


def test_a_lazy_function_that_refuses_says_why() -> None:
    """Its arguments are not evaluated before the call, so none is known to be sensitive."""
    f = Function("f", _raise(ValueError("no")), lazy=True)
    assert fails("f(s)", {"s": Sensitive(1)}, {"f": f}) == Diagnostic(
        "bad-call", "f(): no", at(0, 4), None
    )


def test_a_function_without_examples_has_no_usage_hint() -> None:
    f = Function("f", _raise(ValueError("no")))
    assert fails("f()", {}, {"f": f}) == Diagnostic("bad-call", "f(): no", at(0, 3), None)


def test_spec_errors_and_pending_facts_pass_through_a_call() -> None:
    pending = Pending("os")
    f = Function("f", _raise(pending))
    with pytest.raises(Pending) as e:
        ev("f()", {}, {"f": f})
    assert e.value is pending
    inner = Diagnostic("expr-value", "inner", at(0, 1))
    g = Function("g", _raise(SpecError([inner])))
    assert fails("g()", {}, {"g": g}) == inner


@pytest.mark.parametrize(
    ("made", "detail"),
    [
        ("x" * (MAX_TEXT + 1), f"a string of {MAX_TEXT + 1} characters (at most {MAX_TEXT})"),
        ([0] * (MAX_ITEMS + 1), f"a collection of {MAX_ITEMS + 1} items (at most {MAX_ITEMS})"),
        (
            dict.fromkeys(range(MAX_ITEMS + 1)),
            f"a collection of {MAX_ITEMS + 1} items (at most {MAX_ITEMS})",
        ),
        ([["x" * (MAX_TEXT + 1)]], f"a string of {MAX_TEXT + 1} characters (at most {MAX_TEXT})"),
        (
            {"k": ["x" * (MAX_TEXT + 1)]},
            f"a string of {MAX_TEXT + 1} characters (at most {MAX_TEXT})",
        ),
        (
            Sensitive("x" * (MAX_TEXT + 1)),
            f"a string of {MAX_TEXT + 1} characters (at most {MAX_TEXT})",
        ),
    ],
)
def test_a_function_result_is_bounded(made: Any, detail: str) -> None:
    f = Function("big", lambda: made)
    assert fails("big()", {}, {"big": f}) == Diagnostic(
        "expr-value", f"big() made {detail}", at(0, 5)
    )


def test_a_function_result_at_the_bounds_is_kept() -> None:
    for made in ("x" * MAX_TEXT, [0] * MAX_ITEMS, ["a", ["x" * MAX_TEXT], {"k": 1}], 5, None):
        f = Function("f", lambda made=made: made)
        assert ev("f()", {}, {"f": f}) == made


# -- templates --------------------------------------------------------------------------


def test_to_text() -> None:
    assert [to_text(v) for v in (True, False, None, 0, 1.5, "x", "")] == [
        "true", "false", "", "0", "1.5", "x", "",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("${n}", {"n": 5}, 5),
        ("${t}", {"t": True}, True),
        ("${xs}", {"xs": [1]}, [1]),
        ("${s}", {"s": Sensitive(1)}, Sensitive(1)),
        ("a${n}b${m}c", {"n": 1, "m": 2}, "a1b2c"),
        ("${t}/${f}/${z}", {"t": True, "f": False, "z": None}, "true/false/"),
        ("${n}${m}", {"n": 1, "m": 2}, "12"),
        ("x=${s}", {"s": Sensitive("pw")}, Sensitive("x=pw")),
        ("${s}${n}", {"s": Sensitive("pw"), "n": 1}, Sensitive("pw1")),
        ("${n}${s}", {"s": Sensitive("pw"), "n": 1}, Sensitive("1pw")),
        ("plain", {}, "plain"),
    ],
)
def test_templates(text: str, scope: dict[str, Any], want: Any) -> None:
    same(tmpl(text, scope), want)


@pytest.mark.parametrize(
    ("value", "words"), [({"a": 1}, "a map"), ([1], "a list"), (Sensitive([1]), "a list")]
)
def test_a_collection_cannot_be_part_of_a_string(value: Any, words: str) -> None:
    with pytest.raises(SpecError) as e:
        tmpl("x=${ v }", {"v": value})
    assert e.value.diagnostics == [
        Diagnostic(
            "expr-type",
            f"{words} cannot be part of a string",
            at(5, 6),
            'use to_json(x) or join(x, ", ") to put it in text',
        )
    ]


def test_a_template_string_is_bounded() -> None:
    s = "x" * (MAX_TEXT - 1)
    assert len(tmpl("${s}!", {"s": s})) == MAX_TEXT
    with pytest.raises(SpecError) as e:
        tmpl("${s}!!", {"s": s})
    assert e.value.diagnostics == [
        Diagnostic("expr-value", "the string would be too large", at(0, 1))
    ]


# -- facts not known yet: one round asks for all of them ------------------------------------


class Recorder:
    """A namespace of facts none of which is known yet: it records what was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def lookup(self, name: str) -> Any:
        self.asked.append(name)
        raise Pending(name)

    def scope(self) -> dict[str, Any]:
        return {"f": Namespace("the facts", self.lookup), "n": 1}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("f.a", {"a"}),
        ("[f.a, f.b]", {"a", "b"}),
        ("{'x': f.a, 'y': f.b}", {"a", "b"}),
        ("f.a + f.b", {"a", "b"}),
        ("f.a == f.b", {"a", "b"}),
        ("f.a and f.b", {"a", "b"}),
        ("f.a if f.b else f.c", {"a", "b", "c"}),
        ("len(f.a, f.b)", {"a", "b"}),
        ("-f.a", {"a"}),
        ("not f.a", {"a"}),
        ("f.a.b", {"a"}),
        ("f.a[f.b]", {"a", "b"}),
        ("n[f.b]", {"b"}),
        ("[f.a, undefined, 1 / 0, f.b]", {"a", "b"}),  # errors wait for the facts
    ],
)
def test_every_pending_fact_is_asked_in_one_round(text: str, asked: set[str]) -> None:
    r = Recorder()
    with pytest.raises(Pending):
        ev(text, r.scope())
    assert set(r.asked) == asked


def test_the_first_pending_fact_is_the_one_raised() -> None:
    r = Recorder()
    with pytest.raises(Pending) as e:
        ev("[1, f.a, f.b, f.c]", r.scope())
    assert e.value.args == ("a",)


def test_a_template_asks_for_the_facts_of_every_hole() -> None:
    r = Recorder()
    with pytest.raises(Pending) as e:
        render(parse_template("${f.a}-${n}-${f.b}", at), Env(r.scope(), at, BUILTINS))
    assert e.value.args == ("a",)
    assert r.asked == ["a", "b"]


def test_integers_stay_printable() -> None:
    """Python cannot turn an integer of more than 4300 digits into text: that was a traceback
    when a template or the IR printed it."""
    nines = "9" * MAX_DIGITS
    assert ev(f"{nines} + 0") == 10**MAX_DIGITS - 1
    assert ev(f"-{nines} - 0") == -(10**MAX_DIGITS - 1)
    for text in (f"{nines} + 1", f"-{nines} - 1", f"{nines} * {nines}"):
        assert fails(text) == Diagnostic(
            "expr-value", "the result would have more than 4300 digits", at(0, len(text))
        )
    assert ev("x // 10", {"x": 10**MAX_DIGITS}) == 10 ** (MAX_DIGITS - 1)


def test_a_function_cannot_return_an_unprintable_integer() -> None:
    ok, big = (
        Function("ok", lambda: -(10**MAX_DIGITS - 1)),
        Function("big", lambda: [10**MAX_DIGITS]),
    )
    assert ev("ok()", {}, {"ok": ok}) == -(10**MAX_DIGITS - 1)
    assert fails("big()", {}, {"big": big}) == Diagnostic(
        "expr-value", "big() made an integer of more than 4300 digits", at(0, 5)
    )
    neg = Function("neg", lambda: -(10**MAX_DIGITS))
    assert fails("neg()", {}, {"neg": neg}).message == (
        "neg() made an integer of more than 4300 digits"
    )
