"""The built-in functions as a spec calls them: results, refusals with their exact
message, and the size bounds that keep a spec from building a huge value.

Every test builds the functions itself (``builtins()`` inside the test): a table built
at import is built before a mutation run picks its mutant, so it would never test one."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from specops.compiler import functions
from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.evaluate import Env, evaluate
from specops.compiler.expr import parse_expression
from specops.compiler.functions import MAX_FILE, MAX_RANGE, builtins
from specops.compiler.source import Span
from specops.compiler.values import MAX_ITEMS, MAX_TEXT, Function, Sensitive

HERE = Path(__file__).parent


def at(start: int, end: int) -> Span:
    return Span("t", 1, start + 1, 1, end + 1)


def call(
    text: str,
    scope: Mapping[str, Any] | None = None,
    *,
    base: Path = HERE,
    environ: Mapping[str, str] | None = None,
    on_secret: Callable[[str], None] | None = None,
) -> Any:
    functions = builtins(base, {} if environ is None else environ, on_secret)
    return evaluate(parse_expression(text, at), Env(scope or {}, at, functions))


def refused(text: str, scope: Mapping[str, Any] | None = None, **kw: Any) -> str:
    """The message of the one diagnostic a refused call gives (a bad-call on the call)."""
    with pytest.raises(SpecError) as e:
        call(text, scope, **kw)
    (d,) = e.value.diagnostics
    assert (d.code, d.span) == ("bad-call", at(0, len(text))), d
    return d.message


def same(got: Any, want: Any) -> None:
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


# -- the table --------------------------------------------------------------------------


def test_the_built_in_functions_by_name() -> None:
    fns = builtins(HERE, {})
    assert list(fns) == [
        "len", "lower", "upper", "join", "split", "replace", "default", "startswith",
        "endswith", "keys", "values", "range", "int", "str", "format", "sha256",
        "b64encode", "to_json", "env", "file",
    ]  # fmt: skip
    assert all(name == f.name for name, f in fns.items())
    assert [name for name, f in fns.items() if f.lazy] == ["default"]


def test_every_documented_example_gives_its_result() -> None:
    examples = [(e, r) for f in builtins(HERE, {}).values() for e, r in f.examples]
    assert len(examples) == 27
    for example, result in examples:
        assert call(example) == ast.literal_eval(result), example


def test_a_refusal_points_at_the_first_documented_example() -> None:
    with pytest.raises(SpecError) as e:
        call("range('a')")
    assert e.value.diagnostics == [
        Diagnostic("bad-call", "range(): takes integers", at(0, 10), "for example: range(3)")
    ]


# -- len, lower, upper --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("len('')", 0),
        ("len('é')", 1),
        ("len([1, [2, 3]])", 2),
        ("len({'a': 1})", 1),
        ("lower('ÀB')", "àb"),
        ("upper('àb')", "ÀB"),
    ],
)
def test_len_lower_upper(text: str, want: Any) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("len(1)", "len(): takes a string, list or map"),
        ("len(true)", "len(): takes a string, list or map"),
        ("len(null)", "len(): takes a string, list or map"),
        ("lower(1)", "lower(): lower takes a string first"),
        ("upper([])", "upper(): upper takes a string first"),
        ("lower('a', 1)", "lower(): lower takes strings"),
        ("upper('a', 'b')", "upper(): str.upper() takes no arguments (1 given)"),
    ],
)
def test_len_lower_upper_refusals(text: str, message: str) -> None:
    assert refused(text) == message


# -- join, split, replace -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("join([])", ""),
        ("join([], '-')", ""),
        ("join(['a', 'b'])", "ab"),
        ("join(['a'], '-')", "a"),
        ("join([true, false, null, 1, 2.5, 'x'], ',')", "true,false,,1,2.5,x"),
        ("split('a,b,,c', ',')", ["a", "b", "", "c"]),
        ("split(' a \\t b\\n')", ["a", "b"]),
        ("split('')", []),
        ("split('a::b', '::')", ["a", "b"]),
        ("replace('a-b', '', '.')", ".a.-.b."),
        ("replace('aaa', 'a', '')", ""),
        ("replace('abc', 'x', 'y')", "abc"),
    ],
)
def test_join_split_replace(text: str, want: Any) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("join('ab')", "join(): join takes a list first"),
        ("join(['a'], 1)", "join(): the separator must be a string"),
        ("join(['a'], null)", "join(): the separator must be a string"),
        ("split(1)", "split(): split takes a string first"),
        ("split('a', '')", "split(): the separator must be a non-empty string"),
        ("split('a', 1)", "split(): the separator must be a non-empty string"),
        ("replace('a', 'a', 1)", "replace(): replace takes strings"),
        ("replace(1, 'a', 'b')", "replace(): replace takes strings"),
        ("replace('a', null, 'b')", "replace(): replace takes strings"),
    ],
)
def test_join_split_replace_refusals(text: str, message: str) -> None:
    assert refused(text) == message


def too_large(size: int) -> str:
    return f"the result would be too large ({size} characters; at most {MAX_TEXT})"


def test_join_is_bounded_before_it_joins() -> None:
    half = "x" * (MAX_TEXT // 2)
    assert len(call("join([h, h])", {"h": half})) == MAX_TEXT
    assert refused("join([h, h], '-')", {"h": half}) == "join(): " + too_large(MAX_TEXT + 1)
    # one item has no separator, however long the separator is
    assert call("join(['a'], s)", {"s": "-" * MAX_TEXT}) == "a"
    assert call("join([], s)", {"s": "-" * MAX_TEXT}) == ""


def test_split_is_bounded_in_items() -> None:
    assert len(call("split(s, ',')", {"s": "," * (MAX_ITEMS - 1)})) == MAX_ITEMS
    assert refused("split(s, ',')", {"s": "," * MAX_ITEMS}) == (
        f"split(): the result would have more than {MAX_ITEMS} items"
    )


def test_replace_is_bounded_before_it_replaces() -> None:
    """The size is counted from the occurrences (every gap when ``old`` is empty)."""
    # 1000 'a' each made 1000 long: exactly the bound, then one character per 'a' over
    s = "a" * 1000
    assert len(call("replace(s, 'a', n)", {"s": s, "n": "b" * 1000})) == MAX_TEXT
    assert refused("replace(s, 'a', n)", {"s": s, "n": "b" * 1001}) == (
        "replace(): " + too_large(MAX_TEXT + 1000)
    )
    # '' matches at the 101 gaps of 100 characters: 100 + 101 * 9900 = MAX_TEXT
    s = "x" * 100
    assert len(call("replace(s, '', n)", {"s": s, "n": "y" * 9900})) == MAX_TEXT
    assert refused("replace(s, '', n)", {"s": s, "n": "y" * 9901}) == (
        "replace(): " + too_large(MAX_TEXT + 101)
    )
    # shrinking is never refused
    assert call("replace(s, 'xx', '')", {"s": "x" * MAX_TEXT}) == ""


# -- default ----------------------------------------------------------------------------


def _raising(*diagnostics: Diagnostic) -> Function:
    def fn() -> Any:
        raise SpecError(list(diagnostics))

    return Function("g", fn)


UNDEFINED = Diagnostic("undefined-name", 'name "x" is not defined', at(0, 1))
NO_KEY = Diagnostic("undefined-attribute", 'm has no key "x"', at(0, 1))
OTHER = Diagnostic("expr-value", "division by zero", at(0, 1))


@pytest.mark.parametrize(
    ("text", "scope", "want"),
    [
        ("default(missing, 'x')", {}, "x"),
        ("default(m.k, 1)", {"m": {}}, 1),
        ("default(m['k'], 1)", {"m": {}}, 1),
        ("default(m.k, 1)", {"m": {"k": 0}}, 0),
        ("default(null, 1)", {}, 1),
        ("default(false, 1)", {}, False),
        ("default('', 1)", {}, ""),
        ("default(2, undefined)", {}, 2),  # the fallback is only evaluated when needed
        ("default(g(), 1)", {"g": _raising(UNDEFINED, NO_KEY)}, 1),
        ("default(missing, s)", {"s": Sensitive("pw")}, Sensitive("pw")),
    ],
)
def test_default(text: str, scope: dict[str, Any], want: Any) -> None:
    same(call(text, scope), want)


@pytest.mark.parametrize(
    ("text", "scope", "raised"),
    [
        ("default(1 / 0, 1)", {}, [Diagnostic("expr-value", "division by zero", at(8, 13))]),
        ("default(g(), 1)", {"g": _raising(OTHER)}, [OTHER]),
        ("default(g(), 1)", {"g": _raising(UNDEFINED, OTHER)}, [UNDEFINED, OTHER]),
        ("default(g(), 1)", {"g": _raising(OTHER, NO_KEY)}, [OTHER, NO_KEY]),
        (
            "default(missing, nope)",
            {},
            [Diagnostic("undefined-name", 'name "nope" is not defined', at(17, 21), None)],
        ),
    ],
)
def test_default_only_catches_what_is_undefined(
    text: str, scope: dict[str, Any], raised: list[Diagnostic]
) -> None:
    with pytest.raises(SpecError) as e:
        call(text, scope)
    assert [(d.code, d.message, d.span) for d in e.value.diagnostics] == [
        (d.code, d.message, d.span) for d in raised
    ]


# -- keys, values, range ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("keys({})", []),
        ("keys({'b': 1, 'a': 2})", ["b", "a"]),
        ("values({'b': 1, 'a': [2]})", [1, [2]]),
        ("values({})", []),
        ("range(0)", []),
        ("range(-2)", []),
        ("range(3, 1)", []),
        ("range(-2, 1)", [-2, -1, 0]),
        ("range(2, 3)", [2]),
    ],
)
def test_keys_values_range(text: str, want: Any) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keys([1])", "keys(): keys takes a map"),
        ("values('a')", "values(): values takes a map"),
        ("range(true)", "range(): takes integers"),
        ("range(1, false)", "range(): takes integers"),
        ("range(1.5)", "range(): takes integers"),
        ("range(0, '3')", "range(): takes integers"),
        ("range(null, 3)", "range(): takes integers"),
    ],
)
def test_keys_values_range_refusals(text: str, message: str) -> None:
    assert refused(text) == message


def test_range_is_bounded() -> None:
    assert call(f"range({MAX_RANGE})") == list(range(MAX_RANGE))
    assert call(f"range(-5, {MAX_RANGE - 5})") == list(range(-5, MAX_RANGE - 5))
    for text in (f"range({MAX_RANGE + 1})", f"range(-1, {MAX_RANGE})"):
        assert refused(text) == f"range(): at most {MAX_RANGE} numbers", text


# -- int, str ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("int('42')", 42),
        ("int(' -7\\n')", -7),
        ("int('42\\x1f')", 42),  # a separator int() alone refuses, strip() takes
        ("int(3.9)", 3),
        ("int(-3.9)", -3),
        ("int(5)", 5),
        ("str(8080)", "8080"),
        ("str(1.5)", "1.5"),
        ("str(true)", "true"),
        ("str(false)", "false"),
        ("str(null)", ""),
        ("str('a')", "a"),
    ],
)
def test_int_and_str(text: str, want: Any) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("int(true)", "int(): takes a string or number"),
        ("int(null)", "int(): takes a string or number"),
        ("int([1])", "int(): takes a string or number"),
        ("int('4.2')", "int(): invalid literal for int() with base 10: '4.2'"),
        ("str([1])", "str(): takes a single value; use to_json() for lists and maps"),
        ("str({})", "str(): takes a single value; use to_json() for lists and maps"),
    ],
)
def test_int_and_str_refusals(text: str, message: str) -> None:
    assert refused(text) == message


# -- format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("format('plain')", "plain"),
        ("format('{}-{}', 'a', 1)", "a-1"),
        ("format('{1}{0}', 'a', 'b')", "ba"),
        ("format('{0}{0}', 'a')", "aa"),
        ("format('{0:}', 5)", "5"),
        ("format('{:>4}|{:<3}|', 7, 'a')", "   7|a  |"),
        ("format('{:.2f}', 3.14159)", "3.14"),
        ("format('{:05d}', 42)", "00042"),
        ("format('{{}}')", "{}"),
        ("format('{{{}}}', 1)", "{1}"),
        ("format('{}', true)", "True"),
        ("format('{}', null)", "None"),
    ],
)
def test_format(text: str, want: str) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format(1)", "format(): format takes a format string first"),
        ("format('{}')", "format(): no argument for field {}"),
        ("format('{}{}', 1)", "format(): no argument for field {}"),
        ("format('{2}', 1, 2)", "format(): no argument for field {2}"),
        ("format('{}', [1])", "format(): fields take single values"),
        ("format('{}', {'a': 1})", "format(): fields take single values"),
        ("format('{0.real}', 1)", "format(): fields are {} or {0}, with an optional :spec"),
        ("format('{a}', 1)", "format(): fields are {} or {0}, with an optional :spec"),
        ("format('{0[0]}', 'x')", "format(): fields are {} or {0}, with an optional :spec"),
        ("format('a{')", "format(): fields are {} or {0}, with an optional :spec"),
        ("format('a}')", "format(): fields are {} or {0}, with an optional :spec"),
        ("format('{:d}', 'x')", "format(): Unknown format code 'd' for object of type 'str'"),
    ],
)
def test_format_refusals(text: str, message: str) -> None:
    assert refused(text) == message


def test_format_widths_are_bounded_before_padding() -> None:
    """Widths and precisions are added up with the format's own length."""
    fmt = "{:>999990}"  # 10 characters: 999990 + 10 is the bound
    assert len(call(f"format('{fmt}', 1)")) == 999990
    assert refused("format('{:>999991}', 1)") == "format(): " + too_large(MAX_TEXT + 1)
    assert refused("format('{:1.999991}', 1.0)") == "format(): " + too_large(MAX_TEXT + 3)
    # two fields count together
    two = "{:500000}{:500000}"
    assert refused(f"format('{two}', 1, 2)") == "format(): " + too_large(MAX_TEXT + len(two))


