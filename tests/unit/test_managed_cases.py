"""Whole-file content management shared by many ops (specops/runtime/kit/content.py):
ensure_content's changes, content_effects' predictions, the shared argument declarations.

Expected values by hand; atomic writes are compared with ``write_file`` /
``write_if_unchanged`` (their exact text is tested in test_writes_cases.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest

from specops.compiler.catalog import MODE_HINT, check_octal_mode
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.core.words import check_absolute, group_arg, mode_arg, path_arg, user_arg
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.content import (
    content_effects,
    content_facts,
    current,
    encode,
    ensure_content,
    text_of,
)
from specops.runtime.kit.writes import write_file, write_if_unchanged

P = "/etc/app.conf"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def facts(st: FileStat | None, cur: Content | None) -> Facts:
    values: dict[Any, Any] = {FileInfo.ref(path=P): st, FileContent.ref(path=P): cur}
    return Facts(values)


def text(data: bytes) -> Content:
    return Content(sha(data), data)


FILE = FileStat("file", "0644", "root", "root", 4)


# -- argument declarations ------------------------------------------------------------


def test_the_shared_argument_declarations() -> None:
    path = path_arg("The file.")
    assert path.default is dataclasses.MISSING
    assert (path.metadata["doc"], path.metadata["check"]) == ("The file.", check_absolute)
    for mode, default in ((mode_arg(), None), (mode_arg("0640"), "0640")):
        assert mode.default == default
        assert mode.metadata["doc"] == 'Permission bits as an octal string, e.g. "0644".'
        assert mode.metadata["check"] is check_octal_mode
        assert mode.metadata["type_hint"] == MODE_HINT
    user, group = user_arg(), group_arg()
    assert (user.default, user.metadata["doc"]) == (None, "Owning user name.")
    assert (group.default, group.metadata["doc"]) == (None, "Owning group name.")


def test_content_facts_are_the_stat_and_the_content() -> None:
    assert content_facts(P) == [FileInfo.ref(path=P), FileContent.ref(path=P)]


# -- current, text_of, encode ---------------------------------------------------------------


def test_current_refuses_what_is_not_a_regular_file() -> None:
    st = FileStat("directory", "0755", "root", "root", 4096)
    with pytest.raises(PlanError) as e:
        current(P, facts(st, None))
    assert str(e.value) == "/etc/app.conf exists and is a directory, not a regular file"
    assert current(P, facts(FILE, text(b"abcd"))) == (FILE, text(b"abcd"))
    assert current(P, facts(None, None)) == (None, None)


def test_text_of_a_file() -> None:
    assert text_of(None, P) == ""
    assert text_of(text("é\n".encode()), P) == "é\n"
    # bytes that are not UTF-8 come back as they were through encode
    assert text_of(text(b"\xff\n"), P) == "\udcff\n"
    assert encode("\udcff\n") == b"\xff\n"
    assert encode("é") == b"\xc3\xa9"


def test_text_of_a_file_too_big_to_read_back_is_refused() -> None:
    with pytest.raises(PlanError) as e:
        text_of(Content("0" * 64, None), P)
    assert str(e.value) == "/etc/app.conf is larger than specops edits in place"


# -- ensure_content: a new file -------------------------------------------------------------


def test_a_new_declared_file_is_written_and_checked() -> None:
    got = ensure_content(
        P, b"a\n", facts(None, None), mode="0600", user="app", group="web", validate="t %s"
    )
    want = write_file(
        P, b"a\n", mode="0600", user="app", group="web", existing=False, validate="t %s"
    )
    assert got == [
        Change(
            Action.CREATE,
            "create file /etc/app.conf (2 bytes)",
            (want,),
            "--- /dev/null\n+++ /etc/app.conf\n@@ -0,0 +1 @@\n+a\n",
        )
    ]


def test_a_new_edited_file_must_still_be_absent_when_written() -> None:
    got = ensure_content(
        P, b"a\n", facts(None, None), user="app", exact=False, what="INI file", validate="t %s"
    )
    want = write_if_unchanged(P, None, b"a\n", user="app", validate="t %s")
    assert got == [
        Change(
            Action.CREATE,
            "create INI file /etc/app.conf (2 bytes)",
            (want,),
            "--- /dev/null\n+++ /etc/app.conf\n@@ -0,0 +1 @@\n+a\n",
        )
    ]


def test_a_new_file_can_get_its_parent_directories() -> None:
    (ch,) = ensure_content(P, b"a\n", facts(None, None), parents=True)
    assert ch.commands == (
        sh("mkdir", "-p", "--", "/etc"),
        write_file(P, b"a\n", mode=None, user=None, group=None, existing=False),
    )


# -- ensure_content: an existing file -------------------------------------------------------


def test_declared_content_overwrites_and_names_the_attribute_changes() -> None:
    got = ensure_content(
        P, b"new\n", facts(FILE, text(b"old\n")), mode="600", group="web", validate="t %s"
    )
    want = write_file(
        P, b"new\n", mode="600", user=None, group="web", existing=True, validate="t %s"
    )
    assert got == [
        Change(
            Action.UPDATE,
            "update file /etc/app.conf, mode 0644 → 0600, group root → web",
            (want,),
            "--- /etc/app.conf\n+++ /etc/app.conf\n@@ -1 +1 @@\n-old\n+new\n",
        )
    ]


def test_an_edit_is_compare_and_swap_then_the_attributes_are_fixed() -> None:
    got = ensure_content(
        P,
        b"new\n",
        facts(FILE, text(b"old\n")),
        mode="0600",
        user="app",
        group="web",
        exact=False,
        validate="t %s",
    )
    assert got == [
        Change(
            Action.UPDATE,
            "update file /etc/app.conf, mode 0644 → 0600, owner root → app, group root → web",
            (
                write_if_unchanged(P, b"old\n", b"new\n", validate="t %s"),
                sh("chmod", "0600", P),
                sh("chown", "app", P),
                sh("chgrp", "web", P),
            ),
            "--- /etc/app.conf\n+++ /etc/app.conf\n@@ -1 +1 @@\n-old\n+new\n",
        )
    ]


def test_an_edit_of_a_file_too_big_to_read_back_is_a_size_note() -> None:
    big = FileStat("file", "0644", "root", "root", 2000000)
    got = ensure_content(P, b"new\n", facts(big, Content(sha(b"x"), None)), exact=False)
    assert got == [
        Change(
            Action.UPDATE,
            "update file /etc/app.conf",
            (write_if_unchanged(P, None, b"new\n"),),
            "content changed (2000000 → 4 bytes)\n",
        )
    ]


def test_a_file_whose_content_was_not_read_is_overwritten() -> None:
    """FileInfo saw the file but FileContent did not (it went between the two reads)."""
    got = ensure_content(P, b"new\n", facts(FILE, None), exact=False, validate="t %s")
    assert got == [
        Change(
            Action.UPDATE,
            "update file /etc/app.conf",
            (
                write_file(
                    P, b"new\n", mode=None, user=None, group=None, existing=True, validate="t %s"
                ),
            ),
            "content changed (4 → 4 bytes)\n",
        )
    ]


def test_the_right_content_only_gets_its_attributes_fixed() -> None:
    got = ensure_content(P, b"abcd", facts(FILE, text(b"abcd")), user="app", group="web")
    assert got == [
        Change(Action.UPDATE, "owner root → app", (sh("chown", "app", P),)),
        Change(Action.UPDATE, "group root → web", (sh("chgrp", "web", P),)),
    ]
    assert ensure_content(P, b"abcd", facts(FILE, text(b"abcd")), mode="644") == []


# -- content_effects ------------------------------------------------------------------------


def test_the_effects_on_a_new_file() -> None:
    assert content_effects(P, b"abc", facts(None, None)) == {
        FileContent.ref(path=P): text(b"abc"),
        FileInfo.ref(path=P): FileStat("file", "0644", "root", "root", 3),
    }
    assert content_effects(P, b"", facts(None, None), mode="600", user="app", group="web") == {
        FileContent.ref(path=P): text(b""),
        FileInfo.ref(path=P): FileStat("file", "0600", "app", "web", 0),
    }


def test_the_effects_on_an_existing_file_keep_what_is_not_declared() -> None:
    st = FileStat("file", "0640", "app", "web", 99)
    assert content_effects(P, b"ab", facts(st, text(b"old"))) == {
        FileContent.ref(path=P): text(b"ab"),
        FileInfo.ref(path=P): FileStat("file", "0640", "app", "web", 2),
    }
    assert content_effects(P, b"ab", facts(st, None), mode="0600", user="u", group="g") == {
        FileContent.ref(path=P): text(b"ab"),
        FileInfo.ref(path=P): FileStat("file", "0600", "u", "g", 2),
    }
