"""load_yaml: exact spans of a block document, of "key:" alone and of block scalars, and
every refusal (tags, versions, keys, duplicates, numbers and dates ruamel cannot build,
nesting and alias bombs) with its place, text and hint.

Each test loads its own text (no shared fixture), so every test runs the converter."""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from collections.abc import Iterator

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.load_yaml import load_yaml
from specops.compiler.source import Span
from specops.compiler.yaml_diagnostics import _quoted

F = "f.yaml"
TAG_HINT = (
    "spec files use plain YAML values; the tags allowed are !!str, !!int, !!float, "
    "!!bool, !!null, !!map and !!seq"
)
ONCE = "each key can appear only once in a mapping"
DEEP = "the document nests more than 100 levels deep"


def at(line: int, col: int, end_col: int) -> Span:
    return Span(F, line, col, line, end_col)


def errors(text: str) -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        load_yaml(text, F)
    return info.value.diagnostics


def error(text: str) -> Diagnostic:
    (d,) = errors(text)
    return d


def unsupported(detail: str, span: Span | None, hint: str | None = None) -> Diagnostic:
    return Diagnostic("yaml-unsupported", detail, span, hint)


def syntax(
    detail: str,
    span: Span | None,
    hint: str | None = None,
    notes: tuple[tuple[str, Span], ...] = (),
) -> Diagnostic:
    return Diagnostic("yaml-syntax", f"invalid YAML: {detail}", span, hint, notes)


# -- spans ---------------------------------------------------------------------------------

DOC = "\n".join(
    [
        "title: Spec  # c",  # 1
        "ops:",
        "  app:",
        "    mode: '0755'",
        "    tags:",  # 5
        "      - a",
        "      - {k: v}",
        "      -",
        "script: |",
        "  echo one",  # 10
        "",
        "after: 1",
        "empty:",
        "flow: [1, [2, 3]]",
        "",
    ]
)


def test_every_value_of_a_block_document_is_located() -> None:
    doc = load_yaml(DOC, F)
    assert (doc.file, doc.text, doc.format) == (F, DOC, "yaml")
    assert doc.data == {
        "title": "Spec",
        "ops": {"app": {"mode": "0755", "tags": ["a", {"k": "v"}, None]}},
        "script": "echo one\n",
        "after": 1,
        "empty": None,
        "flow": [1, [2, 3]],
    }
    assert doc.spans == {
        (): at(1, 1, 2),
        ("title",): at(1, 8, 12),
        ("ops",): Span(F, 3, 3, 7, 15),  # a block mapping: from its first key to its last end
        ("ops", "app"): Span(F, 4, 5, 7, 15),
        ("ops", "app", "mode"): at(4, 11, 17),
        ("ops", "app", "tags"): Span(F, 6, 7, 7, 15),  # the empty last item has no end
        ("ops", "app", "tags", 0): at(6, 9, 10),
        ("ops", "app", "tags", 1): at(7, 9, 15),
        ("ops", "app", "tags", 1, "k"): at(7, 13, 14),
        ("ops", "app", "tags", 2): at(8, 8, 9),
        ("script",): Span(F, 9, 9, 10, 11),  # without the blank line after it
        ("after",): at(12, 8, 9),
        ("empty",): at(13, 7, 8),  # just after the colon
        ("flow",): at(14, 7, 18),
        ("flow", 0): at(14, 8, 9),
        ("flow", 1): at(14, 11, 17),
        ("flow", 1, 0): at(14, 12, 13),
        ("flow", 1, 1): at(14, 15, 16),
    }


def test_every_key_of_a_block_document_is_located() -> None:
    assert load_yaml(DOC, F).key_spans == {
        ("title",): at(1, 1, 6),
        ("ops",): at(2, 1, 4),
        ("ops", "app"): at(3, 3, 6),
        ("ops", "app", "mode"): at(4, 5, 9),
        ("ops", "app", "tags"): at(5, 5, 9),
        ("ops", "app", "tags", 1, "k"): at(7, 10, 11),
        ("script",): at(9, 1, 7),
        ("after",): at(12, 1, 6),
        ("empty",): at(13, 1, 6),
        ("flow",): at(14, 1, 5),
    }


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("a:\n", at(1, 3, 4)),
        ("a :\n", at(1, 4, 5)),
        ("a:    # c\n", at(1, 3, 4)),
        ("a:  # see: below\n", at(1, 3, 4)),
        ("'a:b':\n", at(1, 7, 8)),
        ("? a\n:\n", at(1, 4, 5)),  # the colon is on the next line: just after the key
    ],
)
def test_a_key_without_a_value_points_just_after_its_colon(text: str, span: Span) -> None:
    (value,) = load_yaml(text, F).data.values()
    assert value is None
    (path,) = load_yaml(text, F).data
    assert load_yaml(text, F).spans[(path,)] == span