# -- sha256, b64encode, to_json, startswith, endswith -------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("sha256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("b64encode('é')", "w6k="),
        ("b64encode('')", ""),
        ("to_json('é')", '"é"'),
        ("to_json(null)", "null"),
        (
            "to_json({'b': [1, 'x y'], 'a': {'d': false, 'c': 1.5}})",
            '{"a":{"c":1.5,"d":false},"b":[1,"x y"]}',
        ),
        ("startswith('web1', 'web')", True),
        ("startswith('web1', 'eb')", False),
        ("startswith('web', '')", True),
        ("endswith('a.conf', '.conf')", True),
        ("endswith('a.conf', 'a')", False),
    ],
)
def test_text_functions(text: str, want: Any) -> None:
    same(call(text), want)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sha256(1)", "sha256(): takes a string"),
        ("b64encode(null)", "b64encode(): takes a string"),
        ("startswith(1, 'a')", "startswith(): takes two strings"),
        ("startswith('a', 1)", "startswith(): takes two strings"),
        ("endswith(1, 'a')", "endswith(): takes two strings"),
        ("endswith('a', 1)", "endswith(): takes two strings"),
    ],
)
def test_text_function_refusals(text: str, message: str) -> None:
    assert refused(text) == message


def test_to_json_of_a_map_with_number_keys() -> None:
    """YAML maps may have number keys: they become JSON strings; mixed keys cannot be sorted."""
    assert call("to_json(x)", {"x": {1: 2}}) == '{"1":2}'
    assert refused("to_json(x)", {"x": {1: 2, "a": 3}}) == (
        "to_json(): '<' not supported between instances of 'str' and 'int'"
    )


