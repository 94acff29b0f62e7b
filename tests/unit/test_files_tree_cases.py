"""Whole trees on the host (runtime/operations/files/tree.py): files.attrs and
files.extract, their plans, effects and declarations on plain facts; expected values by hand."""

from __future__ import annotations

from typing import Any

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, PlanError
from specops.runtime.core.reach import Reach
from specops.runtime.facts.files import FileInfo, FileStat, Tree, TreeEntry
from specops.runtime.operations.files.tree import Attrs, AttrsArgs, Extract, ExtractArgs

ROOT = "/srv/tree"
TOP = FileStat("directory", "0700", "root", "root", 4096)


def attrs_facts(tree: dict[str, TreeEntry] | None, top: FileStat | None) -> Facts:
    values: dict[Any, Any] = {Tree.ref(path=ROOT): tree, FileInfo.ref(path=ROOT): top}
    return Facts(values)


def entry(kind: Any, mode: str, user: str = "root", group: str = "root") -> TreeEntry:
    return TreeEntry(kind, mode, user, group, 0)


def count(a: AttrsArgs, tree: dict[str, TreeEntry], top: FileStat = TOP) -> str | None:
    """The summary of the one change Attrs plans, or None when it plans none."""
    changes = Attrs().plan(a, attrs_facts(tree, top))
    if not changes:
        return None
    (ch,) = changes
    assert ch.action is Action.UPDATE
    return ch.summary


# -- files.attrs: what is off ---------------------------------------------------------------


def test_the_top_directory_counts_with_the_directory_mode() -> None:
    a = AttrsArgs(path=ROOT, dir_mode="0755")
    assert count(a, {}) == "set owner and modes of 1 entries under /srv/tree"
    # the top is a directory: the file mode does not apply to it
    assert count(AttrsArgs(path=ROOT, file_mode="0700"), {}) is None


def test_a_directory_entry_with_the_wrong_mode_counts() -> None:
    a = AttrsArgs(path=ROOT, dir_mode="755")
    tree = {"sub": entry("directory", "0700"), "f": entry("file", "0600")}
    assert count(a, tree, FileStat("directory", "0755", "root", "root", 0)) == (
        "set owner and modes of 1 entries under /srv/tree"
    )


def test_a_user_or_a_group_alone_counts() -> None:
    tree = {"f": entry("file", "0644", "app", "root"), "g": entry("file", "0644", "root", "web")}
    top = FileStat("directory", "0755", "app", "web", 0)
    assert count(AttrsArgs(path=ROOT, user="app"), tree, top) == (
        "set owner and modes of 1 entries under /srv/tree"
    )
    assert count(AttrsArgs(path=ROOT, group="web"), tree, top) == (
        "set owner and modes of 1 entries under /srv/tree"
    )


def test_links_and_other_entries_never_count_for_modes() -> None:
    tree = {"l": entry("link", "0777"), "p": entry("other", "0600")}
    top = FileStat("directory", "0755", "root", "root", 0)
    assert count(AttrsArgs(path=ROOT, file_mode="0644", dir_mode="0755"), tree, top) is None
    # but another entry's owner is set like any file's; a link's is not looked at
    assert count(AttrsArgs(path=ROOT, user="app"), {"p": tree["p"]}, top) == (
        "set owner and modes of 2 entries under /srv/tree"
    )
    top_app = FileStat("directory", "0755", "app", "root", 0)
    assert count(AttrsArgs(path=ROOT, user="app"), {"l": tree["l"]}, top_app) is None


def test_attrs_of_a_file_or_nothing_is_refused() -> None:
    for tree, top in ((None, FileStat("file", "0644", "root", "root", 1)), (None, None)):
        with pytest.raises(PlanError) as e:
            Attrs().plan(AttrsArgs(path=ROOT, user="app"), attrs_facts(tree, top))
        assert str(e.value) == "/srv/tree is not a directory"


def test_attrs_commands() -> None:
    a = AttrsArgs(path=ROOT, group="web", file_mode="0640")
    (ch,) = Attrs().plan(a, attrs_facts({}, TOP))
    assert [c.display() for c in ch.commands] == [
        "chown -R --no-dereference -- :web /srv/tree",
        "find /srv/tree -type f ! -perm 0640 -exec chmod 0640 {} +",
    ]


# -- files.attrs: effects and declarations --------------------------------------------------


def test_the_effects_of_attrs_set_each_entry_by_its_type() -> None:
    a = AttrsArgs(path=ROOT, user="app", file_mode="644", dir_mode="0755")
    tree = {
        "f": entry("file", "0600", "root", "web"),
        "d": entry("directory", "0700"),
        "l": entry("link", "0777", "root", "web"),
    }
    assert Attrs().effects(a, attrs_facts(tree, TOP)) == {
        Tree.ref(path=ROOT): {
            "f": entry("file", "0644", "app", "web"),
            "d": entry("directory", "0755", "app", "root"),
            "l": entry("link", "0777", "app", "web"),
        },
        FileInfo.ref(path=ROOT): FileStat("directory", "0755", "app", "root", 4096),
    }


