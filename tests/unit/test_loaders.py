"""The loaders: exact spans for keys and values, located syntax errors, and the YAML guards."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.load import load, load_text
from specops.compiler.load_toml import load_toml
from specops.compiler.load_yaml import load_yaml
from specops.compiler.source import Document, Span
from specops.compiler.source import Path as DocPath
from specops.compiler.yaml_diagnostics import MAX_DEPTH

GOT_WANT = "GOT {got!r}\nWANT {want!r}"


def text_at(text: str, span: Span) -> str:
    """The source text a span covers (lines split on newlines only, as both formats count)."""
    lines = text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.col - 1 : span.end_col - 1]
    middle = lines[span.line : span.end_line - 1]
    return "\n".join(
        [
            lines[span.line - 1][span.col - 1 :],
            *middle,
            lines[span.end_line - 1][: span.end_col - 1],
        ]
    )


def where(span: Span) -> str:
    return f"{span.line}:{span.col}-{span.end_line}:{span.end_col}"


def errors(load_fn: Any, text: str, file: str = "t") -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        load_fn(text, file)
    return info.value.diagnostics


# -- TOML positions -----------------------------------------------------------------

TOML = "\n".join(
    [
        "# spec",  # 1
        'title = "Spec"   # trailing comment',
        "\"quoted key\" = 'lit'",
        "a.b.c = 1",
        '"x.y".z = true',  # 5
        "when = 1979-05-27 07:32:00Z",
        "day = 1979-05-27 # a date",
        'multi = """',
        r'line "one" \"""',
        'two""""',  # 10
        r"lit = '''C:\path ''''",
        "arr = [",
        "  1, # one",
        "  [2, 3],",
        '  { k = "v", n = { m = 4 } },',  # 15
        "]",
        "",
        "[ops.app_dir]",
        'mode = "0755"',
        "",  # 20
        "[[hosts]]",
        'name = "a"',
        "[hosts.vars]",
        "x = 1",
        "[[hosts]]",  # 25
        "name = 'b'",
        "",
    ]
)

# path, value span, value text (None: do not check the text)
TOML_VALUES: list[tuple[DocPath, str, str | None]] = [
    (("title",), "2:9-2:15", '"Spec"'),
    (("quoted key",), "3:16-3:21", "'lit'"),
    (("a", "b", "c"), "4:9-4:10", "1"),
    (("x.y", "z"), "5:11-5:15", "true"),
    (("when",), "6:8-6:28", "1979-05-27 07:32:00Z"),
    (("day",), "7:7-7:17", "1979-05-27"),
    (("multi",), "8:9-10:8", '"""\nline "one" \\"""\ntwo""""'),
    (("lit",), "11:7-11:22", r"'''C:\path ''''"),
    (("arr",), "12:7-16:2", None),
    (("arr", 0), "13:3-13:4", "1"),
    (("arr", 1), "14:3-14:9", "[2, 3]"),
    (("arr", 1, 1), "14:7-14:8", "3"),
    (("arr", 2), "15:3-15:29", '{ k = "v", n = { m = 4 } }'),
    (("arr", 2, "k"), "15:9-15:12", '"v"'),
    (("arr", 2, "n"), "15:18-15:27", "{ m = 4 }"),
    (("arr", 2, "n", "m"), "15:24-15:25", "4"),
    (("ops",), "18:1-18:14", "[ops.app_dir]"),
    (("ops", "app_dir"), "18:1-18:14", "[ops.app_dir]"),
    (("ops", "app_dir", "mode"), "19:8-19:14", '"0755"'),
    (("hosts",), "21:1-21:10", "[[hosts]]"),
    (("hosts", 0), "21:1-21:10", "[[hosts]]"),
    (("hosts", 0, "name"), "22:8-22:11", '"a"'),
    (("hosts", 0, "vars"), "23:1-23:13", "[hosts.vars]"),
    (("hosts", 0, "vars", "x"), "24:5-24:6", "1"),
    (("hosts", 1), "25:1-25:10", "[[hosts]]"),
    (("hosts", 1, "name"), "26:8-26:11", "'b'"),
    ((), "1:1-1:2", None),
]

