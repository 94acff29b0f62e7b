"""The user's own frames of an exception: which files count as theirs, the span of a
frame, the one-line location, and the full traceback on request."""

from __future__ import annotations

import os
import sysconfig
import traceback
from pathlib import Path
from typing import Any

import pytest

from specops.compiler import userframes
from specops.compiler.source import Span
from specops.compiler.userframes import frame_span, full_traceback, user_frames, where

SPECOPS = userframes._SPECOPS
STDLIB = str(Path(sysconfig.get_paths()["stdlib"]).resolve())
PURELIB = str(Path(sysconfig.get_paths()["purelib"]).resolve())


@pytest.mark.parametrize(
    ("filename", "user"),
    [
        ("<string>", False),
        ("<frozen runpy>", False),
        (f"{SPECOPS}/compiler/lower.py", False),
        (f"{SPECOPS}/specops/adhoc.py", False),
        (f"{SPECOPS}/tests/hostile/deploy.py", True),
        (f"{SPECOPS}2/deploy.py", True),  # a sibling folder is not specops
        (f"{STDLIB}/json/decoder.py", False),
        (f"{STDLIB}x/deploy.py", True),
        (f"{PURELIB}/paramiko/client.py", False),
        ("/home/me/site/deploy.py", True),
    ],
)
def test_is_user(filename: str, user: bool) -> None:
    assert userframes._is_user(filename) is user


def test_a_relative_file_name_is_resolved_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SPECOPS)
    assert userframes._is_user("compiler/lower.py") is False
    assert userframes._is_user("tests/x/deploy.py") is True


def _raise_through_specops(user_file: str) -> BaseException:
    """An exception raised in a helpers.py beside ``user_file``, called from ``user_file``,
    called from a file inside specops."""
    helpers: dict[str, Any] = {}
    code = "\ndef inner():\n    raise ValueError('boom')\n"
    exec(compile(code, os.path.join(os.path.dirname(user_file), "helpers.py"), "exec"), helpers)
    user: dict[str, Any] = {"inner": helpers["inner"]}
    exec(compile("def boom():\n    inner()\n", user_file, "exec"), user)
    lib: dict[str, Any] = {}
    lib_file = os.path.join(SPECOPS, "compiler", "not_a_module.py")
    exec(compile("def call(f):\n    f()\n", lib_file, "exec"), lib)
    try:
        lib["call"](user["boom"])
    except ValueError as e:
        return e
    raise AssertionError("boom did not raise")


def test_user_frames_skip_specops_outermost_first(tmp_path: Path) -> None:
    user_file = str(tmp_path / "deploy.py")
    exc = _raise_through_specops(user_file)
    frames = user_frames(exc)
    assert [(Path(f.filename).name, f.name) for f in frames] == [
        ("test_userframes_cases.py", "_raise_through_specops"),
        ("deploy.py", "boom"),
        ("helpers.py", "inner"),
    ]
    helpers = str(tmp_path / "helpers.py")
    assert (frames[-1].filename, frames[-1].lineno) == (helpers, 3)
    assert where(exc) == f" ({helpers}:3)"  # the innermost
    assert frame_span(frames[-1]) == Span(helpers, 3, 5, 3, 29)  # raise ValueError('boom')


def test_an_exception_never_raised_has_no_frames() -> None:
    exc = ValueError("x")
    assert user_frames(exc) == []
    assert where(exc) == ""


def test_where_is_empty_without_user_frames() -> None:
    lib: dict[str, Any] = {}
    exec(compile("def f():\n    raise KeyError('k')\n", "<specops>", "exec"), lib)
    try:
        lib["f"]()
    except KeyError as e:
        e.__traceback__ = e.__traceback__.tb_next if e.__traceback__ else None
        assert where(e) == ""
        assert user_frames(e) == []


def frame(
    lineno: int | None, colno: int | None, end_lineno: int | None, end_colno: int | None
) -> Any:
    return traceback.FrameSummary(
        "d.py",
        lineno,
        "f",
        lookup_line=False,
        end_lineno=end_lineno,
        colno=colno,
        end_colno=end_colno,
    )


@pytest.mark.parametrize(
    ("f", "span"),
    [
        (frame(3, 4, 3, 10), Span("d.py", 3, 5, 3, 11)),
        (frame(3, 0, 3, 1), Span("d.py", 3, 1, 3, 2)),
        (frame(3, 4, 5, 2), Span("d.py", 3, 5, 3, 6)),  # over several lines: one column
        (frame(3, 4, 3, 0), Span("d.py", 3, 5, 3, 6)),
        (frame(3, 4, 3, None), Span("d.py", 3, 5, 3, 6)),
        (frame(3, None, 3, None), Span("d.py", 3, 1, 3, 2)),
        (frame(None, None, None, None), Span("d.py", 1, 1, 1, 2)),
        (frame(0, None, None, None), Span("d.py", 1, 1, 1, 2)),
    ],
)
def test_frame_span(f: traceback.FrameSummary, span: Span) -> None:
    assert frame_span(f) == span


@pytest.mark.parametrize("value", [None, "", "0"])
def test_no_full_traceback_unless_asked(
    value: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if value is None:
        monkeypatch.delenv("SPECOPS_TRACEBACK", raising=False)
    else:
        monkeypatch.setenv("SPECOPS_TRACEBACK", value)
    assert full_traceback(_raise_through_specops(str(tmp_path / "d.py"))) is None


@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_full_traceback_when_asked(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPECOPS_TRACEBACK", value)
    text = full_traceback(_raise_through_specops(str(tmp_path / "d.py")))
    assert text is not None
    lines = text.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: boom"
    assert text.endswith("ValueError: boom")  # nothing after it, not even a line break
    # every frame, specops' own too
    assert f'  File "{SPECOPS}/compiler/not_a_module.py", line 2, in call' in lines
    assert f'  File "{tmp_path}/d.py", line 2, in boom' in lines
    assert f'  File "{tmp_path}/helpers.py", line 3, in inner' in lines
