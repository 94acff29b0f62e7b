"""Content from elsewhere (specops/runtime/operations/files/transfer.py and sync.py): template
rendering and its bounds, files.template / copy / sync / download plans, effects and declarations.

Controller files are made in tmp_path with explicit modes; expected values by hand.
Atomic writes are compared with ``write_file`` (its exact text: test_writes_cases.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, PlanError
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat, Tree, TreeEntry
from specops.runtime.facts.host import OsRelease, Uname
from specops.runtime.kit.writes import write_file
from specops.runtime.operations.files import transfer as files_transfer
from specops.runtime.operations.files.sync import (
    Copy,
    CopyArgs,
    Sync,
    SyncArgs,
    tree_after,
    tree_changes,
)
from specops.runtime.operations.files.transfer import (
    MAX_RENDERED,
    Download,
    DownloadArgs,
    Template,
    TemplateArgs,
    fetch,
    render,
)

DEST = "/srv/site"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: str, mode: int) -> Path:
    path.write_text(data)
    os.chmod(path, mode)
    return path


def tpl(tmp_path: Path, source: str, **vars: Any) -> TemplateArgs:
    return TemplateArgs(
        path="/etc/app.conf", src=str(write(tmp_path / "t.j2", source, 0o644)), vars=vars
    )


# -- render ---------------------------------------------------------------------------------


def test_a_template_sees_its_vars_by_name_and_as_vars(tmp_path: Path) -> None:
    a = tpl(tmp_path, "{{ port }} {{ vars.port }} {{ facts.x }}\n", port=80)
    assert render(a, {"x": "y"}) == b"80 80 y\n"


def test_a_rendered_file_may_be_exactly_10_mib(tmp_path: Path) -> None:
    assert MAX_RENDERED == 10 * 1024 * 1024
    a = tpl(tmp_path, "{{ x }}", x="a" * MAX_RENDERED)
    assert len(render(a, {})) == MAX_RENDERED


def test_a_rendered_file_past_10_mib_is_refused(tmp_path: Path) -> None:
    # two pieces: the size is counted over the whole output, not the last piece
    a = tpl(tmp_path, "{{ x }}b", x="a" * MAX_RENDERED)
    with pytest.raises(PlanError) as e:
        render(a, {})
    assert str(e.value) == f"{a.src}: the rendered file would be larger than 10 MiB"


def test_a_template_that_renders_too_long_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_transfer, "RENDER_SECONDS", 0.0)
    a = tpl(tmp_path, "{% for i in range(1000) %}x{% endfor %}")
    with pytest.raises(PlanError) as e:
        render(a, {})
    assert str(e.value) == f"{a.src}: rendering took longer than 0 s"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ ''.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe."),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "the template recurses too deeply (a macro calling itself?)",
        ),
        (
            "{% include 'other.j2' %}",
            "rendering failed: TypeError: no loader for this environment specified",
        ),
    ],
)
def test_template_errors_are_plan_errors_naming_the_template(
    tmp_path: Path, source: str, why: str
) -> None:
    a = tpl(tmp_path, source)
    with pytest.raises(PlanError) as e:
        render(a, {})
    assert str(e.value) == f"{a.src}: {why}"


def test_a_template_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    for src, why in (
        (tmp_path, "it is not a regular file"),
        (tmp_path / "no", "No such file or directory"),
    ):
        a = TemplateArgs(path="/etc/app.conf", src=str(src))
        with pytest.raises(PlanError) as e:
            render(a, {})
        assert str(e.value) == f"cannot read template {src}: {why}"


# -- files.template -------------------------------------------------------------------------


def template_facts(st: FileStat | None, cur: Content | None) -> Facts:
    values: dict[Any, Any] = {
        FileInfo.ref(path="/etc/app.conf"): st,
        FileContent.ref(path="/etc/app.conf"): cur,
        OsRelease.ref(): {"id": "debian"},
        Uname.ref(): {"hostname": "web1", "arch": "x86_64", "kernel": "6.1"},
    }
    return Facts(values)


def test_a_template_is_written_with_its_owner_and_checked(tmp_path: Path) -> None:
    a = TemplateArgs(
        path="/etc/app.conf",
        src=str(write(tmp_path / "t.j2", "{{ facts.hostname }} {{ facts.os.id }}\n", 0o644)),
        user="app",
        group="web",
        validate="check %s",
    )
    data = b"web1 debian\n"
    want = write_file(
        "/etc/app.conf",
        data,
        mode=None,
        user="app",
        group="web",
        existing=False,
        validate="check %s",
    )
    assert Template().plan(a, template_facts(None, None)) == [
        Change(
            Action.CREATE,
            "create file /etc/app.conf (12 bytes)",
            (want,),
            "--- /dev/null\n+++ /etc/app.conf\n@@ -0,0 +1 @@\n+web1 debian\n",
        )
    ]


def test_the_effects_of_a_template(tmp_path: Path) -> None:
    a = TemplateArgs(
        path="/etc/app.conf",
        src=str(write(tmp_path / "t.j2", "{{ facts.arch }}\n", 0o644)),
        mode="600",
        group="web",
    )
    st = FileStat("file", "0644", "app", "root", 3)
    assert Template().effects(a, template_facts(st, Content(sha(b"x\n"), b"x\n"))) == {
        FileContent.ref(path="/etc/app.conf"): Content(sha(b"x86_64\n"), b"x86_64\n"),
        FileInfo.ref(path="/etc/app.conf"): FileStat("file", "0600", "app", "web", 7),
    }
    owned = TemplateArgs(path="/etc/app.conf", src=a.src, user="u")
    assert Template().effects(owned, template_facts(None, None)) == {
        FileContent.ref(path="/etc/app.conf"): Content(sha(b"x86_64\n"), b"x86_64\n"),
        FileInfo.ref(path="/etc/app.conf"): FileStat("file", "0644", "u", "root", 7),
    }


def test_a_template_declares_its_attributes() -> None:
    a = TemplateArgs(path="/etc/app.conf", src="t.j2", mode="640", user="app", group="web")
    assert Template().attributes(a) == [
        PathAttrs("/etc/app.conf", {"mode": "0640", "user": "app", "group": "web"}, is_dir=False)
    ]


# -- files.copy of one file -----------------------------------------------------------------


def file_facts(path: str, st: FileStat | None, cur: Content | None) -> Facts:
    values: dict[Any, Any] = {FileInfo.ref(path=path): st, FileContent.ref(path=path): cur}
    return Facts(values)


def test_a_copied_file_keeps_the_controllers_mode_and_gets_its_owner(tmp_path: Path) -> None:
    src = write(tmp_path / "app.conf", "a\n", 0o640)
    a = CopyArgs(src=str(src), path="/etc/app.conf", group="web")
    assert Copy().facts(a) == [
        FileInfo.ref(path="/etc/app.conf"),
        FileContent.ref(path="/etc/app.conf"),
    ]
    want = write_file("/etc/app.conf", b"a\n", mode="0640", user=None, group="web", existing=False)
    assert Copy().plan(a, file_facts("/etc/app.conf", None, None)) == [
        Change(
            Action.CREATE,
            "create file /etc/app.conf (2 bytes)",
            (want,),
            "--- /dev/null\n+++ /etc/app.conf\n@@ -0,0 +1 @@\n+a\n",
        )
    ]


def test_a_copy_from_a_missing_file_is_refused(tmp_path: Path) -> None:
    a = CopyArgs(src=str(tmp_path / "gone"), path="/etc/app.conf")
    with pytest.raises(PlanError) as e:
        Copy().plan(a, file_facts("/etc/app.conf", None, None))
    assert str(e.value) == f"cannot read file {tmp_path}/gone: No such file or directory"
    # gone between the plan and the prediction of its effects
    moded = CopyArgs(src=str(tmp_path / "gone"), path="/etc/app.conf", mode="0644")
    with pytest.raises(PlanError) as e:
        Copy().effects(moded, file_facts("/etc/app.conf", None, None))
    assert str(e.value) == f"cannot read file {tmp_path}/gone: No such file or directory"


def test_a_tree_holding_a_fifo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    os.mkfifo(tmp_path / "site" / "pipe")
    a = CopyArgs(src=str(tmp_path / "site"), path=DEST)
    with pytest.raises(PlanError) as e:
        tree_changes(a, None, delete=False)
    assert str(e.value) == f"{tmp_path}/site/pipe is neither a file nor a directory"


def test_the_effects_of_a_copied_file(tmp_path: Path) -> None:
    src = write(tmp_path / "app.conf", "abc", 0o600)
    st = FileStat("file", "0644", "app", "web", 1)
    a = CopyArgs(src=str(src), path="/etc/app.conf", user="u")
    assert Copy().effects(a, file_facts("/etc/app.conf", st, None)) == {
        FileContent.ref(path="/etc/app.conf"): Content(sha(b"abc"), b"abc"),
        FileInfo.ref(path="/etc/app.conf"): FileStat("file", "0600", "u", "web", 3),
    }
    moded = CopyArgs(src=str(src), path="/etc/app.conf", mode="0644", group="g")
    assert Copy().effects(moded, file_facts("/etc/app.conf", None, None)) == {
        FileContent.ref(path="/etc/app.conf"): Content(sha(b"abc"), b"abc"),
        FileInfo.ref(path="/etc/app.conf"): FileStat("file", "0644", "root", "g", 3),
    }


# -- trees: tree_changes and tree_after -----------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A controller tree: a (0644), sub/ (0755), sub/b (0600); os.walk lists sub before a."""
    root = tmp_path / "site"
    (root / "sub").mkdir(parents=True)
    os.chmod(root / "sub", 0o755)
    write(root / "a", "A\n", 0o644)
    write(root / "sub" / "b", "B\n", 0o600)
    return root