TOML_KEYS: list[tuple[DocPath, str, str]] = [
    (("title",), "2:1-2:6", "title"),
    (("quoted key",), "3:1-3:13", '"quoted key"'),
    (("a",), "4:1-4:2", "a"),
    (("a", "b"), "4:3-4:4", "b"),
    (("a", "b", "c"), "4:5-4:6", "c"),
    (("x.y",), "5:1-5:6", '"x.y"'),
    (("x.y", "z"), "5:7-5:8", "z"),
    (("arr", 2, "n", "m"), "15:20-15:21", "m"),
    (("ops",), "18:2-18:5", "ops"),
    (("ops", "app_dir"), "18:6-18:13", "app_dir"),
    (("hosts",), "21:3-21:8", "hosts"),
    (("hosts", 0, "vars"), "23:8-23:12", "vars"),
    (("hosts", 1, "name"), "26:1-26:5", "name"),
]


@pytest.fixture(scope="module")
def toml_doc() -> Document:
    return load_toml(TOML, "site.toml")


def test_toml_data_is_what_tomli_reads(toml_doc: Document) -> None:
    assert toml_doc.data == tomli.loads(TOML)
    assert toml_doc.format == "toml" and toml_doc.file == "site.toml" and toml_doc.text == TOML


@pytest.mark.parametrize(("path", "span", "text"), TOML_VALUES, ids=str)
def test_toml_value_spans(toml_doc: Document, path: DocPath, span: str, text: str | None) -> None:
    got = toml_doc.spans[path]
    assert where(got) == span, GOT_WANT.format(got=where(got), want=span)
    assert got.file == "site.toml"
    if text is not None:
        assert text_at(TOML, got) == text


@pytest.mark.parametrize(("path", "span", "text"), TOML_KEYS, ids=str)
def test_toml_key_spans(toml_doc: Document, path: DocPath, span: str, text: str) -> None:
    got = toml_doc.key_spans[path]
    assert (where(got), text_at(TOML, got)) == (span, text)


def test_toml_crlf_keeps_columns() -> None:
    doc = load_toml('a = 1\r\n[t]\r\nb = "x"\r\n', "t.toml")
    assert where(doc.spans[("t", "b")]) == "3:5-3:8"


def test_toml_columns_count_characters_not_bytes() -> None:
    doc = load_toml('"é—ü" = "ß"\nk = 1\n', "t.toml")
    assert where(doc.spans[("é—ü",)]) == "1:9-1:12"
    assert where(doc.key_spans[("é—ü",)]) == "1:1-1:6"


def test_toml_escaped_quoted_keys_match_data() -> None:
    doc = load_toml('"a\\u0041\\"" = 1\n[ "t\\tx" . \'lit.k\' ]\nv = 2\n', "t.toml")
    assert doc.data == {'aA"': 1, "t\tx": {"lit.k": {"v": 2}}}
    assert where(doc.key_spans[("t\tx", "lit.k")]) == "2:12-2:19"
    assert where(doc.spans[("t\tx", "lit.k", "v")]) == "3:5-3:6"


def test_toml_deep_inline_nesting_is_located_without_recursion() -> None:
    depth = 300
    doc = load_toml("a = " + "[" * depth + "1" + "]" * depth + "\n", "t.toml")
    leaf: DocPath = ("a", *([0] * depth))
    assert where(doc.spans[leaf]) == f"1:{5 + depth}-1:{6 + depth}"


def test_toml_too_deep_is_a_diagnostic() -> None:
    (d,) = errors(load_toml, "a = " + "[" * 2000 + "]" * 2000)
    assert d.code == "toml-syntax"


# -- TOML syntax errors --------------------------------------------------------------