def test_a_block_scalar_ends_at_its_last_text() -> None:
    doc = load_yaml("a: >-\n  x\n  yz\n\n\nb: 1\n", F)
    assert doc.data == {"a": "x yz", "b": 1}
    assert doc.spans[("a",)] == Span(F, 1, 4, 3, 5)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("a: |\n  x\n  yz\nb: 1\n", Span(F, 1, 4, 3, 5)),
        ("long_key: |\n  x\n", Span(F, 1, 11, 2, 4)),
    ],
    ids=["next-key-right-after", "value-column-past-the-end-line"],
)
def test_a_block_scalar_is_trimmed_to_its_last_line(text: str, span: Span) -> None:
    doc = load_yaml(text, F)
    (path, *_) = doc.data
    assert doc.spans[(path,)] == span


def test_a_block_sequence_ends_where_its_last_located_item_ends() -> None:
    doc = load_yaml("k:\n  - a\n  - [b]\n  -\n", F)
    assert doc.spans[("k",)] == Span(F, 2, 3, 3, 8)


def test_an_empty_flow_collection_ends_at_its_bracket() -> None:
    doc = load_yaml("a: []\nb: {}\n", F)
    assert (doc.spans[("a",)], doc.spans[("b",)]) == (at(1, 4, 6), at(2, 4, 6))


def test_an_alias_is_located_at_its_anchor() -> None:
    doc = load_yaml("x: &a\n  - 1\ny: *a\n", F)
    assert doc.data == {"x": [1], "y": [1]}
    assert (doc.spans[("y",)], doc.spans[("y", 0)]) == (Span(F, 1, 4, 2, 6), at(2, 5, 6))
    assert doc.key_spans[("y",)] == at(3, 1, 2)


def test_merged_keys_have_data_but_no_span_of_their_own() -> None:
    doc = load_yaml("w:\n  <<: {x: 1}\n  y: 2\n", F)
    assert doc.data == {"w": {"y": 2, "x": 1}}
    assert ("w", "x") not in doc.spans and ("w", "x") not in doc.key_spans
    assert doc.span(("w", "x")) == Span(F, 2, 3, 3, 7)


def test_an_explicit_null_is_located_at_its_text() -> None:
    doc = load_yaml("a: ~\nb: null\nc:\n", F)
    assert doc.data == {"a": None, "b": None, "c": None}
    assert [doc.spans[(k,)] for k in "abc"] == [at(1, 4, 5), at(2, 4, 8), at(3, 3, 4)]


def test_a_list_of_empty_items_is_as_long_as_its_first_dash() -> None:
    doc = load_yaml("x:\n  a:\n    -\n    -\n", F)
    assert doc.data == {"x": {"a": [None, None]}}
    assert doc.spans == {
        (): at(1, 1, 2),
        ("x",): Span(F, 2, 3, 3, 6),
        ("x", "a"): at(3, 5, 6),
        ("x", "a", 0): at(3, 6, 7),
        ("x", "a", 1): at(4, 6, 7),
    }


def test_values_are_plain_python_types() -> None:
    text = (
        "a: &t true\nb: *t\nc: &i 7\nd: 0x1F\ne: 0o17\nf: &f 1.5\ng: 1e3\n"
        "h: 2001-12-14t21:59:43.10-05:00\ni: 2020-01-02\nj: !!str x\nk: &s text\n"
        "l: 2001-12-14 21:59:43\nm: |\n  block\n"
    )
    data = load_yaml(text, F).data
    minus5 = dt.timezone(dt.timedelta(hours=-5))
    assert data == {
        "a": True,
        "b": True,
        "c": 7,
        "d": 31,
        "e": 15,
        "f": 1.5,
        "g": 1000.0,
        "h": dt.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=minus5),
        "i": dt.date(2020, 1, 2),
        "j": "x",
        "k": "text",
        "l": dt.datetime(2001, 12, 14, 21, 59, 43),
        "m": "block\n",
    }
    assert {k: type(v) for k, v in data.items()} == {
        **dict.fromkeys("ab", bool),
        **dict.fromkeys("cde", int),
        **dict.fromkeys("fg", float),
        **dict.fromkeys("hl", dt.datetime),
        "i": dt.date,
        **dict.fromkeys("jkm", str),
    }
    assert data["h"].utcoffset() == dt.timedelta(hours=-5)


