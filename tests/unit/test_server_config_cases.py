"""server.crontab, server.mount, server.script and server.limits
(runtime/operations/server/config.py), expected values by hand.

The crontab and fstab edits keep every line they do not own; what the ops predict for
later ops must be what the facts read back once they ran."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.fact import FactRef, Facts, Guess
from specops.runtime.core.operation import PlanError
from specops.runtime.core.reach import ANYTHING, Reach
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.server import CommandStatus, Crontab, Mount, Mounts
from specops.runtime.operations.server.config import (
    CrontabArgs,
    CrontabOp,
    Limits,
    LimitsArgs,
    MountArgs,
    MountOp,
    Script,
    ScriptArgs,
    edit_crontab,
    edit_fstab,
)

CRON, MOUNT, SCRIPT, LIMITS = CrontabOp(), MountOp(), Script(), Limits()
ROOT_TAB = Crontab.ref(user="root")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- server.crontab: the edit -------------------------------------------------------------


def test_an_entry_is_added_under_its_marker() -> None:
    a = CrontabArgs(name="backup", command="/usr/local/bin/backup", schedule="@daily")
    assert edit_crontab("", a) == "# specops: backup\n@daily /usr/local/bin/backup\n"
    assert edit_crontab("MAILTO=ops\n", a) == (
        "MAILTO=ops\n# specops: backup\n@daily /usr/local/bin/backup\n"
    )


def test_an_entry_is_replaced_and_other_lines_kept_in_order() -> None:
    a = CrontabArgs(name="backup", command="/usr/local/bin/backup", schedule="@daily")
    text = (
        "MAILTO=ops\n# specops: backup\n0 1 * * * /old/backup\n"
        "# specops: backup2\n*/5 * * * * other\n"
    )
    assert edit_crontab(text, a) == (
        "MAILTO=ops\n# specops: backup2\n*/5 * * * * other\n"
        "# specops: backup\n@daily /usr/local/bin/backup\n"
    )


def test_a_removed_entry_takes_its_command_line_along() -> None:
    a = CrontabArgs(name="backup", command="x", present=False)
    text = "# specops: backup\n0 1 * * * /old/backup\n@reboot keep\n"
    assert edit_crontab(text, a) == "@reboot keep\n"
    assert edit_crontab("@reboot keep\n# specops: backup", a) == "@reboot keep\n"
    assert edit_crontab("", a) == ""


# -- server.crontab: the op ------------------------------------------------------------


def crontab_cmd(user: str, expect: str, new: bytes) -> str:
    payload = b64(new) or "''"  # an empty table is sent as an empty word
    return (
        f"if c=$(crontab -l -u {user} 2>/dev/null); then "
        "h=$(printf '%s\\n' \"$c\" | sha256sum | cut -c1-64); else h=none; fi; "
        f'if [ "$h" = {expect} ]; then printf %s {payload} | base64 -d | '
        f"crontab -u {user} -; else echo 'the crontab of {user} changed since the plan; "
        "plan again' >&2; exit 1; fi"
    )


def test_crontab_reads_the_users_table() -> None:
    assert CRON.facts(CrontabArgs(name="b", command="x", user="app")) == [Crontab.ref(user="app")]


def test_crontab_updates_a_table_only_if_it_still_holds_what_the_plan_read() -> None:
    old = "@reboot keep\n"
    a = CrontabArgs(name="b", command="run", schedule="@hourly", user="app")
    (change,) = CRON.plan(a, Facts({Crontab.ref(user="app"): old}))
    new = b"@reboot keep\n# specops: b\n@hourly run\n"
    assert change.to_json() == {
        "action": "update",
        "summary": "add or update cron entry b for app",
        "commands": [crontab_cmd("app", sha(old.encode()), new)],
        "diff": "--- crontab -u app\n+++ crontab -u app\n@@ -1 +1,3 @@\n @reboot keep\n"
        "+# specops: b\n+@hourly run\n",
    }


def test_crontab_removes_its_entry_and_leaves_an_empty_table() -> None:
    old = "# specops: b\n@hourly run\n"
    a = CrontabArgs(name="b", command="run", present=False)
    (change,) = CRON.plan(a, Facts({ROOT_TAB: old}))
    assert change.to_json() == {
        "action": "update",
        "summary": "remove cron entry b for root",
        "commands": [crontab_cmd("root", sha(old.encode()), b"")],
        "diff": "--- crontab -u root\n+++ crontab -u root\n@@ -1,2 +0,0 @@\n"
        "-# specops: b\n-@hourly run\n",
    }


def test_crontab_has_nothing_to_do_when_the_entry_is_as_declared_or_absent() -> None:
    a = CrontabArgs(name="b", command="run", schedule="@hourly")
    assert CRON.plan(a, Facts({ROOT_TAB: "# specops: b\n@hourly run\n"})) == []
    gone = CrontabArgs(name="b", command="run", present=False)
    assert CRON.plan(gone, Facts({ROOT_TAB: None})) == []
    assert CRON.plan(gone, Facts({ROOT_TAB: "@reboot keep\n"})) == []


def test_crontab_effects_are_the_table_as_the_fact_reads_it_back() -> None:
    a = CrontabArgs(name="b", command="run", schedule="@hourly")
    assert CRON.effects(a, Facts({ROOT_TAB: None})) == {ROOT_TAB: "# specops: b\n@hourly run\n"}
    # An empty table reads as one newline ("$(crontab -l)" and printf's newline).
    assert CRON.effects(a, Facts({ROOT_TAB: "\n"})) == {ROOT_TAB: "\n# specops: b\n@hourly run\n"}
    gone = CrontabArgs(name="b", command="run", present=False)
    assert CRON.effects(gone, Facts({ROOT_TAB: "# specops: b\n@hourly run\n"})) == {ROOT_TAB: "\n"}
    assert CRON.effects(gone, Facts({ROOT_TAB: None})) == {}
    # Only newlines go: spaces and the end of the last line stay as crontab -l prints them.
    tab = "@reboot /usr/bin/startX\n# specops: b\n@x y\n"
    assert CRON.effects(gone, Facts({ROOT_TAB: tab})) == {ROOT_TAB: "@reboot /usr/bin/startX\n"}
    spaced = CrontabArgs(name="b", command="run ", schedule="@hourly")
    assert CRON.effects(spaced, Facts({ROOT_TAB: None})) == {
        ROOT_TAB: "# specops: b\n@hourly run \n"
    }


def test_an_entry_renamed_in_one_run_plans_against_the_table_the_host_will_have() -> None:
    """Removing the only entry, then adding another: the add must expect the emptied
    table's hash, and adding to a user without a crontab must expect none."""
    f = Facts({ROOT_TAB: "# specops: old\n@daily x\n"})
    gone = CrontabArgs(name="old", command="x", schedule="@daily", present=False)
    f.update(CRON.effects(gone, f))
    new = CrontabArgs(name="new", command="y", schedule="@daily")
    (change,) = CRON.plan(new, f)
    assert change.commands[0].display() == crontab_cmd(
        "root", sha(b"\n"), b"\n# specops: new\n@daily y\n"
    )

    f = Facts({ROOT_TAB: None})
    f.update(CRON.effects(gone, f))
    (change,) = CRON.plan(new, f)
    assert change.action.name == "CREATE"
    assert change.commands[0].display() == crontab_cmd(
        "root", "none", b"# specops: new\n@daily y\n"
    )


