"""files.get (runtime/operations/files/get.py): fetched only when the controller's copy
differs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.facts.files import Content, FileContent
from specops.runtime.operations.files.get import Get, GetArgs

HOST = "/etc/app.conf"
THERE = b"on the host\n"


def on_host(content: Content | None) -> Facts:
    return Facts({FileContent.ref(path=HOST): content})


def plan(dest: Path) -> list[Change]:
    content = Content(hashlib.sha256(THERE).hexdigest(), THERE)
    return Get().plan(GetArgs(path=HOST, dest=str(dest)), on_host(content))


def test_a_missing_copy_is_fetched(tmp_path: Path) -> None:
    dest = tmp_path / "app.conf"
    assert plan(dest) == [
        Change(Action.CREATE, f"fetch /etc/app.conf to {dest}", (), fetch=(HOST, str(dest)))
    ]


def test_a_copy_that_differs_is_fetched_again(tmp_path: Path) -> None:
    dest = tmp_path / "app.conf"
    dest.write_bytes(b"older\n")
    assert plan(dest) == [
        Change(Action.UPDATE, f"fetch /etc/app.conf to {dest}", (), fetch=(HOST, str(dest)))
    ]


def test_a_copy_with_the_same_content_is_left_alone(tmp_path: Path) -> None:
    dest = tmp_path / "app.conf"
    dest.write_bytes(THERE)
    assert plan(dest) == []


def test_a_file_missing_on_the_host_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as e:
        Get().plan(GetArgs(path=HOST, dest=str(tmp_path / "x")), on_host(None))
    assert str(e.value) == "/etc/app.conf is not a regular file on the host"
