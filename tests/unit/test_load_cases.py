"""load() and load_text(): the loader by extension, unreadable files, encodings, lone surrogates."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.load import MAX_SPEC_BYTES, load, load_text
from specops.compiler.source import Span

SURROGATE = (
    "this text: it holds a lone surrogate (a \\ud800-\\udfff escape), which is not a character"
)
SURROGATE_HINT = "escape the whole character, e.g. \\U0001F600, not half of it"


def load_error(path: Path | str) -> Diagnostic:
    with pytest.raises(SpecError) as info:
        load(path)
    (d,) = info.value.diagnostics
    return d


def text_errors(text: str, file: str) -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        load_text(text, file)
    return info.value.diagnostics


# -- the loader is chosen by the extension alone -------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("s.toml", "toml"), ("S.TOML", "toml"), ("s.yaml", "yaml"), ("s.Yml", "yaml")],
)
def test_load_text_picks_the_loader_by_extension(name: str, fmt: str) -> None:
    text = "a = 1\n" if fmt == "toml" else "a: 1\n"
    doc = load_text(text, name)
    assert (doc.format, doc.data, doc.file, doc.text) == (fmt, {"a": 1}, name, text)


def test_the_last_suffix_decides() -> None:
    assert load_text("a: 1\n", "site.toml.yaml").format == "yaml"
    assert load_text("a = 1\n", "dir.yaml/site.toml").format == "toml"


@pytest.mark.parametrize("name", ["site.json", "site", "site.tml", "toml"])
def test_another_extension_is_an_unknown_format(name: str) -> None:
    (d,) = text_errors("a = 1\n", name)
    assert d == Diagnostic(
        "unknown-format",
        f'cannot tell the format of "{name}"',
        None,
        "spec files end in .toml, .yaml, .yml",
    )


def test_load_refuses_an_unknown_format_before_reading(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "site.ini"
    d = load_error(missing)
    assert (d.code, d.message) == ("unknown-format", f'cannot tell the format of "{missing}"')


def test_load_reads_a_file_and_drops_a_byte_order_mark(tmp_path: Path) -> None:
    p = tmp_path / "site.yml"
    p.write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\n")
    doc = load(p)
    assert (doc.file, doc.format, doc.data, doc.text) == (
        str(p),
        "yaml",
        {"name": "café"},
        "name: café\n",
    )
    assert doc.spans[("name",)] == Span(str(p), 1, 7, 1, 11)


# -- files that cannot be read ---------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "site.toml"
    assert load_error(p) == Diagnostic(
        "file-not-found", f"cannot read {p}: No such file or directory", None
    )


def test_a_directory_is_not_read(tmp_path: Path) -> None:
    p = tmp_path / "site.toml"
    p.mkdir()
    assert load_error(str(p)) == Diagnostic(
        "file-not-found",
        f"cannot read {p}: it is not a regular file (a directory, a FIFO or a device)",
        None,
    )


def test_a_file_one_byte_over_the_limit_is_not_read(tmp_path: Path) -> None:
    p = tmp_path / "big.toml"
    with p.open("wb") as f:
        f.truncate(10 * 1024 * 1024 + 1)  # sparse: no disk or memory used
    assert load_error(p) == Diagnostic(
        "file-not-found",
        f"cannot read {p}: it is 10485761 bytes; spec files are read up to 10485760",
        None,
        "split it with include, or load data with file()",
    )


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    """Read, so its first byte (not UTF-8) is what is reported, not its size."""
    assert MAX_SPEC_BYTES == 10 * 1024 * 1024
    p = tmp_path / "edge.toml"
    with p.open("wb") as f:
        f.write(b"\xff")
        f.truncate(MAX_SPEC_BYTES)
    assert load_error(p) == Diagnostic(
        "file-encoding",
        f"cannot read {p}: byte 0xff is not valid UTF-8",
        Span(str(p), 1, 1, 1, 2),
    )


# -- bytes that are not UTF-8 are located ----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "col", "byte"),
    [
        (b"\x80a = 1\n", 1, 1, "0x80"),
        (b'a = "caf\xe9"\n', 1, 9, "0xe9"),
        (b"a = 1\nb = 2\n\xc3(\n", 3, 1, "0xc3"),
        (b'a = "\xc3\xa9\xc3\xa9"\nb = "\xc3\xa9\xfe"\n', 2, 7, "0xfe"),
        (b'\xef\xbb\xbfa = "\xff"\n', 1, 6, "0xff"),
        (b'\xef\xbb\xbfa = 1\nb = "\xfe"\n', 2, 6, "0xfe"),
        (b"\xef\xbb\xbf\xef\xbb\xbf\xff\n", 1, 2, "0xff"),
    ],
    ids=[
        "first-byte",
        "latin-1",
        "line-start",
        "after-multibyte",
        "after-bom",
        "bom-line-2",
        "two-boms",
    ],
)
def test_the_first_byte_that_is_not_utf8_is_located(
    tmp_path: Path, raw: bytes, line: int, col: int, byte: str
) -> None:
    """Columns count characters, and a byte-order mark is not one."""
    p = tmp_path / "site.toml"
    p.write_bytes(raw)
    assert load_error(p) == Diagnostic(
        "file-encoding",
        f"cannot read {p}: byte {byte} is not valid UTF-8",
        Span(str(p), line, col, line, col + 1),
    )


# -- lone surrogates ---------------------------------------------------------------------


def surrogate(span: Span) -> Diagnostic:
    return Diagnostic("bad-value", SURROGATE, span, SURROGATE_HINT)


def test_a_lone_surrogate_in_a_value_is_refused() -> None:
    (d,) = text_errors('a: 1\nb: "x\\ud800y"\n', "s.yaml")
    assert d == surrogate(Span("s.yaml", 2, 4, 2, 14))


def test_every_lone_surrogate_is_reported_in_order() -> None:
    text = 'a: "\\udfff"\nlist: [ok, "\\udc00"]\nt:\n  deep: {k: "\\ud83d"}\n'
    assert text_errors(text, "s.yaml") == [
        surrogate(Span("s.yaml", 1, 4, 1, 12)),
        surrogate(Span("s.yaml", 2, 12, 2, 20)),
        surrogate(Span("s.yaml", 4, 13, 4, 21)),
    ]


def test_a_lone_surrogate_in_a_key_is_located_at_the_key() -> None:
    (d,) = text_errors('"k\\ud800": [1, 2]\n', "s.yaml")
    assert d == surrogate(Span("s.yaml", 1, 1, 1, 10))


def test_a_lone_surrogate_through_load(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text('a: "\\ud800"\n', encoding="utf-8")
    assert load_error(p) == surrogate(Span(str(p), 1, 4, 1, 12))


def test_a_whole_escaped_character_is_fine() -> None:
    doc = load_text('a: "\\U0001F600 \\u00e9"\n', "s.yaml")
    assert doc.data == {"a": "\U0001f600 é"}


def test_a_surrogate_pair_is_two_halves_and_refused() -> None:
    """YAML's \\u escapes are single code points: the hint asks for the \\U form."""
    (d,) = text_errors('a: "\\ud83d\\ude00"\n', "s.yaml")
    assert d == surrogate(Span("s.yaml", 1, 4, 1, 18))
