"""In-place edits (specops/runtime/operations/files/edit.py): the pure edit functions on plain text,
and the plans and effects the _Edit base gives files.replace, block, ini and keyvalue.

Expected texts are worked out by hand from what each edit must do.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.writes import write_if_unchanged
from specops.runtime.operations.files.edit import (
    Block,
    BlockArgs,
    Ini,
    IniArgs,
    KeyValue,
    KeyValueArgs,
    Replace,
    ReplaceArgs,
    _lines,
    edit_block,
    edit_ini,
    edit_keyvalue,
)

P = "/etc/app.conf"
BEGIN = "# BEGIN SPECOPS MANAGED BLOCK: x"
END = "# END SPECOPS MANAGED BLOCK: x"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def facts(st: FileStat | None, cur: Content | None) -> Facts:
    values: dict[Any, Any] = {FileInfo.ref(path=P): st, FileContent.ref(path=P): cur}
    return Facts(values)


def text(data: bytes) -> Content:
    return Content(sha(data), data)


FILE = FileStat("file", "0644", "root", "root", 4)


def ini(section: str, key: str, value: str = "v", present: bool = True) -> IniArgs:
    return IniArgs(path=P, section=section, key=key, value=value, present=present)


# -- edit_ini -------------------------------------------------------------------------------


def test_ini_keys_before_any_section_end_at_the_first_header() -> None:
    assert edit_ini("k = 1\n[s]\nk = 5\n", ini("", "k", "2")) == "k = 2\n[s]\nk = 5\n"
    assert edit_ini("[s]\nk = 1\n", ini("", "k", "2")) == "k = 2\n[s]\nk = 1\n"


def test_ini_a_new_key_before_any_section_goes_before_the_blank_lines() -> None:
    assert edit_ini("\n[s]\n\n", ini("", "k")) == "k = v\n\n[s]\n\n"


def test_ini_a_section_ends_at_the_next_header() -> None:
    text = "[s]\na = 1\n\n\n[t]\nb = 0\n"
    assert edit_ini(text, ini("s", "b", "2")) == "[s]\na = 1\nb = 2\n\n\n[t]\nb = 0\n"


def test_ini_the_key_of_the_section_before_is_not_this_sections() -> None:
    text = "[a]\nk = 1\n[s]\nx = 2\n"
    assert edit_ini(text, ini("s", "k", "3")) == "[a]\nk = 1\n[s]\nx = 2\nk = 3\n"


def test_ini_a_key_in_an_empty_section_goes_right_after_its_header() -> None:
    assert edit_ini("[ s ]\n[t]\n", ini("s", "k")) == "[ s ]\nk = v\n[t]\n"


def test_ini_a_value_already_set_is_left_as_written() -> None:
    for line, value in (("k=1", "1"), ("k: 1", "1"), ("k=a=b", "a=b"), ("  k  =  1  ", "1")):
        assert edit_ini(f"[s]\n{line}\n", ini("s", "k", value)) == f"[s]\n{line}\n", line


def test_ini_a_different_value_rewrites_the_line() -> None:
    assert edit_ini("[s]\nk: 1\n", ini("s", "k", "2")) == "[s]\nk = 2\n"
    assert edit_ini("[s]\nk=a=b\n", ini("s", "k", "a")) == "[s]\nk = a\n"


def test_ini_duplicate_keys_become_one() -> None:
    assert edit_ini("[s]\nk = 1\nx = 0\nk = 1\n", ini("s", "k", "1")) == "[s]\nk = 1\nx = 0\n"
    assert edit_ini("[s]\nk = 1\nk = 2\nk = 3\n", ini("s", "k", "4")) == "[s]\nk = 4\n"


def test_ini_removing_a_key_only_touches_its_section() -> None:
    got = edit_ini("[s]\nk = 1\n[t]\nk = 2\n", ini("s", "k", present=False))
    assert got == "[s]\n[t]\nk = 2\n"


def test_ini_a_missing_section_is_appended_or_left_missing() -> None:
    assert edit_ini("a = 1\n", ini("s", "k")) == "a = 1\n\n[s]\nk = v\n"
    assert edit_ini("", ini("s", "k")) == "[s]\nk = v\n"
    assert edit_ini("a = 1", ini("s", "k", present=False)) == "a = 1"


# -- edit_keyvalue --------------------------------------------------------------------------


def kv(key: str, value: str = "", present: bool = True) -> KeyValueArgs:
    return KeyValueArgs(path=P, key=key, value=value, present=present)


def test_keyvalue_replaces_the_line_where_it_is() -> None:
    assert edit_keyvalue("A=1\nB=2\n", kv("A", "3")) == "A=3\nB=2\n"


def test_keyvalue_duplicates_become_the_first_one() -> None:
    assert edit_keyvalue("A=1\nB=2\nA=1\n", kv("A", "1")) == "A=1\nB=2\n"


def test_keyvalue_already_right_leaves_the_text_byte_for_byte() -> None:
    assert edit_keyvalue("B=2\nA=1", kv("A", "1")) == "B=2\nA=1"
    assert edit_keyvalue("", kv("A", "1")) == "A=1\n"


def test_lines_end_with_a_newline() -> None:
    assert (_lines(""), _lines("a"), _lines("a\n"), _lines("a\nb")) == ("", "a\n", "a\n", "a\nb\n")


# -- edit_block -----------------------------------------------------------------------------


def test_a_block_is_found_from_its_begin_marker_on() -> None:
    a = BlockArgs(path=P, name="x", content="new")
    old = f"{END}\n{BEGIN}\nold\n{END}\n"
    assert edit_block(old, a) == f"{END}\n{BEGIN}\nnew\n{END}\n"


# -- the _Edit ops: plans and effects -------------------------------------------------------


def test_a_block_to_remove_from_a_missing_file_is_nothing_to_do() -> None:
    a = BlockArgs(path=P, name="x", present=False)
    assert Block().plan(a, facts(None, None)) == []
    assert Block().effects(a, facts(None, None)) == {}


def test_a_replace_in_a_missing_file_is_refused_and_predicts_nothing() -> None:
    a = ReplaceArgs(path=P, regex="a", replace="b")
    with pytest.raises(PlanError) as e:
        Replace().plan(a, facts(None, None))
    assert str(e.value) == "/etc/app.conf does not exist"
    assert Replace().effects(a, facts(None, None)) == {}


def test_an_edit_of_a_file_too_big_to_read_back_is_refused() -> None:
    a = BlockArgs(path=P, name="x")
    with pytest.raises(PlanError) as e:
        Block().plan(a, facts(FILE, Content(sha(b"x"), None)))
    assert str(e.value) == "/etc/app.conf is larger than specops edits in place"


def test_an_edit_is_checked_then_its_attributes_are_set() -> None:
    a = BlockArgs(path=P, name="x", content="c", mode="0600", user="app", validate="t %s")
    new = f"a\n{BEGIN}\nc\n{END}\n".encode()
    assert Block().plan(a, facts(FILE, text(b"a\n"))) == [
        Change(
            Action.UPDATE,
            "update file /etc/app.conf, mode 0644 → 0600, owner root → app",
            (
                write_if_unchanged(P, b"a\n", new, validate="t %s"),
                sh("chmod", "0600", P),
                sh("chown", "app", P),
            ),
            f"--- {P}\n+++ {P}\n@@ -1 +1,4 @@\n a\n+{BEGIN}\n+c\n+{END}\n",
        )
    ]


def test_the_effects_of_an_edit_carry_the_declared_attributes() -> None:
    a = BlockArgs(path=P, name="x", content="c", mode="600", user="app", group="web")
    new = f"a\n{BEGIN}\nc\n{END}\n".encode()
    assert Block().effects(a, facts(FILE, text(b"a\n"))) == {
        FileContent.ref(path=P): text(new),
        FileInfo.ref(path=P): FileStat("file", "0600", "app", "web", len(new)),
    }


def test_the_effects_of_an_edit_without_attributes_keep_the_files() -> None:
    st = FileStat("file", "0640", "app", "web", 4)
    a = ReplaceArgs(path=P, regex="a", replace="bb")
    assert Replace().effects(a, facts(st, text(b"a\na\n"))) == {
        FileContent.ref(path=P): text(b"bb\nbb\n"),
        FileInfo.ref(path=P): FileStat("file", "0640", "app", "web", 6),
    }


def test_the_edit_ops_declare_their_attributes() -> None:
    block = BlockArgs(path=P, name="x", mode="600", user="app", group="web")
    assert Block().attributes(block) == [
        PathAttrs(P, {"mode": "0600", "user": "app", "group": "web"}, is_dir=False)
    ]
    assert Ini().attributes(IniArgs(path=P, section="s", key="k", mode="640")) == [
        PathAttrs(P, {"mode": "0640"}, is_dir=False)
    ]
    assert Ini().attributes(IniArgs(path=P, section="s", key="k")) == []
    assert KeyValue().attributes(KeyValueArgs(path=P, key="k", mode="0400")) == [
        PathAttrs(P, {"mode": "0400"}, is_dir=False)
    ]
    assert KeyValue().attributes(KeyValueArgs(path=P, key="k")) == []