def test_a_tree_into_a_missing_directory(site: Path) -> None:
    a = CopyArgs(src=str(site), path=DEST, mode="0600", user="app", group="web")

    def new(rel: str, data: bytes) -> Change:
        path = f"{DEST}/{rel}"
        cmd = write_file(path, data, mode="0600", user="app", group="web", existing=False)
        return Change(Action.CREATE, f"create {path} ({len(data)} bytes)", (cmd,))

    assert tree_changes(a, None, delete=False) == [
        Change(Action.CREATE, "create directory /srv/site", (sh("mkdir", "-p", "--", DEST),)),
        # a declared mode is for files: directories keep the controller's
        Change(
            Action.CREATE,
            "create directory /srv/site/sub",
            (sh("mkdir", "-p", "-m", "0755", "--", f"{DEST}/sub"),),
        ),
        new("a", b"A\n"),
        new("sub/b", b"B\n"),
    ]


def one_file(tmp_path: Path) -> Path:
    root = tmp_path / "one"
    root.mkdir()
    write(root / "a", "A\n", 0o644)
    return root


@pytest.mark.parametrize(
    ("user", "group", "have_user", "have_group", "rewritten"),
    [
        ("app", None, "app", "root", False),
        ("app", None, "root", "root", True),
        (None, "web", "root", "root", True),
        (None, "web", "root", "web", False),
        ("app", "web", "app", "web", False),
        (None, None, "x", "y", False),
    ],
)
def test_a_file_with_the_right_content_is_rewritten_only_for_its_owner(
    tmp_path: Path,
    user: str | None,
    group: str | None,
    have_user: str,
    have_group: str,
    rewritten: bool,
) -> None:
    a = CopyArgs(src=str(one_file(tmp_path)), path=DEST, user=user, group=group)
    have = {"a": TreeEntry("file", "0644", have_user, have_group, 2, sha(b"A\n"))}
    cmd = write_file(f"{DEST}/a", b"A\n", mode="0644", user=user, group=group, existing=True)
    want = [Change(Action.UPDATE, "update /srv/site/a (2 bytes)", (cmd,))] if rewritten else []
    assert tree_changes(a, have, delete=False) == want


