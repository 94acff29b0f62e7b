"""Notifications kept on the host (runtime/engine/notify.py): marker names, the shell that
leaves and clears them, and the parser of what an earlier run left."""

from __future__ import annotations

import pytest

from specops.runtime.engine.notify import Pending, clear, leave, marker

# sha256("web.restart") and sha256("db"), first 24 hex digits (printf %s … | sha256sum)
WEB = "1611fd0595f63e3e391c1aff"
DB = "7bdc25d1694ef984782a16f6"


def test_a_marker_is_the_start_of_the_sha256_of_the_handler_id() -> None:
    assert marker("web.restart") == WEB
    assert marker("db") == DB


def test_leave_records_every_notified_handler() -> None:
    assert leave(["web.restart", "db"]) == (
        'mkdir -p "$HOME/.specops/pending" && '
        f'for m in {WEB} {DB}; do : > "$HOME/.specops/pending"/$m; done'
    )


def test_clear_removes_one_marker() -> None:
    assert clear("db") == f'rm -f "$HOME/.specops/pending"/{DB}'


def test_pending_reads_the_markers_left() -> None:
    assert Pending.parse(f"{WEB}\n\n  {DB}  \n") == frozenset({WEB, DB})
    assert Pending.parse("") == frozenset()


@pytest.mark.parametrize(
    "name",
    [
        "notes.txt",  # not a marker at all
        WEB[:23],  # one digit short
        WEB + "0",  # one digit more
        WEB[:23] + "g",  # right length, a letter that is not hex
        WEB[:23] + "X",
        WEB.upper(),  # markers are lower case
    ],
)
def test_anything_else_in_the_pending_directory_is_an_error(name: str) -> None:
    with pytest.raises(ValueError) as e:
        Pending.parse(f"{DB}\n{name}\n")
    assert str(e.value) == "unexpected file in the pending notifications directory"
