"""files.directory, files.file, files.line, files.link and files.absent on plain facts
(specops/runtime/operations/files/basic.py): plans, predicted effects and argument declarations.

Expected values are written by hand. Commands that are atomic writes are compared with
``write_file`` / ``write_if_unchanged`` (their exact text is tested in test_writes_cases.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest

from specops.compiler.catalog import MODE_HINT, PathAttrs, check_octal_mode
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.core.words import (
    check_absolute,
    check_regex,
    group_arg,
    mode_arg,
    path_arg,
    user_arg,
)
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.kit.filestate import attr_changes, relink, stat_after, unified_diff
from specops.runtime.kit.writes import write_file, write_if_unchanged
from specops.runtime.operations.files.basic import (
    Absent,
    AbsentArgs,
    Directory,
    DirectoryArgs,
    File,
    FileArgs,
    Line,
    LineArgs,
    Link,
    LinkArgs,
    edit_lines,
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def facts(path: str, st: FileStat | None, *content: Content | None) -> Facts:
    """The FileInfo of ``path``, and its FileContent when one is given."""
    values: dict[Any, Any] = {FileInfo.ref(path=path): st}
    for c in content:
        values[FileContent.ref(path=path)] = c
    return Facts(values)


def text(data: bytes) -> Content:
    return Content(sha(data), data)


FILE = FileStat("file", "0644", "root", "root", 2)
DIR = FileStat("directory", "0755", "root", "root", 4096)


# -- argument declarations ------------------------------------------------------------


def test_a_path_must_be_an_absolute_string_without_nul() -> None:
    assert check_absolute("/etc/motd") is None
    assert check_absolute("/") is None
    assert check_absolute("etc/motd") == "'etc/motd' is not an absolute path"
    assert check_absolute("") == "'' is not an absolute path"
    assert check_absolute("/etc/a\0b") == "'/etc/a\\x00b' is not an absolute path"
    assert check_absolute(5) == "5 is not an absolute path"
    assert check_absolute(["/etc"]) == "['/etc'] is not an absolute path"


def test_a_regex_that_does_not_compile_is_reported() -> None:
    assert check_regex("^a.*b$") is None
    assert (
        check_regex("a(")
        == "not a valid regular expression: missing ), unterminated subpattern at position 1"
    )


def test_the_shared_argument_declarations() -> None:
    """Defaults, docs and checks, as the reference and the spec checker see them."""
    path = path_arg("Where it goes.")
    assert path.default is dataclasses.MISSING
    assert path.metadata["doc"] == "Where it goes."
    assert path.metadata["check"] is check_absolute
    mode = mode_arg()
    assert mode.default is None
    assert mode.metadata["doc"] == 'Permission bits as an octal string, e.g. "0644".'
    assert mode.metadata["check"] is check_octal_mode
    assert mode.metadata["type_hint"] == MODE_HINT
    user, group = user_arg(), group_arg()
    assert (user.default, user.metadata["doc"]) == (None, "Owning user name.")
    assert (group.default, group.metadata["doc"]) == (None, "Owning group name.")


# -- attr_changes, unified_diff, stat_after ----------------------------------------------


def test_attr_changes_name_each_attribute_that_differs() -> None:
    st = FileStat("file", "0644", "root", "root", 0)
    assert attr_changes("/f", st, "600", "app", "web") == [
        Change(Action.UPDATE, "mode 0644 → 0600", (sh("chmod", "600", "/f"),)),
        Change(Action.UPDATE, "owner root → app", (sh("chown", "app", "/f"),)),
        Change(Action.UPDATE, "group root → web", (sh("chgrp", "web", "/f"),)),
    ]
    assert attr_changes("/f", st, "644", "root", "root") == []
    assert attr_changes("/f", st, None, None, None) == []


def test_a_diff_of_text_marks_a_missing_final_newline() -> None:
    assert unified_diff("/f", b"a\nb", b"a\nc\n") == (
        "--- /f\n+++ /f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
    )
    assert unified_diff("/f", None, b"x\n") == "--- /dev/null\n+++ /f\n@@ -0,0 +1 @@\n+x\n"


def test_a_diff_of_binary_content_is_one_line_of_sizes() -> None:
    assert unified_diff("/f", b"\xff\xfe", b"abc") == "binary content: 2 → 3 bytes\n"
    assert unified_diff("/f", None, b"\xff") == "binary content: 0 → 1 bytes\n"


def test_the_stat_after_a_write_keeps_what_is_not_declared() -> None:
    old = FileStat("file", "0600", "app", "web", 9)
    assert stat_after(None, "file", None, None, None) == FileStat("file", "0644", "root", "root", 0)
    assert stat_after(old, "file", None, None, None, 3) == FileStat("file", "0600", "app", "web", 3)
    assert stat_after(old, "directory", "750", "u", "g") == FileStat(
        "directory", "0750", "u", "g", 0
    )


# -- files.directory ------------------------------------------------------------------------


DIRECTORY = Directory()


def test_a_new_directory_gets_every_declared_attribute() -> None:
    a = DirectoryArgs(path="/srv/app", mode="0755", user="root", group="root")
    assert DIRECTORY.plan(a, facts("/srv/app", None)) == [
        Change(
            Action.CREATE,
            "create directory /srv/app",
            (
                sh("mkdir", "-p", "--", "/srv/app"),
                # mkdir follows the host's umask: 0755 is set even though it is the usual mode
                sh("chmod", "0755", "/srv/app"),
                sh("chown", "root", "/srv/app"),
                sh("chgrp", "root", "/srv/app"),
            ),
        )
    ]


def test_a_new_directory_without_attributes_is_only_made() -> None:
    a = DirectoryArgs(path="/srv/app")
    assert DIRECTORY.plan(a, facts("/srv/app", None)) == [
        Change(Action.CREATE, "create directory /srv/app", (sh("mkdir", "-p", "--", "/srv/app"),))
    ]


def test_a_new_directory_with_only_a_group() -> None:
    a = DirectoryArgs(path="/srv/app", group="web")
    (ch,) = DIRECTORY.plan(a, facts("/srv/app", None))
    assert ch.commands == (sh("mkdir", "-p", "--", "/srv/app"), sh("chgrp", "web", "/srv/app"))


def test_an_existing_directory_gets_its_group_fixed() -> None:
    a = DirectoryArgs(path="/srv/app", group="web")
    assert DIRECTORY.plan(a, facts("/srv/app", DIR)) == [
        Change(Action.UPDATE, "group root → web", (sh("chgrp", "web", "/srv/app"),))
    ]


def test_a_link_where_a_directory_belongs_is_refused() -> None:
    st = FileStat("link", "0777", "root", "root", 4, "/tmp")
    with pytest.raises(PlanError) as e:
        DIRECTORY.plan(DirectoryArgs(path="/srv/app"), facts("/srv/app", st))
    assert str(e.value) == "/srv/app exists and is a link, not a directory"


def test_the_effects_of_a_new_directory() -> None:
    ref = FileInfo.ref(path="/srv/app")
    assert DIRECTORY.effects(DirectoryArgs(path="/srv/app"), facts("/srv/app", None)) == {
        ref: FileStat("directory", "0755", "root", "root", 0)
    }
    a = DirectoryArgs(path="/srv/app", mode="700", user="app", group="web")
    assert DIRECTORY.effects(a, facts("/srv/app", None)) == {
        ref: FileStat("directory", "0700", "app", "web", 0)
    }


def test_the_effects_on_an_existing_directory_keep_what_is_not_declared() -> None:
    ref = FileInfo.ref(path="/srv/app")
    old = FileStat("directory", "0700", "app", "web", 4096)
    assert DIRECTORY.effects(DirectoryArgs(path="/srv/app"), facts("/srv/app", old)) == {
        ref: FileStat("directory", "0700", "app", "web", 0)
    }
    a = DirectoryArgs(path="/srv/app", mode="0750", group="staff")
    assert DIRECTORY.effects(a, facts("/srv/app", old)) == {
        ref: FileStat("directory", "0750", "app", "staff", 0)
    }


def test_a_directory_declares_its_attributes_for_conflict_checks() -> None:
    a = DirectoryArgs(path="/srv/app", mode="750", user="app", group="web")
    assert DIRECTORY.attributes(a) == [
        PathAttrs("/srv/app", {"mode": "0750", "user": "app", "group": "web"}, is_dir=True)
    ]
    assert DIRECTORY.attributes(DirectoryArgs(path="/srv/app")) == []


# -- files.file -----------------------------------------------------------------------------


FILE_OP = File()


def test_a_file_declares_its_attributes_for_conflict_checks() -> None:
    a = FileArgs(path="/etc/f", mode="600", user="app", group="web")
    assert FILE_OP.attributes(a) == [
        PathAttrs("/etc/f", {"mode": "0600", "user": "app", "group": "web"}, is_dir=False)
    ]


def test_a_new_file_is_written_with_its_owner_and_checked() -> None:
    a = FileArgs(path="/etc/f", content="x\n", user="app", group="web", validate="check %s")
    want = write_file(
        "/etc/f", b"x\n", mode=None, user="app", group="web", existing=False, validate="check %s"
    )
    assert FILE_OP.plan(a, facts("/etc/f", None, None)) == [
        Change(
            Action.CREATE,
            "create file /etc/f (2 bytes)",
            (want,),
            "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1 @@\n+x\n",
        )
    ]


def test_a_touched_file_has_nothing_to_validate() -> None:
    """Without content the file is created empty: the check applies to content only."""
    a = FileArgs(path="/etc/f", user="app", validate="check %s")
    want = write_file("/etc/f", b"", mode=None, user="app", group=None, existing=False)
    assert FILE_OP.plan(a, facts("/etc/f", None)) == [
        Change(Action.CREATE, "create file /etc/f", (want,))
    ]


def test_a_new_empty_content_has_no_diff() -> None:
    a = FileArgs(path="/etc/f", content="")
    want = write_file("/etc/f", b"", mode=None, user=None, group=None, existing=False)
    assert FILE_OP.plan(a, facts("/etc/f", None, None)) == [
        Change(Action.CREATE, "create file /etc/f (0 bytes)", (want,))
    ]


def test_new_content_names_the_owner_changes_it_makes() -> None:
    a = FileArgs(path="/etc/f", content="x\n", user="app", group="web", validate="check %s")
    want = write_file(
        "/etc/f", b"x\n", mode=None, user="app", group="web", existing=True, validate="check %s"
    )
    assert FILE_OP.plan(a, facts("/etc/f", FILE, text(b"y\n"))) == [
        Change(
            Action.UPDATE,
            "update content of /etc/f, owner root → app, group root → web",
            (want,),
            "--- /etc/f\n+++ /etc/f\n@@ -1 +1 @@\n-y\n+x\n",
        )
    ]


def test_a_file_too_big_to_read_back_is_rewritten_with_a_size_note() -> None:
    a = FileArgs(path="/etc/f", content="x\n")
    big = FileStat("file", "0644", "root", "root", 2000000)
    want = write_file("/etc/f", b"x\n", mode=None, user=None, group=None, existing=True)
    assert FILE_OP.plan(a, facts("/etc/f", big, Content(sha(b"big"), None))) == [
        Change(
            Action.UPDATE,
            "update content of /etc/f",
            (want,),
            "content changed (2000000 → 2 bytes)\n",
        )
    ]


def test_a_file_whose_content_could_not_be_read_is_diffed_from_nothing() -> None:
    """FileInfo saw a file but FileContent none (it went between the two reads)."""
    a = FileArgs(path="/etc/f", content="x\n")
    want = write_file("/etc/f", b"x\n", mode=None, user=None, group=None, existing=True)
    assert FILE_OP.plan(a, facts("/etc/f", FILE, None)) == [
        Change(
            Action.UPDATE,
            "update content of /etc/f",
            (want,),
            "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1 @@\n+x\n",
        )
    ]


def test_a_file_with_the_right_content_only_gets_its_attributes_fixed() -> None:
    a = FileArgs(path="/etc/f", content="x\n", mode="0600", user="app")
    assert FILE_OP.plan(a, facts("/etc/f", FILE, text(b"x\n"))) == [
        Change(Action.UPDATE, "mode 0644 → 0600", (sh("chmod", "0600", "/etc/f"),)),
        Change(Action.UPDATE, "owner root → app", (sh("chown", "app", "/etc/f"),)),
    ]


def test_an_existing_file_without_declared_content_keeps_it() -> None:
    a = FileArgs(path="/etc/f", mode="0640", user="app", group="web")
    assert FILE_OP.plan(a, facts("/etc/f", FILE)) == [
        Change(Action.UPDATE, "mode 0644 → 0640", (sh("chmod", "0640", "/etc/f"),)),
        Change(Action.UPDATE, "owner root → app", (sh("chown", "app", "/etc/f"),)),
        Change(Action.UPDATE, "group root → web", (sh("chgrp", "web", "/etc/f"),)),
    ]


def test_the_effects_of_written_content() -> None:
    a = FileArgs(path="/etc/f", content="héllo\n", mode="600", user="app", group="web")
    data = "héllo\n".encode()
    assert FILE_OP.effects(a, facts("/etc/f", None, None)) == {
        FileContent.ref(path="/etc/f"): Content(sha(data), data),
        FileInfo.ref(path="/etc/f"): FileStat("file", "0600", "app", "web", 7),
    }


def test_the_effects_of_a_touch_on_an_existing_file_keep_its_size_and_content() -> None:
    st = FileStat("file", "0640", "app", "web", 10)
    assert FILE_OP.effects(FileArgs(path="/etc/f"), facts("/etc/f", st)) == {
        FileInfo.ref(path="/etc/f"): FileStat("file", "0640", "app", "web", 10)
    }
    # content that was read stays as it was (only a missing file becomes empty)
    assert FILE_OP.effects(FileArgs(path="/etc/f"), facts("/etc/f", st, text(b"0123456789"))) == {
        FileInfo.ref(path="/etc/f"): FileStat("file", "0640", "app", "web", 10)
    }


def test_the_effects_of_a_touch_on_a_missing_file_make_it_empty() -> None:
    a = FileArgs(path="/etc/f", group="web")
    assert FILE_OP.effects(a, facts("/etc/f", None, None)) == {
        FileContent.ref(path="/etc/f"): Content(sha(b""), b""),
        FileInfo.ref(path="/etc/f"): FileStat("file", "0644", "root", "web", 0),
    }
    assert FILE_OP.effects(a, facts("/etc/f", None)) == {
        FileInfo.ref(path="/etc/f"): FileStat("file", "0644", "root", "web", 0)
    }


# -- files.line: edit_lines -----------------------------------------------------------------


def test_removing_a_line_also_removes_the_lines_the_regex_matches() -> None:
    a = LineArgs(path="/f", line="a=9", regex="^a=", present=False)
    assert edit_lines("a=1\nb=2\na=3\n", a) == "b=2\n"


def test_removing_keeps_every_other_line_in_order() -> None:
    a = LineArgs(path="/f", line="b", present=False)
    assert edit_lines("a\nb\nc\nb\n", a) == "a\nc\n"


def test_removing_a_line_that_is_not_there_leaves_the_text_byte_for_byte() -> None:
    a = LineArgs(path="/f", line="z", present=False)
    assert edit_lines("a\nb", a) == "a\nb"


def test_a_line_already_there_leaves_the_text_byte_for_byte() -> None:
    assert edit_lines("a\nb", LineArgs(path="/f", line="b")) == "a\nb"
    assert edit_lines("a=1\nb", LineArgs(path="/f", line="a=1", regex="^a=")) == "a=1\nb"


def test_regex_matches_are_replaced_and_a_missing_line_appended() -> None:
    assert edit_lines("a=1\nb\na=2", LineArgs(path="/f", line="a=3", regex="^a=")) == (
        "a=3\nb\na=3\n"
    )
    assert edit_lines("b", LineArgs(path="/f", line="a=3", regex="^a=")) == "b\na=3\n"


# -- files.line: plan and effects -----------------------------------------------------------


LINE = Line()


def test_a_line_in_a_directory_is_refused() -> None:
    with pytest.raises(PlanError) as e:
        LINE.plan(LineArgs(path="/etc/f", line="x"), facts("/etc/f", DIR, None))
    assert str(e.value) == "/etc/f exists and is a directory, not a regular file"


def test_a_line_in_a_file_too_big_to_read_is_refused() -> None:
    with pytest.raises(PlanError) as e:
        LINE.plan(LineArgs(path="/etc/f", line="x"), facts("/etc/f", FILE, Content("0" * 64, None)))
    assert str(e.value) == "/etc/f is larger than specops edits line by line"


def test_a_line_creates_its_missing_file_checked() -> None:
    a = LineArgs(path="/etc/f", line="x", validate="check %s")
    assert LINE.plan(a, facts("/etc/f", None, None)) == [
        Change(
            Action.CREATE,
            "create /etc/f with line 'x'",
            (write_if_unchanged("/etc/f", None, b"x\n", validate="check %s"),),
            "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1 @@\n+x\n",
        )
    ]


def test_an_added_line_is_checked_before_it_replaces_the_file() -> None:
    a = LineArgs(path="/etc/f", line="x", validate="check %s")
    assert LINE.plan(a, facts("/etc/f", FILE, text(b"a\n"))) == [
        Change(
            Action.UPDATE,
            "add line 'x' in /etc/f",
            (write_if_unchanged("/etc/f", b"a\n", b"a\nx\n", validate="check %s"),),
            "--- /etc/f\n+++ /etc/f\n@@ -1 +1,2 @@\n a\n+x\n",
        )
    ]


def test_bytes_that_are_not_utf8_survive_a_line_edit() -> None:
    a = LineArgs(path="/etc/f", line="x")
    old = b"\xff\n"
    (ch,) = LINE.plan(a, facts("/etc/f", FILE, text(old)))
    assert ch.commands == (write_if_unchanged("/etc/f", old, b"\xff\nx\n"),)
    assert ch.diff == "binary content: 2 → 4 bytes\n"


def test_removing_a_line_and_its_matches_says_both() -> None:
    a = LineArgs(path="/etc/f", line="a=1", regex="^a=", present=False)
    (ch,) = LINE.plan(a, facts("/etc/f", FILE, text(b"a=2\nb\n")))
    assert ch.summary == "remove line 'a=1' and lines matching '^a=' in /etc/f"
    a = LineArgs(path="/etc/f", line="b", present=False)
    (ch,) = LINE.plan(a, facts("/etc/f", FILE, text(b"a=2\nb\n")))
    assert ch.summary == "remove line 'b' in /etc/f"


def test_the_effects_of_a_line_in_a_missing_file() -> None:
    a = LineArgs(path="/etc/f", line="x")
    assert LINE.effects(a, facts("/etc/f", None, None)) == {
        FileContent.ref(path="/etc/f"): Content(sha(b"x\n"), b"x\n"),
        FileInfo.ref(path="/etc/f"): FileStat("file", "0644", "root", "root", 2),
    }
    assert (
        LINE.effects(LineArgs(path="/etc/f", line="x", present=False), facts("/etc/f", None, None))
        == {}
    )


def test_the_effects_of_a_line_edit_keep_the_file_attributes() -> None:
    st = FileStat("file", "0600", "app", "web", 4)
    a = LineArgs(path="/etc/f", line="x")
    assert LINE.effects(a, facts("/etc/f", st, text(b"\xff\nb\n"))) == {
        FileContent.ref(path="/etc/f"): text(b"\xff\nb\nx\n"),
        FileInfo.ref(path="/etc/f"): FileStat("file", "0600", "app", "web", 6),
    }
    gone = LineArgs(path="/etc/f", line="b", present=False)
    assert LINE.effects(gone, facts("/etc/f", st, text(b"a\nb\n"))) == {
        FileContent.ref(path="/etc/f"): text(b"a\n"),
        FileInfo.ref(path="/etc/f"): FileStat("file", "0600", "app", "web", 2),
    }


# -- files.link -----------------------------------------------------------------------------


def test_the_effects_of_a_link() -> None:
    a = LinkArgs(path="/srv/current", target="releases/42")
    assert Link().effects(a, facts("/srv/current", None)) == {
        FileInfo.ref(path="/srv/current"): FileStat(
            "link", "0777", "root", "root", 11, "releases/42"
        )
    }


def test_relinking_a_link_without_a_directory_works_in_the_current_one() -> None:
    assert relink("cur", "v2").display() == (
        "d=$(mktemp -d -- ./.specops-link-XXXXXXXX ) && ln -s -- v2 "
        '"$d/l" && mv -Tf -- "$d/l" cur && rmdir -- "$d"'
    )


# -- files.absent ---------------------------------------------------------------------------


ABSENT = Absent()


@pytest.mark.parametrize(
    ("kind", "what"),
    [("link", "link"), ("directory", "directory"), ("file", "file"), ("other", "file")],
)
def test_what_is_removed_is_named(kind: Any, what: str) -> None:
    st = FileStat(kind, "0644", "root", "root", 0)
    assert ABSENT.plan(AbsentArgs(path="/srv/x"), facts("/srv/x", st)) == [
        Change(Action.DELETE, f"remove {what} /srv/x", (sh("rm", "-rf", "--", "/srv/x"),))
    ]


@pytest.mark.parametrize("path", ["/", "//", "///"])
def test_the_root_is_never_removed(path: str) -> None:
    with pytest.raises(PlanError) as e:
        ABSENT.plan(AbsentArgs(path=path), facts(path, DIR))
    assert str(e.value) == "refusing to remove /"


def test_a_path_ending_in_a_slash_is_removed() -> None:
    (ch,) = ABSENT.plan(AbsentArgs(path="/srv/x/"), facts("/srv/x/", DIR))
    assert ch.summary == "remove directory /srv/x/"


def test_the_effects_of_a_removal() -> None:
    assert ABSENT.effects(AbsentArgs(path="/srv/x"), facts("/srv/x", FILE)) == {
        FileInfo.ref(path="/srv/x"): None,
        FileContent.ref(path="/srv/x"): None,
    }
