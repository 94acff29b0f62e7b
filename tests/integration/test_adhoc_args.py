"""Typed reading of ad-hoc arguments and target strings, table-style (no host needed)."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from specops.compiler.adhoc import parse_value
from specops.compiler.cmdline import CommandLine
from specops.compiler.diagnostics import Collector, render_all
from specops.compiler.ir import Connection
from specops.compiler.targets import read_targets

VALUES: list[tuple[str, Any, Any]] = [
    ("0755", str, "0755"),
    ("false", bool, False),
    ("Yes", bool, True),
    ("0", bool, False),
    ("42", int, 42),
    ("1.5", float, 1.5),
    ("nginx,curl", list[str], ["nginx", "curl"]),
    ('["a,b", "c"]', list[str], ["a,b", "c"]),
    ("", list[str], []),
    ("80,443", list[int], [80, 443]),
    ("/srv", str | None, "/srv"),
    ('{"a": 1}', dict[str, int], {"a": 1}),
    ("b", Literal["a", "b"], "b"),
]


@pytest.mark.parametrize(("text", "t", "want"), VALUES)
def test_values_are_read_by_the_declared_type(text: str, t: Any, want: Any) -> None:
    got = parse_value(text, t)
    assert got == want and type(got) is type(want), f"GOT {got!r} WANT {want!r}"


@pytest.mark.parametrize(("text", "t"), [("maybe", bool), ("x", int), ("1,x", list[int])])
def test_unreadable_values_raise(text: str, t: Any) -> None:
    with pytest.raises(ValueError):
        parse_value(text, t)


TARGETS: list[tuple[str, list[Connection]]] = [
    ("@local", [Connection("local")]),
    ("root@127.0.0.11:2222", [Connection("ssh", "root", "127.0.0.11", 2222)]),
    ("web.example", [Connection("ssh", None, "web.example", None)]),
    ("@docker/web", [Connection("docker", address="web")]),
    ("@chroot/srv/root", [Connection("chroot", address="/srv/root")]),
    ("@chroot//srv/root/", [Connection("chroot", address="/srv/root")]),
    ("@kubectl/apps/api", [Connection("kubectl", address="apps/api")]),
    ("@local, @local,@docker/a", [Connection("local"), Connection("docker", address="a")]),
]


@pytest.mark.parametrize(("text", "want"), TARGETS)
def test_target_strings(text: str, want: list[Connection]) -> None:
    cl = CommandLine.of(["run", text])
    c = Collector()
    inv = read_targets(text, lambda a, b: cl.span(1, a, b), c)
    assert not c.diagnostics, render_all(c.diagnostics, cl.sources)
    assert [h.connection for h in inv.hosts] == want


def test_bad_target_has_a_caret_under_the_item() -> None:
    text = "@local,@dockr/x"
    cl = CommandLine.of(["run", text, "--", "true"])
    c = Collector()
    read_targets(text, lambda a, b: cl.span(1, a, b), c)
    out = render_all(c.diagnostics, cl.sources)
    assert out.splitlines()[1:4] == [
        "   1 | specops run @local,@dockr/x -- true",
        "     |                    ^^^^^^^^",
        'hint: did you mean "@docker"?',
    ]


def test_spans_account_for_shell_quoting() -> None:
    cl = CommandLine.of(["run", "@local", "files.file", "content=a b"])
    assert cl.text == "specops run @local files.file 'content=a b'"
    span = cl.span(3, 8, 11)  # "a b" inside the quotes
    assert cl.text[span.col - 1 : span.end_col - 1] == "a b"