# -- server.mount: the fstab edit --------------------------------------------------------


def test_a_new_mount_is_appended_to_fstab() -> None:
    a = MountArgs(path="/mnt/s", source="tmpfs", fstype="tmpfs", options="size=8m")
    assert edit_fstab("", a) == "tmpfs /mnt/s tmpfs size=8m 0 0\n"
    assert edit_fstab("UUID=r / ext4 defaults 0 1\n", a) == (
        "UUID=r / ext4 defaults 0 1\ntmpfs /mnt/s tmpfs size=8m 0 0\n"
    )


def test_an_entry_with_the_same_four_fields_is_kept_as_it_is() -> None:
    a = MountArgs(path="/data", source="/dev/vdb1", fstype="ext4", options="noatime")
    text = "/dev/vdb1   /data  ext4 noatime 0 2\n"
    assert edit_fstab(text, a) == text


def test_an_entry_that_differs_is_replaced_and_duplicates_dropped() -> None:
    a = MountArgs(path="/data", source="/dev/vdb1", fstype="ext4", options="noatime")
    text = (
        "# /dev/vdb1 /data ext4 defaults 0 0\n"
        "/dev/vdb1 /data ext4 defaults 0 2\n"
        "\n"
        "  # /dev/old /data xfs defaults 0 0\n"
        "#/dev/old /data xfs defaults 0 0\n"
        "  #/dev/sdz /data ext4 defaults 0 0\n"
        "/dev/old /data xfs defaults 0 0\n"
        "lonely\n"
        "/dev/vdc1 /data2 ext4 defaults 0 0\n"
    )
    assert edit_fstab(text, a) == (
        "# /dev/vdb1 /data ext4 defaults 0 0\n"
        "/dev/vdb1 /data ext4 noatime 0 0\n"
        "\n"
        "  # /dev/old /data xfs defaults 0 0\n"
        "#/dev/old /data xfs defaults 0 0\n"
        "  #/dev/sdz /data ext4 defaults 0 0\n"
        "lonely\n"
        "/dev/vdc1 /data2 ext4 defaults 0 0\n"
    )