# -- env ------------------------------------------------------------------------------


def test_env_hands_out_a_sensitive_value_and_reports_it() -> None:
    heard: list[str] = []
    got = call("env('TOKEN')", environ={"TOKEN": "s3cret"}, on_secret=heard.append)
    same(got, Sensitive("s3cret"))
    assert heard == ["s3cret"]
    got = call("env('TOKEN', 'dev')", environ={"TOKEN": "s3cret"}, on_secret=heard.append)
    same(got, Sensitive("s3cret"))
    assert heard == ["s3cret", "s3cret"]


def test_env_without_a_listener_still_hands_out_the_value() -> None:
    same(call("env('TOKEN')", environ={"TOKEN": ""}), Sensitive(""))


def test_env_falls_back_only_when_unset() -> None:
    heard: list[str] = []
    same(call("env('NOPE', 'dev')", environ={"TOKEN": "x"}, on_secret=heard.append), "dev")
    same(call("env('NOPE', '')", environ={}), "")
    assert heard == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("env('NOPE')", "env(): environment variable NOPE is not set"),
        ("env('NOPE', null)", "env(): environment variable NOPE is not set"),
        ("env(1)", "env(): takes a variable name"),
    ],
)
def test_env_refusals(text: str, message: str) -> None:
    assert refused(text, environ={"TOKEN": "x"}) == message


