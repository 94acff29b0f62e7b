"""The command line as a source: the text shown under an error and the spans into it."""

from __future__ import annotations

from specops.compiler.cmdline import COMMAND_LINE, CommandLine
from specops.compiler.source import Span


def at(col: int, end: int) -> Span:
    return Span("<command line>", 1, col, 1, end)


def test_the_text_joins_the_arguments_after_the_program() -> None:
    cl = CommandLine.of(["run", "@local", "files.directory", "path=/srv/x", "mdoe=0755"])
    assert COMMAND_LINE == "<command line>"
    assert cl.text == "specops run @local files.directory path=/srv/x mdoe=0755"
    assert cl.args == ("run", "@local", "files.directory", "path=/srv/x", "mdoe=0755")
    # "specops " is 8 characters: "run" starts at 8, "@local" at 12, and so on
    assert cl.starts == (8, 12, 19, 35, 47)
    assert cl.sources == {"<command line>": cl.text}


def test_the_program_name_can_be_another() -> None:
    cl = CommandLine.of(["x", "y"], prog="sp")
    assert (cl.text, cl.starts) == ("sp x y", (3, 5))


def test_no_arguments_is_the_program_alone() -> None:
    cl = CommandLine.of([])
    assert (cl.text, cl.starts, cl.args) == ("specops", (), ())


def test_arguments_are_quoted_as_a_shell_needs() -> None:
    cl = CommandLine.of(["run", "a b", "", "it's"])
    assert cl.text == "specops run 'a b' '' 'it'\"'\"'s'"
    assert cl.starts == (8, 12, 18, 21)


def test_a_plain_argument_spans_its_characters() -> None:
    cl = CommandLine.of(["run", "@local", "files.directory", "path=/srv/x", "mdoe=0755"])
    assert cl.span(4) == at(48, 57)  # 1-based columns, end exclusive
    assert cl.span(4, 0, 4) == at(48, 52)  # "mdoe"
    assert cl.span(3, 5) == at(41, 47)  # "/srv/x"
    assert cl.span(0) == at(9, 12)


def test_a_quoted_argument_spans_inside_its_quotes() -> None:
    cl = CommandLine.of(["x", "a b"])  # specops x 'a b'
    assert cl.span(1) == at(12, 15)
    assert cl.span(1, 2, 3) == at(14, 15)  # "b"


def test_an_argument_whose_quoting_changes_its_text_spans_whole() -> None:
    cl = CommandLine.of(["it's"])  # specops 'it'"'"'s'
    assert cl.span(0, 1, 2) == at(9, 19)
    assert cl.span(0) == at(9, 19)


def test_an_empty_span_still_covers_one_character() -> None:
    cl = CommandLine.of(["", "k="])  # specops '' k=
    assert cl.span(0) == at(10, 11)  # between the quotes
    assert cl.span(1, 2, 2) == at(14, 15)  # after "k="


def test_find_looks_from_an_index_on() -> None:
    cl = CommandLine.of(["a", "b", "a"])
    assert cl.find("a") == 0
    assert cl.find("a", 1) == 2
    assert cl.find("a", 2) == 2
    assert cl.find("a", 3) is None
    assert cl.find("c") is None
