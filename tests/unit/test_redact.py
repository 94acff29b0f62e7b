"""Redaction of sensitive values (compiler/redact.py), expected values by hand."""

from __future__ import annotations

from specops.compiler.redact import MARK, redact_args, scrub, secret_values

ARGS = {
    "path": "/etc/app",
    "content": "token=abc",
    "env": {"KEY": "k1", "OTHER": "plain"},
    "lines": ["one", "two", "three"],
    "deep": {"list": [{"pw": "p1"}]},
    "port": 5432,
}


def test_redact_args_marks_exactly_the_sensitive_paths() -> None:
    got = redact_args(ARGS, ["content", "env.KEY", "lines.1", "lines.-1", "deep.list.0.pw", "port"])
    assert got == {
        "path": "/etc/app",
        "content": MARK,
        "env": {"KEY": MARK, "OTHER": "plain"},
        "lines": ["one", MARK, "three"],  # a negative index names no item
        "deep": {"list": [{"pw": MARK}]},
        "port": MARK,
    }
    assert ARGS["content"] == "token=abc", "the original is left as it was"


def test_paths_that_lead_nowhere_change_nothing() -> None:
    nowhere = ["nope", "env.NOPE", "lines.3", "lines.3.x", "lines.-4", "path.x", "deep.list.5.pw"]
    for path in [*nowhere, "lines.x"]:
        assert redact_args(ARGS, [path]) == ARGS, path


def test_values_that_are_not_json_are_shown_as_text_then_redacted() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert redact_args({"a": Odd(), "b": 1}, ["b"]) == {"a": "odd", "b": MARK}


def test_secret_values_are_every_secret_as_text_longest_first_with_its_lines() -> None:
    args = {"key": "AAAA\nBB\n\n", "n": 1234, "list": ["x", "y"], "empty": "", "none": None}
    got = secret_values(args, ["key", "n", "list", "empty", "none", "missing"])
    assert got == ['["x", "y"]', "AAAA\nBB\n\n", "1234", "AAAA", "BB"]


def test_a_path_that_leads_nowhere_does_not_end_the_search() -> None:
    assert secret_values({"b": "bee"}, ["missing", "b.x", "b"]) == ["bee"]


def test_a_secret_that_is_not_json_is_found_as_its_text() -> None:
    from pathlib import PurePosixPath

    got = secret_values({"k": [PurePosixPath("/k/id_rsa")]}, ["k"])
    assert got == ['["/k/id_rsa"]']


def test_scrub_replaces_every_occurrence_of_every_secret() -> None:
    assert scrub("a-s3cr3t-b-s3cr3t", ["s3cr3t"]) == f"a-{MARK}-b-{MARK}"
    assert scrub("longer secret", ["longer secret", "secret"]) == MARK
    assert scrub("nothing here", ["x y"]) == "nothing here"