def test_a_file_whose_mode_differs_from_the_declared_one_is_rewritten(tmp_path: Path) -> None:
    a = CopyArgs(src=str(one_file(tmp_path)), path=DEST, mode="600")
    have = {"a": TreeEntry("file", "0644", "root", "root", 2, sha(b"A\n"))}
    cmd = write_file(f"{DEST}/a", b"A\n", mode="600", user=None, group=None, existing=True)
    assert tree_changes(a, have, delete=False) == [
        Change(Action.UPDATE, "update /srv/site/a (2 bytes)", (cmd,))
    ]
    have600 = {"a": TreeEntry("file", "0600", "root", "root", 2, sha(b"A\n"))}
    assert tree_changes(a, have600, delete=False) == []


def test_a_directory_where_a_file_goes_is_refused(tmp_path: Path) -> None:
    a = CopyArgs(src=str(one_file(tmp_path)), path=DEST)
    with pytest.raises(PlanError) as e:
        tree_changes(a, {"a": TreeEntry("directory", "0755", "root", "root", 0)}, delete=False)
    assert str(e.value) == "/srv/site/a exists and is a directory"


def test_extras_are_removed_from_their_top_only(tmp_path: Path) -> None:
    a = SyncArgs(src=str(one_file(tmp_path)), path=DEST)
    have = {
        "a": TreeEntry("file", "0644", "root", "root", 2, sha(b"A\n")),
        "x": TreeEntry("directory", "0755", "root", "root", 0),
        "x/y": TreeEntry("file", "0644", "root", "root", 0, sha(b"")),
        "z": TreeEntry("link", "0777", "root", "root", 1, None, "a"),
    }
    assert tree_changes(a, have, delete=True) == [
        Change(Action.DELETE, "remove /srv/site/x", (sh("rm", "-rf", "--", f"{DEST}/x"),)),
        Change(Action.DELETE, "remove /srv/site/z", (sh("rm", "-rf", "--", f"{DEST}/z"),)),
    ]
    assert tree_changes(a, have, delete=False) == []