# -- the top level -------------------------------------------------------------------------


def test_the_top_level_must_be_a_mapping() -> None:
    shape = "the top level of a spec file must be a mapping, not "
    assert error("  - 1\n") == Diagnostic("wrong-shape", shape + "a list", at(1, 3, 4))
    assert error("\n42\n") == Diagnostic("wrong-shape", shape + "a single value", at(1, 1, 2))


def test_an_empty_document_is_an_empty_mapping() -> None:
    doc = load_yaml("# nothing\n", F)
    assert (doc.data, doc.spans, doc.key_spans) == ({}, {(): at(1, 1, 2)}, {})


# -- tags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "a: !!seq {}\n",
            unsupported("the tag !!seq is not supported here", at(1, 4, 5), TAG_HINT),
        ),
        (
            "a: !!map [1]\n",
            unsupported("the tag !!map is not supported here", at(1, 4, 5), TAG_HINT),
        ),
        (
            "a: !!bool 1\n",
            unsupported('"1" is not a valid !!bool', at(1, 4, 5), "write the value without !!bool"),
        ),
        (
            "a: !!int 1.5\n",
            unsupported('"1.5" is not a valid !!int', at(1, 4, 5), "write the value without !!int"),
        ),
        (
            "a: !!null x\n",
            unsupported('"x" is not a valid !!null', at(1, 4, 5), "write the value without !!null"),
        ),
        (
            "a: !!set {}\n",
            unsupported("the tag !!set is not supported here", at(1, 4, 5), TAG_HINT),
        ),
        (
            "a: !!timestamp 2020-01-01\n",
            unsupported("the tag !!timestamp is not supported", at(1, 4, 5), TAG_HINT),
        ),
    ],
)
def test_tags_that_are_refused(text: str, want: Diagnostic) -> None:
    assert error(text) == want


def test_tags_that_agree_with_the_value() -> None:
    text = (
        "a: !!map {k: 1}\nb: !!seq [1]\nc: !!float 1\nd: !!bool true\ne: !!null ~\n"
        "f: !!str 1\ng: ! 2\n"
    )
    assert load_yaml(text, F).data == {
        "a": {"k": 1},
        "b": [1],
        "c": 1.0,
        "d": True,
        "e": None,
        "f": "1",
        "g": 2,  # ruamel reads the non-specific tag "!" as no tag
    }


# -- documents and versions ----------------------------------------------------------------


def test_a_yaml_version_ruamel_does_not_know_is_refused_at_its_directive() -> None:
    assert error("a: 1\n...\n%YAML 1.3\n---\nb: 2\n") == unsupported(
        "YAML 1.3 is not supported; spec files are YAML 1.2", at(3, 1, 2), "remove the %YAML line"
    )
    assert error("%YAML   1.0\n---\na: 1\n") == unsupported(
        "YAML 1.0 is not supported; spec files are YAML 1.2", at(1, 1, 2), "remove the %YAML line"
    )


def test_every_refused_version_is_reported() -> None:
    """1.1 is read (and refused) before ruamel stops at 1.3; 1.2 is skipped when looking for it."""
    assert errors("%YAML 1.1\n---\na: 1\n...\n%YAML 1.3\n---\nb: 2\n") == [
        unsupported(
            "YAML 1.1 is not supported; spec files are YAML 1.2",
            at(2, 1, 2),
            "remove the %YAML line",
        ),
        unsupported(
            "YAML 1.3 is not supported; spec files are YAML 1.2",
            at(5, 1, 2),
            "remove the %YAML line",
        ),
    ]
    assert errors("%YAML 1.2\n---\na: 1\n...\n%YAML 1.3\n---\nb: 2\n") == [
        unsupported(
            "YAML 1.3 is not supported; spec files are YAML 1.2",
            at(5, 1, 2),
            "remove the %YAML line",
        ),
    ]


def test_problems_of_the_first_document_are_kept_when_a_second_starts() -> None:
    assert errors("a: !foo 1\n---\nb: 2\n") == [
        unsupported("the tag !foo is not supported", at(1, 4, 5), TAG_HINT),
        unsupported(
            "a spec file holds one YAML document, and this starts a second",
            at(2, 1, 2),
            "remove the '---' line, or move the second document to its own file",
        ),
    ]


def test_a_second_document() -> None:
    assert error("a: 1\n---\nb: 2\n") == unsupported(
        "a spec file holds one YAML document, and this starts a second",
        at(2, 1, 2),
        "remove the '---' line, or move the second document to its own file",
    )