def test_env_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECOPS_TEST_VAR", "v")
    functions = builtins(HERE)
    got = evaluate(parse_expression("env('SPECOPS_TEST_VAR')", at), Env({}, at, functions))
    same(got, Sensitive("v"))


# -- file -------------------------------------------------------------------------------


def test_file_reads_text_relative_to_the_base(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("é\n", "utf-8")
    assert call("file('sub/a.txt')", base=tmp_path) == "é\n"
    assert call("file('a.txt')", base=tmp_path / "sub") == "é\n"


def test_file_up_to_one_mebibyte(tmp_path: Path) -> None:
    """The bound is on bytes; two-byte characters keep the text under MAX_TEXT characters."""
    (tmp_path / "max.txt").write_text("é" * (MAX_FILE // 2), "utf-8")
    (tmp_path / "big.txt").write_text("é" * (MAX_FILE // 2) + "x", "utf-8")
    assert call("file('max.txt')", base=tmp_path) == "é" * (MAX_FILE // 2)
    assert refused("file('big.txt')", base=tmp_path) == "file(): big.txt is larger than 1 MiB"


def test_file_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """A controller whose locale is ASCII (LC_ALL=C without UTF-8 mode) reads it the same."""
    (tmp_path / "a.txt").write_text("é", "utf-8")
    # read here too: a mutation run only runs the tests that call builtins() themselves
    assert call("file('a.txt')", base=tmp_path) == "é"
    code = (
        "import sys; from pathlib import Path; from specops.compiler.functions import builtins; "
        "print(ascii(builtins(Path(sys.argv[1]), {})['file'].fn('a.txt')))"
    )
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    root = Path(functions.__file__).parents[2]  # the checkout whose specops is under test
    r = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "'\\xe9'\n", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file('nope.txt')", "file(): nope.txt is not a file"),
        ("file('sub')", "file(): sub is not a file"),
        ("file(1)", "file(): takes a path"),
    ],
)
def test_file_refusals(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "sub").mkdir()
    assert refused(text, base=tmp_path) == message