HAVE = {
    "a": TreeEntry("file", "0600", "app", "web", 9, sha(b"old")),
    "sub": TreeEntry("directory", "0700", "app", "web", 4096),
    "old": TreeEntry("file", "0644", "root", "root", 1, sha(b"o")),
}


def test_the_tree_after_a_copy_keeps_extras_and_existing_directories(site: Path) -> None:
    a = CopyArgs(src=str(site), path=DEST)
    assert tree_after(a, HAVE, delete=False) == {
        "a": TreeEntry("file", "0644", "app", "web", 2, sha(b"A\n")),
        "sub": HAVE["sub"],
        "old": HAVE["old"],
        "sub/b": TreeEntry("file", "0600", "root", "root", 2, sha(b"B\n")),
    }


def test_the_tree_after_a_sync_drops_extras(site: Path) -> None:
    a = SyncArgs(src=str(site), path=DEST, mode="640", user="u", group="g")
    assert tree_after(a, HAVE, delete=True) == {
        "sub": HAVE["sub"],
        "a": TreeEntry("file", "0640", "u", "g", 2, sha(b"A\n")),
        "sub/b": TreeEntry("file", "0640", "u", "g", 2, sha(b"B\n")),
    }


def test_the_tree_after_a_copy_into_nothing(site: Path) -> None:
    a = CopyArgs(src=str(site), path=DEST)
    assert tree_after(a, None, delete=False) == {
        "sub": TreeEntry("directory", "0755", "root", "root", 4096),
        "a": TreeEntry("file", "0644", "root", "root", 2, sha(b"A\n")),
        "sub/b": TreeEntry("file", "0600", "root", "root", 2, sha(b"B\n")),
    }


def test_copy_and_sync_of_a_tree_predict_the_tree(site: Path) -> None:
    facts = Facts({Tree.ref(path=DEST): dict(HAVE)})
    copy = CopyArgs(src=str(site), path=DEST)
    assert Copy().facts(copy) == [Tree.ref(path=DEST)]
    assert Copy().effects(copy, facts) == {Tree.ref(path=DEST): tree_after(copy, HAVE, False)}
    assert len(Copy().effects(copy, facts)[Tree.ref(path=DEST)]) == 4
    sync = SyncArgs(src=str(site), path=DEST)
    assert Sync().effects(sync, facts) == {Tree.ref(path=DEST): tree_after(sync, HAVE, True)}
    assert len(Sync().effects(sync, facts)[Tree.ref(path=DEST)]) == 3
    kept = SyncArgs(src=str(site), path=DEST, delete=False)
    assert len(Sync().effects(kept, facts)[Tree.ref(path=DEST)]) == 4


def test_a_sync_from_something_else_than_a_directory_is_refused(tmp_path: Path) -> None:
    src = write(tmp_path / "f", "x", 0o644)
    with pytest.raises(PlanError) as e:
        Sync().plan(SyncArgs(src=str(src), path=DEST), Facts({Tree.ref(path=DEST): None}))
    assert str(e.value) == f"{src} is not a directory on the controller"


# -- files.download -------------------------------------------------------------------------


URL = "https://e.org/t"
DIGEST = "ab" * 32


def download_facts(st: FileStat | None, cur: Content | None) -> Facts:
    return file_facts("/opt/t", st, cur)