def test_the_effects_of_attrs_keep_what_is_not_declared() -> None:
    a = AttrsArgs(path=ROOT, group="web")
    tree = {"f": entry("file", "600"), "l": entry("link", "0777")}
    assert Attrs().effects(a, attrs_facts(tree, TOP)) == {
        Tree.ref(path=ROOT): {
            "f": entry("file", "0600", "root", "web"),
            "l": entry("link", "0777", "root", "web"),
        },
        FileInfo.ref(path=ROOT): FileStat("directory", "0700", "root", "web", 4096),
    }


def test_the_effects_of_attrs_on_nothing() -> None:
    assert Attrs().effects(AttrsArgs(path=ROOT, user="app"), attrs_facts(None, None)) == {
        Tree.ref(path=ROOT): {}
    }


def test_attrs_declare_the_top_and_everything_below() -> None:
    a = AttrsArgs(path=ROOT, user="app", file_mode="644", dir_mode="755")
    assert Attrs().attributes(a) == [
        PathAttrs(ROOT, {"mode": "0755", "user": "app"}, is_dir=True),
        PathAttrs(ROOT, {"user": "app"}, True),
        PathAttrs(ROOT, {"mode": "0644"}, True, False),
        PathAttrs(ROOT, {"mode": "0755"}, True, True),
    ]
    assert Attrs().attributes(AttrsArgs(path=ROOT, group="web")) == [
        PathAttrs(ROOT, {"group": "web"}, is_dir=True),
        PathAttrs(ROOT, {"group": "web"}, True),
    ]
    assert Attrs().attributes(AttrsArgs(path=ROOT)) == []


# -- files.extract --------------------------------------------------------------------------


ARCHIVE, INTO, CREATES = "/opt/t.tgz", "/opt/t", "/opt/t/bin/t"


def extract_facts(creates: FileStat | None) -> Facts:
    values: dict[Any, Any] = {FileInfo.ref(path=CREATES): creates, FileInfo.ref(path=ARCHIVE): None}
    return Facts(values)


def test_extract_without_options() -> None:
    a = ExtractArgs(archive=ARCHIVE, path=INTO, creates=CREATES)
    (ch,) = Extract().plan(a, extract_facts(None))
    assert (ch.action, ch.summary) == (Action.CREATE, "extract /opt/t.tgz into /opt/t")
    assert [c.display() for c in ch.commands] == [
        "mkdir -p -- /opt/t",
        "[ -e /opt/t/bin/t ] || tar -x -f /opt/t.tgz -C /opt/t",
        "[ -e /opt/t/bin/t ] || { echo '/opt/t.tgz did not contain /opt/t/bin/t' >&2; exit 1; }",
    ]


def test_extract_with_a_strip_and_an_owner() -> None:
    a = ExtractArgs(archive=ARCHIVE, path=INTO, creates=CREATES, strip_components=1, user="app")
    (ch,) = Extract().plan(a, extract_facts(None))
    assert [c.display() for c in ch.commands] == [
        "mkdir -p -- /opt/t",
        "[ -e /opt/t/bin/t ] || tar -x -f /opt/t.tgz -C /opt/t --strip-components=1 "
        "--no-same-owner",
        "[ -e /opt/t/bin/t ] || { echo '/opt/t.tgz did not contain /opt/t/bin/t' >&2; exit 1; }",
        "chown -R --no-dereference -- app /opt/t",
    ]


def test_extract_is_done_once_its_file_exists() -> None:
    a = ExtractArgs(archive=ARCHIVE, path=INTO, creates=CREATES)
    assert Extract().plan(a, extract_facts(FileStat("file", "0755", "root", "root", 9))) == []


def test_the_effects_reach_and_reads_of_extract() -> None:
    a = ExtractArgs(archive=ARCHIVE, path=INTO, creates=CREATES)
    assert Extract().effects(a, extract_facts(None)) == {
        FileInfo.ref(path=CREATES): FileStat("file", "0644", "root", "root", 0)
    }
    owned = ExtractArgs(archive=ARCHIVE, path=INTO, creates=CREATES, user="app")
    assert Extract().effects(owned, extract_facts(None)) == {
        FileInfo.ref(path=CREATES): FileStat("file", "0644", "app", "root", 0)
    }
    assert Extract().reach(a) == Reach(paths=("/opt/t",))
    assert Extract().reads(a) == ["/opt/t/bin/t"]
    assert Extract().facts(a) == [FileInfo.ref(path=CREATES), FileInfo.ref(path=ARCHIVE)]