def test_a_truncated_entry_of_the_path_is_replaced() -> None:
    a = MountArgs(path="/data", source="/dev/vdb1", fstype="ext4")
    assert edit_fstab("/dev/vdb1 /data\n", a) == "/dev/vdb1 /data ext4 defaults 0 0\n"


def test_an_absent_mount_loses_every_entry_of_its_path() -> None:
    a = MountArgs(path="/data", present=False)
    text = "/dev/a /data ext4 defaults 0 0\n# keep\n/dev/b /data xfs defaults 0 0\n"
    assert edit_fstab(text, a) == "# keep\n"
    assert edit_fstab("", a) == ""


def test_mount_defaults_make_a_none_auto_defaults_entry() -> None:
    assert edit_fstab("", MountArgs(path="/m")) == "none /m auto defaults 0 0\n"


# -- server.mount: the op ----------------------------------------------------------------

FSTAB_TEXT = b"UUID=r / ext4 defaults 0 1\n"
ROOT_FILE = FileStat("file", "0644", "root", "root", len(FSTAB_TEXT))
DIR = FileStat("directory", "0755", "root", "root", 4096)


def mount_facts(mounts: dict[str, Mount], point: FileStat | None, path: str) -> Facts:
    return Facts(
        {
            Mounts.ref(): mounts,
            FileInfo.ref(path="/etc/fstab"): ROOT_FILE,
            FileContent.ref(path="/etc/fstab"): Content(sha(FSTAB_TEXT), FSTAB_TEXT),
            FileInfo.ref(path=path): point,
        }
    )


def test_mount_reaches_below_its_mount_point_and_reads_fstab() -> None:
    a = MountArgs(path="/mnt/s")
    assert MOUNT.reach(a) == Reach(paths=("/mnt/s",))
    assert MOUNT.facts(a) == [
        Mounts.ref(),
        FileInfo.ref(path="/etc/fstab"),
        FileContent.ref(path="/etc/fstab"),
        FileInfo.ref(path="/mnt/s"),
    ]