# source, line:col, detail contains, hint contains, note at (line:col or None)
TOML_ERRORS: list[tuple[str, str, str, str, str | None]] = [
    ("a = b", "1:5", "invalid value", 'strings need quotes: key = "value"', None),
    ("a = True", "1:5", "invalid value", "true or false", None),
    ("a = 1\na = 2", "2:1", '"a" is defined twice', "only once", "1:1"),
    ("[t]\nx = 1\n[t]", "3:2", "table [t] is declared twice", "only once", "1:2"),
    ("t = {a = 1, a = 2}", "1:13", '"a" is defined twice', "only once", "1:6"),
    ("a = 1\na.b = 2", "2:1", '"a.b" would overwrite an earlier value', "", "1:1"),
    ("t = {x = 1}\nt.y = 2", "2:1", '"t.y" adds to an inline table', "complete", "1:1"),
    ("a: 1", "1:2", "expected '='", 'TOML uses "="', None),
    ('a = "x', "1:7", "unterminated string", "close the string", None),
    ("x = [1,\n 2", "2:3", "unclosed array", "']'", None),
    ("a = 1 b", "1:7", "expected newline", "own line", None),
    ("a = 1\n\n[t\n", "3:3", "expected ']'", "[name]", None),
    ("a = \n", "1:5", "invalid value", "missing", None),
]


@pytest.mark.parametrize(("src", "at", "detail", "hint", "note"), TOML_ERRORS)
def test_toml_syntax_errors(src: str, at: str, detail: str, hint: str, note: str | None) -> None:
    (d,) = errors(load_toml, src, "bad.toml")
    assert d.code == "toml-syntax"
    assert d.span is not None and f"{d.span.line}:{d.span.col}" == at, GOT_WANT.format(
        got=d.span, want=at
    )
    assert detail in d.message and "(at " not in d.message, d.message
    assert hint in (d.hint or ""), d.hint
    notes = [f"{s.line}:{s.col}" for _, s in d.notes]
    assert notes == ([note] if note else []), notes


# -- YAML positions ------------------------------------------------------------------

YAML = "\n".join(
    [
        "# spec",  # 1
        "title: Spec  # trailing",
        '\'quoted key\': "q\\"x"',
        "flags: [NO, yes, on]",
        "mode: 0755",  # 5
        "octal: 0o755",
        "ops:",
        "  app_dir:",
        "    mode: '0755'",
        "    tags:",  # 10
        "      - a",
        "      - {k: v}",
        "script: |",
        "  echo one",
        "  echo two",  # 15
        "",
        "base: &base {x: 1, y: [1, 2]}",
        "copy: *base",
        "empty:",
        "multi: 'one",  # 20
        "  two'",
        "",
    ]
)

YAML_VALUES: list[tuple[DocPath, str, str | None]] = [
    (("title",), "2:8-2:12", "Spec"),
    (("quoted key",), "3:15-3:21", '"q\\"x"'),
    (("flags",), "4:8-4:21", "[NO, yes, on]"),
    (("flags", 0), "4:9-4:11", "NO"),
    (("flags", 2), "4:18-4:20", "on"),
    (("mode",), "5:7-5:11", "0755"),
    (("ops",), "8:3-12:15", None),
    (("ops", "app_dir"), "9:5-12:15", None),
    (("ops", "app_dir", "mode"), "9:11-9:17", "'0755'"),
    (("ops", "app_dir", "tags"), "11:7-12:15", None),
    (("ops", "app_dir", "tags", 0), "11:9-11:10", "a"),
    (("ops", "app_dir", "tags", 1), "12:9-12:15", "{k: v}"),
    (("ops", "app_dir", "tags", 1, "k"), "12:13-12:14", "v"),
    (("script",), "13:9-15:11", "|\n  echo one\n  echo two"),
    (("base",), "17:7-17:30", "&base {x: 1, y: [1, 2]}"),
    (("base", "y", 1), "17:27-17:28", "2"),
    (("copy",), "17:7-17:30", "&base {x: 1, y: [1, 2]}"),  # an alias points at its anchor
    (("copy", "y", 1), "17:27-17:28", "2"),
    (("empty",), "19:7-19:8", None),
    (("multi",), "20:8-21:7", "'one\n  two'"),
    ((), "1:1-1:2", None),
]