# -- syntax errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "a: [1, 2\n",
            syntax(
                "expected ',' or ']', but got '<stream end>'",
                at(1, 9, 10),
                "separate items with commas and close the list with ']'",
                (("while parsing a flow sequence", at(1, 4, 5)),),
            ),
        ),
        (
            "a: b: c\n",
            syntax(
                "mapping values are not allowed here",
                at(1, 5, 6),
                'quote a value containing ": ", or check indentation',
            ),
        ),
        (
            "a: 'x\n",
            syntax(
                "found unexpected end of stream",
                at(1, 6, 7),
                "close the quote",
                (("while scanning a quoted scalar", at(1, 4, 5)),),
            ),
        ),
        (
            "<<: 1\n",
            syntax(
                "expected a mapping or list of mappings for merging, but found scalar",
                at(1, 5, 6),
                None,
                (("while constructing a mapping", at(1, 1, 2)),),
            ),
        ),
    ],
)
def test_syntax_errors_with_their_context(text: str, want: Diagnostic) -> None:
    assert error(text) == want


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("a: \x07\n", at(1, 4, 5)),
        ("\na: \x07\n", at(2, 4, 5)),
        ("a: 1\nb: 2\nc: 3\nd: x\x07\n", at(4, 5, 6)),
        ("a: 1\r\nb: \x07\n", at(2, 4, 5)),
    ],
)
def test_a_control_character_is_located(text: str, span: Span) -> None:
    assert error(text) == syntax(
        "the character #x0007 is not allowed",
        span,
        "remove the control character, or write it as an escape",
    )


# -- keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "got", "span", "hint"),
    [
        ("1.5: x\n", "a number", at(1, 1, 4), 'quote it: "1": value'),
        ("true: x\n", "a boolean", at(1, 1, 5), 'quote it: "1": value'),
        ("~: x\n", "null", at(1, 1, 2), 'quote it: "1": value'),
        ("2020-01-01: x\n", "a date", at(1, 1, 11), 'quote it: "1": value'),
        ("[a]: x\n", "a list", at(1, 1, 2), None),
        ("{a: 1}: x\n", "a mapping", at(1, 1, 2), None),
    ],
)
def test_keys_must_be_strings(text: str, got: str, span: Span, hint: str | None) -> None:
    assert error(text) == unsupported(
        f"mapping keys must be strings, and this one is {got}", span, hint
    )


def test_every_key_that_is_not_a_string_is_reported() -> None:
    number = unsupported(
        "mapping keys must be strings, and this one is a number",
        at(1, 1, 2),
        'quote it: "1": value',
    )
    assert errors("1: a\n2: b\n") == [number, unsupported(number.message, at(2, 1, 2), number.hint)]


def test_a_key_repeated_with_a_tag_is_a_duplicate() -> None:
    assert error("a: 1\n!!str a: 2\n") == Diagnostic(
        "yaml-duplicate-key", 'duplicate key "a"', Span(F, 2, 1, 2, 8)
    )
    assert errors("a: 1\n!!str a: 2\n3: x\n") == [
        Diagnostic("yaml-duplicate-key", 'duplicate key "a"', Span(F, 2, 1, 2, 8)),
        unsupported(
            "mapping keys must be strings, and this one is a number",
            at(3, 1, 2),
            'quote it: "1": value',
        ),
    ]


@pytest.mark.parametrize(
    ("text", "key", "span", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", "a", at(3, 1, 2), at(1, 1, 2)),
        ("a: 1\nb: 2\nb: 3\n", "b", at(3, 1, 2), at(2, 1, 2)),
        ("a: b\nb: 1\nb: 2\n", "b", at(3, 1, 2), at(2, 1, 2)),
        ("x:\n  key: &v 1\n  key: 2\n", "key", at(3, 3, 6), at(2, 3, 6)),
        ("{'a b': 1, \"a b\": 2}", "a b", at(1, 12, 17), at(1, 2, 7)),
        ("'': 1\n'': 2\n", "", at(2, 1, 3), at(1, 1, 3)),
    ],
)
def test_a_duplicate_key_is_located_with_its_first_twin(
    text: str, key: str, span: Span, first: Span
) -> None:
    assert error(text) == Diagnostic(
        "yaml-duplicate-key", f'duplicate key "{key}"', span, ONCE, (("first defined here", first),)
    )


def test_an_alias_inside_its_own_anchor() -> None:
    assert error("a: &x [1, *x]\n") == unsupported(
        "the alias *x refers to a collection that contains it", at(1, 11, 12)
    )


