"""User errors through the real command line: one located message, a hint, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import specops

CASES = [
    (
        "site.toml",
        '[vars]\napp = "shop"\n\n[ops.dir]\nop = "files.directory"\npath = "/srv/${ap}"\n',
        'site.toml:6:16: error[undefined-name]: name "ap" is not defined',
        "               ^^",
        'hint: did you mean "app"?',
    ),
    (
        "site.yaml",
        "ops:\n  dir:\n    op: files.directroy\n    path: /srv\n",
        'site.yaml:3:9: error[unknown-op]: unknown operation "files.directroy"',
        "^^^^^^^^^^^^^^^",
        'hint: did you mean "files.directory"?',
    ),
    (
        "deploy.py",
        "from specops.ops import files\nfiles.directory(path='/srv', mdoe='0755')\n",
        'deploy.py:2:30: error[unknown-argument]: files.directory has no argument "mdoe"',
        "^^^^^^^^^^^",
        'hint: did you mean "mode"?',
    ),
    (
        "deploy.py",
        "from specops.ops import files\nfiles.fiel(path='/srv/x')\n",
        'deploy.py:2:1: error[unknown-op]: unknown operation "files.fiel"',
        "^^^^",
        'hint: did you mean "files.file"?',
    ),
    (
        "deploy.py",
        "x = 1 / 0\n",
        "deploy.py:1:5: error[python-error]: ZeroDivisionError",
        "^^^^^",
        "hint:",
    ),
    ("site.toml", "[ops]\nx = \n", "site.toml:2:5: error[toml-syntax]", "^", "hint:"),
]


@pytest.mark.parametrize(("name", "text", "head", "caret", "hint"), CASES)
@pytest.mark.parametrize("command", ["compile", "plan", "apply"])
def test_user_error(
    tmp_path: Path, command: str, name: str, text: str, head: str, caret: str, hint: str
) -> None:
    (tmp_path / name).write_text(text)
    r = specops(command, name, cwd=tmp_path, code=1)
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stderr.startswith(head), r.stderr
    assert caret in r.stderr and hint in r.stderr, r.stderr