YAML_KEYS: list[tuple[DocPath, str, str]] = [
    (("title",), "2:1-2:6", "title"),
    (("quoted key",), "3:1-3:13", "'quoted key'"),
    (("ops", "app_dir"), "8:3-8:10", "app_dir"),
    (("ops", "app_dir", "tags", 1, "k"), "12:10-12:11", "k"),
    (("copy",), "18:1-18:5", "copy"),
    (("copy", "x"), "17:14-17:15", "x"),
    (("empty",), "19:1-19:6", "empty"),
]


@pytest.fixture(scope="module")
def yaml_doc() -> Document:
    return load_yaml(YAML, "site.yaml")


def test_yaml_data_is_plain_yaml_1_2(yaml_doc: Document) -> None:
    assert yaml_doc.data == {
        "title": "Spec",
        "quoted key": 'q"x',
        "flags": ["NO", "yes", "on"],
        "mode": 755,
        "octal": 493,
        "ops": {"app_dir": {"mode": "0755", "tags": ["a", {"k": "v"}]}},
        "script": "echo one\necho two\n",
        "base": {"x": 1, "y": [1, 2]},
        "copy": {"x": 1, "y": [1, 2]},
        "empty": None,
        "multi": "one two",
    }
    assert_plain(yaml_doc.data)
    assert yaml_doc.data["copy"] is not yaml_doc.data["base"]  # aliases are copied


def assert_plain(value: Any) -> None:
    """Only plain built-in types, all the way down."""
    if isinstance(value, dict):
        assert type(value) is dict
        for k, v in value.items():
            assert type(k) is str
            assert_plain(v)
    elif isinstance(value, list):
        assert type(value) is list
        for v in value:
            assert_plain(v)
    else:
        plain = (str, int, float, bool, type(None), dt.date, dt.datetime)
        assert type(value) in plain, type(value)


@pytest.mark.parametrize(("path", "span", "text"), YAML_VALUES, ids=str)
def test_yaml_value_spans(yaml_doc: Document, path: DocPath, span: str, text: str | None) -> None:
    got = yaml_doc.spans[path]
    assert where(got) == span, GOT_WANT.format(got=where(got), want=span)
    if text is not None:
        assert text_at(YAML, got) == text


@pytest.mark.parametrize(("path", "span", "text"), YAML_KEYS, ids=str)
def test_yaml_key_spans(yaml_doc: Document, path: DocPath, span: str, text: str) -> None:
    got = yaml_doc.key_spans[path]
    assert (where(got), text_at(YAML, got)) == (span, text)


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("a: NO\nb: yes\nc: on\nd: off\ne: y\n", {"a": "NO", "b": "yes", "c": "on", "d": "off"}),
        ("a: 0755\nb: 0o14\nc: 0x1F\nd: 1_000\n", {"a": 755, "b": 12, "c": 31, "d": 1000}),
        ("a: 1.5\nb: .inf\nc: true\nd: ~\ne:\n", {"a": 1.5, "b": math.inf, "c": True, "d": None}),
        ("a: !!str 5\nb: !!float 1\nc: &t true\nd: *t\n", {"a": "5", "b": 1.0, "c": True}),
        ("a: 2020-01-02\n", {"a": dt.date(2020, 1, 2)}),
        ("a: 2001-12-14 21:59:43\n", {"a": dt.datetime(2001, 12, 14, 21, 59, 43)}),
        ("", {}),
        ("# only a comment\n", {}),
        ("---\n...\n", {}),
        ("%YAML 1.2\n---\na: NO\n", {"a": "NO"}),
        ("w:\n  <<: {x: 1}\n  y: 2\n", {"w": {"y": 2, "x": 1}}),
    ],
)
def test_yaml_typing(src: str, want: dict[str, Any]) -> None:
    data = load_yaml(src, "t.yaml").data
    assert {k: data[k] for k in want} == want
    assert_plain(data)


# -- YAML errors and guards ----------------------------------------------------------