def test_a_download_into_the_current_directory_gets_the_default_mode() -> None:
    a = DownloadArgs(url=URL, path="/opt/t")
    assert fetch(URL, "t", None, a, existing=False).display() == (
        "t=$(mktemp -- ./.t.specops-XXXXXXXX ) && { if command -v curl >/dev/null; then "
        'curl -fsSL -o "$t" -- https://e.org/t ; elif command -v wget >/dev/null; then '
        'wget -q -O "$t" -- https://e.org/t ; else python3 -c '
        "'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "
        'https://e.org/t "$t"; fi && chmod 0644 "$t" && mv -f -- "$t" t ; } '
        '|| { rm -f -- "$t"; exit 1; }'
    )


def test_a_download_over_a_file_keeps_its_mode_unless_one_is_declared() -> None:
    a = DownloadArgs(url=URL, path="/opt/t", user="app")
    assert fetch(URL, "/opt/t", None, a, existing=True).display() == (
        "t=$(mktemp -- /opt/.t.specops-XXXXXXXX ) && { if command -v curl >/dev/null; then "
        'curl -fsSL -o "$t" -- https://e.org/t ; elif command -v wget >/dev/null; then '
        'wget -q -O "$t" -- https://e.org/t ; else python3 -c '
        "'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "
        'https://e.org/t "$t"; fi && chmod --reference /opt/t "$t" && chown --reference /opt/t '
        '"$t" && chown app "$t" && mv -f -- "$t" /opt/t ; } || { rm -f -- "$t"; exit 1; }'
    )


def test_a_download_over_a_directory_is_refused() -> None:
    st = FileStat("directory", "0755", "root", "root", 0)
    with pytest.raises(PlanError) as e:
        Download().plan(DownloadArgs(url=URL, path="/opt/t"), download_facts(st, None))
    assert str(e.value) == "/opt/t exists and is a directory, not a regular file"


def test_a_file_that_is_kept_only_gets_its_attributes_fixed() -> None:
    st = FileStat("file", "0644", "root", "root", 5)
    fixes = [
        Change(Action.UPDATE, "mode 0644 → 0755", (sh("chmod", "0755", "/opt/t"),)),
        Change(Action.UPDATE, "owner root → app", (sh("chown", "app", "/opt/t"),)),
        Change(Action.UPDATE, "group root → web", (sh("chgrp", "web", "/opt/t"),)),
    ]
    unchecked = DownloadArgs(url=URL, path="/opt/t", mode="0755", user="app", group="web")
    assert Download().plan(unchecked, download_facts(st, None)) == fixes
    checked = DownloadArgs(
        url=URL, path="/opt/t", sha256=DIGEST, mode="0755", user="app", group="web"
    )
    assert Download().plan(checked, download_facts(st, Content(DIGEST, None))) == fixes


def test_the_effects_of_a_download() -> None:
    a = DownloadArgs(url=URL, path="/opt/t", sha256=DIGEST)
    assert Download().effects(a, download_facts(None, None)) == {
        FileInfo.ref(path="/opt/t"): FileStat("file", "0644", "root", "root", 0),
        FileContent.ref(path="/opt/t"): Content(DIGEST, None),
    }
    st = FileStat("file", "0600", "app", "web", 5)
    kept = DownloadArgs(url=URL, path="/opt/t")
    assert Download().effects(kept, download_facts(st, None)) == {
        FileInfo.ref(path="/opt/t"): FileStat("file", "0600", "app", "web", 5)
    }
    declared = DownloadArgs(url=URL, path="/opt/t", mode="755", user="u", group="g")
    assert Download().effects(declared, download_facts(st, None)) == {
        FileInfo.ref(path="/opt/t"): FileStat("file", "0755", "u", "g", 5)
    }


def test_a_download_declares_its_attributes() -> None:
    a = DownloadArgs(url=URL, path="/opt/t", mode="755", user="app", group="web")
    assert Download().attributes(a) == [
        PathAttrs("/opt/t", {"mode": "0755", "user": "app", "group": "web"}, is_dir=False)
    ]


def test_a_download_checksum_is_64_lower_case_hex_digits() -> None:
    (field,) = [f for f in dataclasses.fields(DownloadArgs) if f.name == "sha256"]
    check = field.metadata["check"]
    assert check(DIGEST) is None
    for bad in ("AB" * 32, "ab" * 31, "ab" * 33, "g" * 64):
        assert check(bad) == "not a lower-case hex SHA-256", bad