def test_a_new_mount_is_added_to_fstab_if_unchanged_and_its_directory_made() -> None:
    a = MountArgs(path="/mnt/s", source="tmpfs", fstype="tmpfs", options="size=8m")
    new = FSTAB_TEXT + b"tmpfs /mnt/s tmpfs size=8m 0 0\n"
    changes = MOUNT.plan(a, mount_facts({}, None, "/mnt/s"))
    assert [c.to_json() for c in changes] == [
        {
            "action": "update",
            "summary": "update fstab /etc/fstab",
            "commands": [
                "if [ -e /etc/fstab ]; then c=$(sha256sum < /etc/fstab | cut -c1-64); "
                f'else c=absent; fi; if [ "$c" = {sha(new)} ]; then :; '
                f'elif [ "$c" = {sha(FSTAB_TEXT)} ]; then '
                "t=$(mktemp -- /etc/.fstab.specops-XXXXXXXX ) && "
                f'{{ printf %s {b64(new)} | base64 -d > "$t" && '
                'chmod --reference /etc/fstab "$t" && chown --reference /etc/fstab "$t" && '
                'mv -f -- "$t" /etc/fstab ; } || { rm -f -- "$t"; exit 1; } ; '
                "else echo '/etc/fstab changed on the host since it was planned; plan again' "
                ">&2; exit 1; fi"
            ],
            "diff": "--- /etc/fstab\n+++ /etc/fstab\n@@ -1 +1,2 @@\n UUID=r / ext4 defaults 0 1\n"
            "+tmpfs /mnt/s tmpfs size=8m 0 0\n",
        },
        {
            "action": "create",
            "summary": "mount /mnt/s",
            "commands": ["mkdir -p -- /mnt/s", "mountpoint -q -- /mnt/s || mount -- /mnt/s"],
        },
    ]


def test_an_fstab_too_large_to_edit_is_a_plan_error() -> None:
    a = MountArgs(path="/mnt/s")
    f = mount_facts({}, None, "/mnt/s")
    f.update({FileContent.ref(path="/etc/fstab"): Content("0" * 64, None)})
    for step in (MOUNT.plan, MOUNT.effects):
        with pytest.raises(PlanError) as e:
            step(a, f)
        assert str(e.value) == "/etc/fstab is larger than specops edits in place"


def test_an_existing_mount_point_is_mounted_without_mkdir() -> None:
    a = MountArgs(path="/data", source="/dev/vdb1", fstype="ext4")
    text = FSTAB_TEXT + b"/dev/vdb1 /data ext4 defaults 0 0\n"
    f = mount_facts({}, DIR, "/data")
    f.update(
        {
            FileInfo.ref(path="/etc/fstab"): ROOT_FILE,
            FileContent.ref(path="/etc/fstab"): Content(sha(text), text),
        }
    )
    assert [c.to_json() for c in MOUNT.plan(a, f)] == [
        {
            "action": "create",
            "summary": "mount /data",
            "commands": ["mountpoint -q -- /data || mount -- /data"],
        }
    ]


def test_a_mounted_file_system_in_fstab_needs_nothing() -> None:
    a = MountArgs(path="/", source="UUID=r", fstype="ext4")
    f = mount_facts({"/": Mount("/dev/vda1", "ext4", "rw")}, DIR, "/")
    assert MOUNT.plan(a, f) == []


def test_an_entry_not_mounted_now_stays_unmounted_when_mounted_is_false() -> None:
    a = MountArgs(path="/", source="UUID=r", fstype="ext4", mounted=False)
    assert MOUNT.plan(a, mount_facts({}, DIR, "/")) == []


def test_an_absent_mount_that_is_not_mounted_needs_nothing() -> None:
    a = MountArgs(path="/data", present=False)
    assert MOUNT.plan(a, mount_facts({}, DIR, "/data")) == []


def test_an_absent_mount_is_unmounted() -> None:
    a = MountArgs(path="/data", present=False)
    f = mount_facts({"/data": Mount("/dev/vdb1", "ext4", "rw")}, DIR, "/data")
    assert [c.to_json() for c in MOUNT.plan(a, f)] == [
        {
            "action": "delete",
            "summary": "unmount /data",
            "commands": ["! mountpoint -q -- /data || umount -- /data"],
        }
    ]


def test_mount_effects_predict_fstab_the_mount_and_its_directory() -> None:
    a = MountArgs(path="/mnt/s", source="tmpfs", fstype="tmpfs", options="size=8m")
    before = {"/": Mount("/dev/vda1", "ext4", "rw")}
    f = mount_facts(before, None, "/mnt/s")
    new = FSTAB_TEXT + b"tmpfs /mnt/s tmpfs size=8m 0 0\n"
    assert MOUNT.effects(a, f) == {
        FileContent.ref(path="/etc/fstab"): Content(sha(new), new),
        FileInfo.ref(path="/etc/fstab"): FileStat("file", "0644", "root", "root", len(new)),
        FileInfo.ref(path="/mnt/s"): FileStat("directory", "0755", "root", "root", 0),
        Mounts.ref(): {
            "/": Mount("/dev/vda1", "ext4", "rw"),
            "/mnt/s": Mount("tmpfs", "tmpfs", "size=8m"),
        },
    }
    assert before == {"/": Mount("/dev/vda1", "ext4", "rw")}  # the facts are not changed