# source, code, line:col, message contains, hint contains, note at
YAML_ERRORS: list[tuple[str, str, str, str, str, str | None]] = [
    ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", "3:1", 'duplicate key "a"', "once", "1:1"),
    ("{a: 1, 'a': 2}", "yaml-duplicate-key", "1:8", 'duplicate key "a"', "once", "1:2"),
    ("a: b: c\n", "yaml-syntax", "1:5", "mapping values are not allowed", "quote", None),
    ("a: 1\n  b: 2\n", "yaml-syntax", "2:4", "mapping values are not allowed", "indent", None),
    ("a: [1, 2\n", "yaml-syntax", "1:9", "expected ',' or ']'", "commas", "1:4"),
    ("a: 'x\n", "yaml-syntax", "1:6", "unexpected end of stream", "close the quote", "1:4"),
    ("\ta: 1\n", "yaml-syntax", "1:1", "'\\t'", "spaces", None),
    ("a: *x\n", "yaml-syntax", "1:4", "undefined alias", "anchor", None),
    ("a: \x07\n", "yaml-syntax", "1:4", "#x0007", "control character", None),
    (
        "a: -_\n",
        "yaml-syntax",
        "1:4",
        "looks like a number",
        'quote it to keep it as text: "-_"',
        None,
    ),
    ("a: !foo bar\n", "yaml-unsupported", "1:4", "tag !foo", "!!str", None),
    ("a: !!binary aGk=\n", "yaml-unsupported", "1:4", "tag !!binary", "!!str", None),
    ("a: !!int abc\n", "yaml-unsupported", "1:4", '"abc" is not a valid !!int', "without", None),
    ("a: &x [*x]\n", "yaml-unsupported", "1:8", "alias *x", "", None),
    ("a: 1\n---\nb: 2\n", "yaml-unsupported", "2:1", "second", "---", None),
    ("%YAML 1.1\n---\na: NO\n", "yaml-unsupported", "2:1", "YAML 1.1", "%YAML", None),
    ("1: a\n", "yaml-unsupported", "1:1", "keys must be strings", "quote", None),
    ("? [a]\n: b\n", "yaml-unsupported", "1:3", "keys must be strings", "", None),
    ("- 1\n", "wrong-shape", "1:1", "must be a mapping, not a list", "", None),
    ("42\n", "wrong-shape", "1:1", "must be a mapping, not a single value", "", None),
]


@pytest.mark.parametrize(("src", "code", "at", "message", "hint", "note"), YAML_ERRORS)
def test_yaml_errors(
    src: str, code: str, at: str, message: str, hint: str, note: str | None
) -> None:
    (d,) = errors(load_yaml, src, "bad.yaml")
    got = (d.code, f"{d.span.line}:{d.span.col}" if d.span else None)
    assert got == (code, at), GOT_WANT.format(got=got, want=(code, at))
    assert message in d.message, d.message
    assert hint in (d.hint or ""), d.hint
    assert [f"{s.line}:{s.col}" for _, s in d.notes] == ([note] if note else [])


def test_yaml_collects_several_problems() -> None:
    ds = errors(load_yaml, "a: !foo 1\nb: !bar 2\n1: x\n")
    assert [(d.code, d.span.line if d.span else 0) for d in ds] == [
        ("yaml-unsupported", 1),
        ("yaml-unsupported", 2),
    ]


def billion_laughs(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused() -> None:
    (d,) = errors(load_yaml, billion_laughs(9))
    assert d.code == "yaml-unsupported" and "aliases" in d.message


def test_yaml_modest_alias_use_is_fine() -> None:
    doc = load_yaml(billion_laughs(3), "t.yaml")
    assert doc.data["a2"] == [[["lol"] * 9] * 9] * 9


@pytest.mark.parametrize(
    "src",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        "a: " + "{b: " * 5000 + "1" + "}" * 5000,
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 5)),
    ],
    ids=["flow-seq", "flow-map", "block"],
)
def test_yaml_deep_nesting_is_refused(src: str) -> None:
    (d,) = errors(load_yaml, src)
    assert d.code == "yaml-unsupported" and "levels deep" in d.message


def test_yaml_nesting_just_under_the_limit_loads() -> None:
    depth = MAX_DEPTH - 1
    doc = load_yaml("a: " + "[" * depth + "]" * depth, "t.yaml")
    assert doc.spans[("a", *([0] * (depth - 1)))].col == depth + 3