def test_a_duplicate_null_key_is_pointed_at_where_it_would_be() -> None:
    """An empty key has no text: both places are points."""
    assert error("? \n: 1\n? \n: 2\n") == Diagnostic(
        "yaml-duplicate-key",
        'duplicate key "None"',
        at(3, 2, 3),
        ONCE,
        (("first defined here", at(1, 2, 3)),),
    )


def test_a_duplicate_list_key_is_named_as_ruamel_names_it() -> None:
    assert error("? [a]\n: 1\n? [a]\n: 2\n") == Diagnostic(
        "yaml-duplicate-key", "duplicate key \"('a',)\"", at(3, 3, 4), ONCE
    )


def test_the_key_of_ruamel_s_duplicate_message() -> None:
    assert _quoted('found duplicate key "a b" with value "2" (original value: "1")') == "a b"
    assert _quoted("something else") is None


# -- values ruamel cannot build ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "span", "kind"),
    [
        ("a: -_\n", "-_", at(1, 4, 6), "a number"),
        ('a: "-_"\nb: [1, 0x_]\n', "0x_", at(2, 8, 11), "a number"),
        ("a: 2020-02-30\n", "2020-02-30", at(1, 4, 14), "a date"),
        ("a: 1\nb: 2001-12-14 25:00:00\n", "2001-12-14 25:00:00", at(2, 4, 23), "a date"),
    ],
)
def test_a_value_that_looks_like_a_number_or_date_but_is_not(
    text: str, value: str, span: Span, kind: str
) -> None:
    assert error(text) == syntax(
        f'"{value}" looks like {kind} but is not one',
        span,
        f'quote it to keep it as text: "{value}"',
    )


def test_a_tagged_value_ruamel_cannot_build_is_reported_without_a_place() -> None:
    assert error("a: !!int 0x_\n") == syntax(
        "a value cannot be read (IndexError: string index out of range)", None
    )


# -- nesting and aliases -------------------------------------------------------------------


def test_nesting_deeper_than_100_is_refused_where_it_gets_too_deep() -> None:
    assert error("a: " + "[" * 101 + "]" * 101) == unsupported(DEEP, at(1, 103, 104))
    assert error("".join("  " * i + "k:\n" for i in range(105))) == unsupported(
        DEEP, at(101, 201, 202)
    )


@pytest.fixture
def shallow_stack() -> Iterator[None]:
    """A caller with little stack left: ruamel's recursive composer runs out of it."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


@pytest.mark.usefixtures("shallow_stack")
def test_running_out_of_stack_is_reported_as_nesting_at_the_deepest_point() -> None:
    assert error("a: " + "[" * 99 + "]" * 99) == unsupported(DEEP, at(1, 102, 103))
    twice = "a: " + "[" * 99 + "]" * 99 + "\nb: " + "[" * 99 + "]" * 99
    assert error(twice) == unsupported(DEEP, at(1, 102, 103))  # the first one that deep


def test_nesting_through_an_alias_is_counted_at_the_anchor() -> None:
    text = "a: &d " + "[" * 55 + "]" * 55 + "\nb: " + "[" * 55 + "*d" + "]" * 55 + "\n"
    assert error(text) == unsupported(DEEP, at(1, 52, 53))


def test_too_deep_at_a_merged_key_is_reported_at_the_start_of_the_file() -> None:
    """A key merged in with "<<" has no place of its own; here it is the 101st level."""
    text = "m: &m {x: 1}\nm2: &m2 {<<: *m}\nb: " + "[" * 99 + "*m2" + "]" * 99
    assert error(text) == unsupported(DEEP, at(1, 1, 2))


def test_an_alias_bomb_past_the_limit_at_a_merged_key_is_reported_at_the_start() -> None:
    """m2 copies are 2 values each (the mapping, its merged x), l1 21, l2 211, l3 2111,
    l4 21111: after 99999 values, the 6th m2 of the 6th l1 of ... of l5 tips it at its x."""
    lines = ["m: &m {x: 1}", "m2: &m2 {<<: *m}", "l1: &l1 [" + ", ".join(["*m2"] * 10) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(2, 5)]
    lines.append("l5: [" + ", ".join(["*l4"] * 10) + "]")
    assert error("\n".join(lines) + "\n") == unsupported(
        "the document expands to more than 100000 values through its aliases",
        at(1, 1, 2),
        "an alias (*name) copies its anchor's whole value; use fewer of them",
    )


def test_an_alias_bomb_is_refused_at_the_value_past_the_limit() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 7)]
    assert error("\n".join(lines) + "\n") == unsupported(
        "the document expands to more than 100000 values through its aliases",
        at(1, 20, 21),
        "an alias (*name) copies its anchor's whole value; use fewer of them",
    )