def test_mount_effects_keep_an_existing_mount_and_directory() -> None:
    a = MountArgs(path="/data", source="/dev/vdb1", fstype="ext4", options="noatime")
    f = mount_facts({"/data": Mount("/dev/vdb1", "ext4", "rw")}, DIR, "/data")
    new = FSTAB_TEXT + b"/dev/vdb1 /data ext4 noatime 0 0\n"
    assert MOUNT.effects(a, f) == {
        FileContent.ref(path="/etc/fstab"): Content(sha(new), new),
        FileInfo.ref(path="/etc/fstab"): FileStat("file", "0644", "root", "root", len(new)),
        Mounts.ref(): {"/data": Mount("/dev/vdb1", "ext4", "rw")},
    }


def test_mount_effects_of_an_fstab_only_entry_leave_the_mounts() -> None:
    a = MountArgs(path="/data", mounted=False)
    f = mount_facts({}, None, "/data")
    new = FSTAB_TEXT + b"none /data auto defaults 0 0\n"
    assert MOUNT.effects(a, f) == {
        FileContent.ref(path="/etc/fstab"): Content(sha(new), new),
        FileInfo.ref(path="/etc/fstab"): FileStat("file", "0644", "root", "root", len(new)),
        Mounts.ref(): {},
    }


def test_mount_effects_of_an_absent_mount_unmount_it() -> None:
    a = MountArgs(path="/data", present=False)
    before = {"/data": Mount("/dev/vdb1", "ext4", "rw"), "/": Mount("/dev/vda1", "ext4", "rw")}
    got = MOUNT.effects(a, mount_facts(before, DIR, "/data"))
    assert got[Mounts.ref()] == {"/": Mount("/dev/vda1", "ext4", "rw")}
    assert got[FileContent.ref(path="/etc/fstab")] == Content(sha(FSTAB_TEXT), FSTAB_TEXT)
    assert before == {  # the facts are not changed
        "/data": Mount("/dev/vdb1", "ext4", "rw"),
        "/": Mount("/dev/vda1", "ext4", "rw"),
    }
    assert MOUNT.effects(a, mount_facts({}, DIR, "/data"))[Mounts.ref()] == {}


# -- server.script -----------------------------------------------------------------------


def script_cmd(data: bytes, args: str) -> str:
    return (
        f's=$(mktemp) && printf %s {b64(data)} | base64 -d > "$s" && chmod 700 "$s" && '
        f'if "$s"{args} ; then rm -f "$s"; else r=$?; rm -f "$s"; exit "$r"; fi'
    )


def test_script_reach_reads_and_facts_follow_its_guards() -> None:
    a = ScriptArgs(src="s.sh", creates="/srv/.done", unless="test -e /etc/app")
    assert SCRIPT.reach(a) == ANYTHING
    assert SCRIPT.reach(ScriptArgs(src="s.sh", changes=["/srv"], creates="/var/.done")) == Reach(
        paths=("/srv", "/var/.done")
    )
    assert SCRIPT.reach(ScriptArgs(src="s.sh", changes=["/srv"])) == Reach(paths=("/srv",))
    assert SCRIPT.reads(a) == ["/srv/.done", "/etc/app"]
    assert SCRIPT.facts(a) == [
        FileInfo.ref(path="/srv/.done"),
        CommandStatus.ref(command="test -e /etc/app"),
    ]


def test_script_travels_in_the_command_with_its_arguments(tmp_path: Path) -> None:
    data = b"#!/bin/sh\necho hi\n"
    (tmp_path / "setup.sh").write_bytes(data)
    a = ScriptArgs(src=str(tmp_path / "setup.sh"), args=["one", "two words"])
    (change,) = SCRIPT.plan(a, Facts())
    assert change.to_json() == {
        "action": "run",
        "summary": f"run script setup.sh (sha256 {sha(data)[:12]})",
        "commands": [script_cmd(data, " one 'two words'")],
    }