def test_yaml_deep_nesting_through_aliases_is_refused() -> None:
    half = MAX_DEPTH // 2 + 5
    src = "a: &d " + "[" * half + "]" * half + "\nb: " + "[" * half + "*d" + "]" * half + "\n"
    (d,) = errors(load_yaml, src)
    assert d.code == "yaml-unsupported" and "levels deep" in d.message


# -- load() and load_text() ------------------------------------------------------------


def test_load_dispatches_on_extension(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text("a = 1\n", encoding="utf-8")
    (tmp_path / "s.yml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "s.YAML").write_text("\ufeffa: 1\n", encoding="utf-8")
    for name, fmt in [("s.toml", "toml"), ("s.yml", "yaml"), ("s.YAML", "yaml")]:
        given_path = str(tmp_path / name)
        doc = load(given_path)
        assert (doc.format, doc.data, doc.file) == (fmt, {"a": 1}, given_path)
        assert doc.spans[("a",)].col == 4 + (fmt == "toml")
    assert load(tmp_path / "s.toml").file == str(tmp_path / "s.toml")


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load(tmp_path / "missing.toml")
    (d,) = info.value.diagnostics
    assert (d.code, d.span) == ("file-not-found", None) and "missing.toml" in d.message

    with pytest.raises(SpecError) as info:
        load(tmp_path / "spec.json")
    assert info.value.diagnostics[0].code == "unknown-format"

    (tmp_path / "latin.toml").write_bytes(b'a = 1\nb = "caf\xe9"\n')
    with pytest.raises(SpecError) as info:
        load(tmp_path / "latin.toml")
    (d,) = info.value.diagnostics
    assert d.code == "file-encoding" and d.span is not None
    assert (d.span.line, d.span.col) == (2, 9) and "0xe9" in d.message


def test_load_text() -> None:
    assert load_text("a = 1", "x.toml").data == {"a": 1}
    assert load_text("a: 1", "dir.d/x.yaml").format == "yaml"
    with pytest.raises(SpecError) as info:
        load_text("a = 1", "x.ini")
    assert info.value.diagnostics[0].code == "unknown-format"


# -- properties ----------------------------------------------------------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")
keys = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True),
    st.text(min_size=0, max_size=6),
)
strings = st.text(max_size=12)
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    strings,
    st.dates(),
    st.datetimes(),
)
values = st.recursive(
    scalars | st.lists(scalars, max_size=3),
    lambda inner: (
        st.dictionaries(keys, inner, max_size=4)
        | st.lists(st.dictionaries(keys, inner, max_size=3), min_size=1, max_size=3)
    ),
    max_leaves=20,
)
documents = st.dictionaries(keys, values, max_size=6)


def escape(s: str, *, multiline: bool = False) -> str:
    out = []
    for i, ch in enumerate(s):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n" and multiline and i > 0:
            out.append("\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def render_key(k: str) -> str:
    return k if BARE.fullmatch(k) else f'"{escape(k)}"'


class Renderer:
    """Writes a dict as TOML in one of several styles, remembering every literal it wrote."""

    def __init__(self, style: str, pick: Any) -> None:
        self.style = style
        self.pick = pick  # draws a choice, so string and array styles vary too
        self.literals: dict[DocPath, str] = {}

    def literal(self, v: Any, path: DocPath) -> str:
        if isinstance(v, dict):
            parts = [f"{render_key(k)} = {self.literal(x, (*path, k))}" for k, x in v.items()]
            return "{" + ", ".join(parts) + "}"
        if isinstance(v, list):
            items = [self.literal(x, (*path, i)) for i, x in enumerate(v)]
            if self.pick(["flat", "tall"]) == "tall":
                return "[\n" + "".join(f"  {x}, # item\n" for x in items) + "]"
            return "[" + ", ".join(items) + "]"
        if isinstance(v, bool):
            text = "true" if v else "false"
        elif isinstance(v, int | float):
            text = repr(v)  # Python writes floats as TOML does: 1e+16, -inf
        elif isinstance(v, dt.datetime):
            text = v.isoformat(sep=self.pick(["T", " "]))
        elif isinstance(v, dt.date):
            text = v.isoformat()
        else:
            text = self.string(v)
        self.literals[path] = text
        return text

    def string(self, s: str) -> str:
        plain = all(ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F) for ch in s)
        kinds = ["basic", "multi"]
        if plain and "'" not in s:
            kinds.append("literal")
        multi_ok = all(c in "\n\t" or (c >= " " and c != "\x7f") for c in s)
        if multi_ok and "'" not in s and not s.startswith("\n"):
            kinds.append("multi-literal")
        kind = self.pick(kinds)
        if kind == "literal":
            return f"'{s}'"
        if kind == "multi-literal":
            return f"'''{s}'''"
        if kind == "multi":
            return f'"""{escape(s, multiline=True)}"""'
        return f'"{escape(s)}"'

    def document(self, data: dict[str, Any]) -> str:
        if self.style == "inline":
            return "".join(f"{render_key(k)} = {self.literal(v, (k,))}\n" for k, v in data.items())
        if self.style == "dotted":
            return "".join(self.dotted(data, ()))
        return "".join(self.tables(data, ()))

    def dotted(self, table: dict[str, Any], path: DocPath) -> list[str]:
        lines = []
        for k, v in table.items():
            if isinstance(v, dict) and v:
                lines += self.dotted(v, (*path, k))
            else:
                key = ".".join(render_key(str(p)) for p in (*path, k))
                lines.append(f"{key} = {self.literal(v, (*path, k))}\n")
        return lines

    def tables(self, table: dict[str, Any], path: DocPath, header: str = "") -> list[str]:
        lines = [header] if header else []
        nested: list[tuple[str, Any, bool]] = []
        for k, v in table.items():
            if isinstance(v, dict):
                nested.append((k, v, False))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                nested.append((k, v, True))
            else:
                lines.append(f"{render_key(k)} = {self.literal(v, (*path, k))}\n")
        names = [render_key(str(p)) for p in path if isinstance(p, str)]
        for k, v, is_array in nested:
            dotted = ".".join([*names, render_key(k)])
            if is_array:
                for i, item in enumerate(v):
                    lines += self.tables(item, (*path, k, i), f"\n[[{dotted}]]\n")
            else:
                lines += self.tables(v, (*path, k), f"\n[{dotted}]\n")
        return lines


def all_paths(value: Any, path: DocPath = ()) -> list[DocPath]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += all_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += all_paths(v, (*path, i))
    return out


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(["tables", "inline", "dotted"]), st.data())
def test_toml_every_path_has_an_exact_span(data: dict[str, Any], style: str, draw: Any) -> None:
    renderer = Renderer(style, lambda options: draw.draw(st.sampled_from(options)))
    text = renderer.document(data)
    doc = load_toml(text, "gen.toml")
    assert doc.data == data, text
    for path in all_paths(data):
        assert path in doc.spans, (path, text)
        if path and isinstance(path[-1], str):
            assert text_at(text, doc.key_spans[path]) == render_key(path[-1]), (path, text)
    for path, literal in renderer.literals.items():
        assert text_at(text, doc.spans[path]) == literal, (path, text)


SPECIAL = st.sampled_from(
    [*"ab=[]{}\"'#.,:- \n\t&*!|>?%1\\_", "'''", '"""', "[[", "]]", "<<: ", "!!str ", "&a ", "*a"]
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(SPECIAL, max_size=40).map("".join)))
def test_any_text_loads_or_raises_spec_error(text: str) -> None:
    for loader in (load_toml, load_yaml):
        try:
            doc = loader(text, "any")
        except SpecError as e:
            assert e.diagnostics and str(e)
        else:
            assert_plain(doc.data)
            for span in [*doc.spans.values(), *doc.key_spans.values()]:
                assert min(span.line, span.col) >= 1, span
                assert (span.line, span.col) <= (span.end_line, span.end_col), span


def test_a_huge_spec_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from specops.compiler.load import MAX_SPEC_BYTES, load

    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(MAX_SPEC_BYTES + 1)  # sparse: no real disk or memory used
    with pytest.raises(SpecError) as e:
        load(big)
    assert (
        e.value.diagnostics[0].code == "file-not-found"
        and "bytes" in e.value.diagnostics[0].message
    )