def test_script_is_guarded_on_the_host_and_skipped_when_a_guard_says_done(
    tmp_path: Path,
) -> None:
    data = b"#!/bin/sh\n"
    (tmp_path / "s.sh").write_bytes(data)
    a = ScriptArgs(src=str(tmp_path / "s.sh"), creates="/srv/.done", unless="id app")
    path, check = FileInfo.ref(path="/srv/.done"), CommandStatus.ref(command="id app")
    (change,) = SCRIPT.plan(a, Facts({path: None, check: 1}))
    assert change.commands[0].display() == (
        "sh -c 'id app' >/dev/null 2>&1 </dev/null || [ -e /srv/.done ] || " + script_cmd(data, "")
    )
    assert SCRIPT.plan(a, Facts({path: None, check: 0})) == []
    assert SCRIPT.plan(a, Facts({path: DIR, check: 1})) == []


def test_a_script_that_cannot_be_read_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as e:
        SCRIPT.plan(ScriptArgs(src=str(tmp_path / "nope.sh")), Facts())
    assert str(e.value) == f"cannot read script {tmp_path}/nope.sh: No such file or directory"
    with pytest.raises(PlanError) as e:
        SCRIPT.plan(ScriptArgs(src=str(tmp_path)), Facts())
    assert str(e.value) == f"cannot read script {tmp_path}: Is a directory"


def test_a_script_already_done_is_not_read(tmp_path: Path) -> None:
    a = ScriptArgs(src=str(tmp_path / "nope.sh"), creates="/srv/.done")
    assert SCRIPT.plan(a, Facts({FileInfo.ref(path="/srv/.done"): DIR})) == []


def test_script_effects_are_the_guards_effects() -> None:
    a = ScriptArgs(src="s.sh", creates="/srv/.done", unless="id app")
    path, check = FileInfo.ref(path="/srv/.done"), CommandStatus.ref(command="id app")
    expected: dict[FactRef[Any], Any] = {
        path: Guess(FileStat("file", "0644", "root", "root", 0)),
        check: 0,
    }
    assert SCRIPT.effects(a, Facts({path: None, check: 1})) == expected


# -- server.limits -----------------------------------------------------------------------


def test_limits_own_one_file_of_limits_d() -> None:
    a = LimitsArgs(name="app-nofile", domain="@app", item="nofile", value="65536", type="soft")
    path = "/etc/security/limits.d/app-nofile.conf"
    assert LIMITS.attributes(a) == [PathAttrs(path, {"mode": "0644"}, is_dir=False)]
    assert LIMITS.facts(a) == [FileInfo.ref(path=path), FileContent.ref(path=path)]
    data = b"# managed by specops\n@app soft nofile 65536\n"
    f = Facts({FileInfo.ref(path=path): None, FileContent.ref(path=path): None})
    assert LIMITS.effects(a, f) == {
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): FileStat("file", "0644", "root", "root", len(data)),
    }
    (change,) = LIMITS.plan(a, f)
    assert change.summary == f"create limits file {path} ({len(data)} bytes)"
    assert change.diff == (
        f"--- /dev/null\n+++ {path}\n@@ -0,0 +1,2 @@\n"
        "+# managed by specops\n+@app soft nofile 65536\n"
    )


def test_limits_fix_the_mode_of_a_file_with_the_right_content() -> None:
    a = LimitsArgs(name="core", domain="*", item="core", value="0")
    path = "/etc/security/limits.d/core.conf"
    data = b"# managed by specops\n* - core 0\n"
    f = Facts(
        {
            FileInfo.ref(path=path): FileStat("file", "0600", "root", "root", len(data)),
            FileContent.ref(path=path): Content(sha(data), data),
        }
    )
    assert [c.to_json() for c in LIMITS.plan(a, f)] == [
        {"action": "update", "summary": "mode 0600 → 0644", "commands": [f"chmod 0644 {path}"]}
    ]
    assert LIMITS.effects(a, f)[FileInfo.ref(path=path)] == FileStat(
        "file", "0644", "root", "root", len(data)
    )
