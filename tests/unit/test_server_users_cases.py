"""server.user, server.group and server.sudoers (runtime/operations/server/users.py),
expected values by hand.

The account databases are predicted for later ops as useradd, userdel and groupadd leave
them; the commands are guarded on the host so an account that appeared or went away since
the plan is the state asked for, not an error."""

from __future__ import annotations

import base64
import hashlib

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import PlanError
from specops.runtime.core.reach import NOTHING, Reach
from specops.runtime.core.words import check_name
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.server import Group, Groups, User, Users
from specops.runtime.operations.server.users import (
    GroupArgs,
    GroupOp,
    Sudoers,
    SudoersArgs,
    UserArgs,
    UserOp,
    check_drop_in,
)

USER, GROUP, SUDOERS = UserOp(), GroupOp(), Sudoers()


def accounts(users: dict[str, User], groups: dict[str, Group]) -> Facts:
    return Facts({Users.ref(): users, Groups.ref(): groups})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- names -------------------------------------------------------------------------------


def test_user_and_group_names() -> None:
    for ok in ("deploy", "_apt", "www-data", "a.b", "host$", "a" * 32):
        assert check_name(ok) is None, ok
    for bad, shown in (
        ("a" * 33, repr("a" * 33)),
        ("Deploy", "'Deploy'"),
        ("1app", "'1app'"),
        ("a$b", "'a$b'"),
        ("", "''"),
        (1000, "1000"),
        (None, "None"),
    ):
        assert check_name(bad) == f"{shown} is not a valid user or group name"


# -- server.user: plan -------------------------------------------------------------------

DEPLOY = User(1000, 1000, "/home/deploy", "/bin/sh", "")
BASE = {
    "deploy": Group(1000, []),
    "app": Group(1500, []),
    "www-data": Group(33, ["other"]),
    "docker": Group(999, ["deploy"]),
}


def test_user_reaches_its_home_while_it_exists_or_its_home_is_removed() -> None:
    assert USER.reach(UserArgs("deploy")) == Reach(paths=("/home/deploy",))
    assert USER.reach(UserArgs("deploy", home="/srv/deploy")) == Reach(paths=("/srv/deploy",))
    assert USER.reach(UserArgs("deploy", present=False)) == NOTHING
    assert USER.reach(UserArgs("deploy", present=False, remove_home=True)) == Reach(
        paths=("/home/deploy",)
    )
    assert USER.facts(UserArgs("deploy")) == [Users.ref(), Groups.ref()]


def test_a_new_user_gets_every_option_given() -> None:
    a = UserArgs(
        "deploy",
        uid=1500,
        group="app",
        groups=["www-data", "docker"],
        home="/srv/deploy",
        shell="/bin/bash",
        comment="Deploy User",
    )
    (change,) = USER.plan(a, accounts({}, BASE))
    assert change.to_json() == {
        "action": "create",
        "summary": "create user deploy",
        "commands": [
            "getent passwd deploy >/dev/null || useradd -u 1500 -g app -G www-data,docker "
            "-d /srv/deploy -s /bin/bash -c 'Deploy User' -m deploy"
        ],
    }


def test_a_new_system_user_with_an_empty_comment() -> None:
    (change,) = USER.plan(UserArgs("svc", system=True, comment=""), accounts({}, BASE))
    assert change.commands[0].display() == ("getent passwd svc >/dev/null || useradd -c '' -r svc")
    (change,) = USER.plan(UserArgs("svc"), accounts({}, BASE))
    assert change.commands[0].display() == "getent passwd svc >/dev/null || useradd -m svc"


def test_a_missing_group_is_a_plan_error() -> None:
    with pytest.raises(PlanError) as e:
        USER.plan(UserArgs("deploy", group="nope"), accounts({}, BASE))
    assert str(e.value) == "group 'nope' does not exist (declare it with server.group first)"
    with pytest.raises(PlanError) as e:
        USER.plan(UserArgs("deploy", groups=["docker", "sudo"]), accounts({"deploy": DEPLOY}, BASE))
    assert str(e.value) == "group 'sudo' does not exist (declare it with server.group first)"


def test_an_existing_user_is_changed_where_it_differs() -> None:
    a = UserArgs(
        "deploy",
        uid=1501,
        group="app",
        groups=["www-data", "docker"],
        home="/srv/deploy",
        shell="/bin/bash",
        comment="Deploy",
    )
    (change,) = USER.plan(a, accounts({"deploy": DEPLOY}, BASE))
    assert change.to_json() == {
        "action": "update",
        "summary": "user deploy: uid 1000 → 1501, group → app, add to www-data, "
        "home /home/deploy → /srv/deploy, shell /bin/sh → /bin/bash, comment → 'Deploy'",
        "commands": [
            "usermod -u 1501 -g app -a -G www-data -d /srv/deploy -s /bin/bash -c Deploy deploy"
        ],
    }


def test_an_existing_user_can_lose_its_comment() -> None:
    u = User(1000, 1000, "/home/deploy", "/bin/sh", "Old Name")
    (change,) = USER.plan(UserArgs("deploy", comment=""), accounts({"deploy": u}, BASE))
    assert change.to_json() == {
        "action": "update",
        "summary": "user deploy: comment → ''",
        "commands": ["usermod -c '' deploy"],
    }


def test_an_existing_user_as_declared_needs_nothing() -> None:
    a = UserArgs(
        "deploy",
        uid=1000,
        group="deploy",
        groups=["docker"],
        home="/home/deploy",
        shell="/bin/sh",
        comment="",
    )
    assert USER.plan(a, accounts({"deploy": DEPLOY}, BASE)) == []
    assert USER.plan(UserArgs("deploy"), accounts({"deploy": DEPLOY}, BASE)) == []


def test_a_user_is_removed_only_if_it_still_exists() -> None:
    (change,) = USER.plan(UserArgs("deploy", present=False), accounts({"deploy": DEPLOY}, BASE))
    assert change.to_json() == {
        "action": "delete",
        "summary": "remove user deploy",
        "commands": ["if getent passwd deploy >/dev/null ; then userdel deploy ; fi"],
    }
    a = UserArgs("deploy", present=False, remove_home=True)
    (change,) = USER.plan(a, accounts({"deploy": DEPLOY}, BASE))
    assert change.commands[0].display() == (
        "if getent passwd deploy >/dev/null ; then userdel -r deploy ; fi"
    )
    assert USER.plan(a, accounts({}, BASE)) == []


# -- server.user: effects ----------------------------------------------------------------


def test_a_new_user_gets_a_group_of_its_own_after_the_highest_regular_gid() -> None:
    groups = {**BASE, "nogroup": Group(65534, [])}
    f = accounts({"other": User(1200, 1500, "/home/other", "/bin/sh")}, groups)
    got = USER.effects(UserArgs("alice", groups=["www-data"]), f)
    assert got[Users.ref()] == {
        "other": User(1200, 1500, "/home/other", "/bin/sh"),
        "alice": User(1501, 1501, "/home/alice", "/bin/sh", ""),
    }
    assert got[Groups.ref()] == {
        **groups,
        "www-data": Group(33, ["other", "alice"]),
        "alice": Group(1501, []),
    }
    assert groups["www-data"] == Group(33, ["other"])  # the facts are not changed
    assert "alice" not in f[Users.ref()]


def test_the_first_regular_user_gets_id_1000() -> None:
    got = USER.effects(UserArgs("alice"), accounts({}, {"root": Group(0, [])}))
    assert got[Users.ref()] == {"alice": User(1000, 1000, "/home/alice", "/bin/sh", "")}
    assert got[Groups.ref()] == {"root": Group(0, []), "alice": Group(1000, [])}


def test_a_new_user_with_everything_given() -> None:
    a = UserArgs("alice", uid=2000, group="app", home="/srv/a", shell="/bin/zsh", comment="A")
    got = USER.effects(a, accounts({}, BASE))
    assert got[Users.ref()] == {"alice": User(2000, 1500, "/srv/a", "/bin/zsh", "A")}
    assert got[Groups.ref()] == BASE


def test_an_existing_user_keeps_what_is_not_declared() -> None:
    u = User(1000, 1000, "/home/deploy", "/bin/bash", "Deploy")
    got = USER.effects(UserArgs("deploy", groups=["docker"]), accounts({"deploy": u}, BASE))
    assert got[Users.ref()] == {"deploy": u}
    assert got[Groups.ref()] == BASE
    got = USER.effects(UserArgs("deploy", group="app", comment=""), accounts({"deploy": u}, BASE))
    assert got[Users.ref()] == {"deploy": User(1000, 1500, "/home/deploy", "/bin/bash", "")}


def test_a_removed_user_leaves_every_group_and_takes_its_own_group_along() -> None:
    users = {"deploy": DEPLOY, "other": User(1001, 1500, "/home/other", "/bin/sh")}
    got = USER.effects(UserArgs("deploy", present=False), accounts(users, BASE))
    assert got[Users.ref()] == {"other": User(1001, 1500, "/home/other", "/bin/sh")}
    assert got[Groups.ref()] == {
        "app": Group(1500, []),
        "www-data": Group(33, ["other"]),
        "docker": Group(999, []),
    }
    assert users["deploy"] == DEPLOY and BASE["docker"] == Group(999, ["deploy"])


def test_a_group_named_after_the_user_stays_when_others_use_it_or_it_is_not_its_own() -> None:
    shared = {"deploy": DEPLOY, "other": User(1001, 1000, "/home/other", "/bin/sh")}
    got = USER.effects(UserArgs("deploy", present=False), accounts(shared, BASE))
    assert got[Groups.ref()]["deploy"] == Group(1000, [])
    apart = {"deploy": User(1000, 1500, "/home/deploy", "/bin/sh")}
    got = USER.effects(UserArgs("deploy", present=False), accounts(apart, BASE))
    assert got[Groups.ref()]["deploy"] == Group(1000, [])
    got = USER.effects(UserArgs("deploy", present=False), accounts({}, BASE))
    assert got == {Users.ref(): {}, Groups.ref(): {**BASE, "docker": Group(999, [])}}
    got = USER.effects(UserArgs("ghost", present=False), accounts({"ghost": DEPLOY}, BASE))
    assert got[Groups.ref()] == {**BASE, "docker": Group(999, ["deploy"])}


# -- server.group ------------------------------------------------------------------------


def test_group_plans() -> None:
    f = Facts({Groups.ref(): BASE})
    assert GROUP.facts(GroupArgs("app")) == [Groups.ref()]
    assert GROUP.plan(GroupArgs("app"), f) == []
    assert GROUP.plan(GroupArgs("app", gid=1500), f) == []
    assert GROUP.plan(GroupArgs("nope", present=False), f) == []
    assert [c.to_json() for c in GROUP.plan(GroupArgs("app", gid=1600), f)] == [
        {
            "action": "update",
            "summary": "group app: gid 1500 → 1600",
            "commands": ["groupmod -g 1600 app"],
        }
    ]
    assert [c.to_json() for c in GROUP.plan(GroupArgs("app", present=False), f)] == [
        {
            "action": "delete",
            "summary": "remove group app",
            "commands": ["if getent group app >/dev/null ; then groupdel app ; fi"],
        }
    ]
    assert [c.to_json() for c in GROUP.plan(GroupArgs("web", system=True), f)] == [
        {
            "action": "create",
            "summary": "create group web",
            "commands": ["getent group web >/dev/null || groupadd -r web"],
        }
    ]
    (change,) = GROUP.plan(GroupArgs("web", gid=0), f)
    assert change.commands[0].display() == "getent group web >/dev/null || groupadd -g 0 web"
    (change,) = GROUP.plan(GroupArgs("web"), f)
    assert change.commands[0].display() == "getent group web >/dev/null || groupadd web"


def test_a_new_group_gets_the_next_gid_of_its_range() -> None:
    groups = {
        "root": Group(0, []),
        "sys": Group(150, []),
        "u": Group(1200, []),
        "nogroup": Group(65534, []),
    }
    f = Facts({Groups.ref(): groups})
    assert GROUP.effects(GroupArgs("web"), f) == {Groups.ref(): {**groups, "web": Group(1201, [])}}
    assert GROUP.effects(GroupArgs("svc", system=True), f) == {
        Groups.ref(): {**groups, "svc": Group(151, [])}
    }
    empty = Facts({Groups.ref(): {"nogroup": Group(65534, [])}})
    assert GROUP.effects(GroupArgs("web"), empty)[Groups.ref()]["web"] == Group(1000, [])
    assert GROUP.effects(GroupArgs("svc", system=True), empty)[Groups.ref()]["svc"] == Group(
        100, []
    )
    assert GROUP.effects(GroupArgs("web", gid=3000), f)[Groups.ref()]["web"] == Group(3000, [])
    assert "web" not in groups


def test_an_existing_group_keeps_its_gid_and_members() -> None:
    f = Facts({Groups.ref(): BASE})
    assert GROUP.effects(GroupArgs("www-data"), f)[Groups.ref()]["www-data"] == Group(33, ["other"])
    assert GROUP.effects(GroupArgs("www-data", gid=34), f)[Groups.ref()]["www-data"] == Group(
        34, ["other"]
    )
    got = GROUP.effects(GroupArgs("docker", present=False), f)
    assert got == {Groups.ref(): {k: v for k, v in BASE.items() if k != "docker"}}
    assert "docker" in BASE
    assert GROUP.effects(GroupArgs("nope", present=False), f) == {Groups.ref(): BASE}


def test_gid_0_is_a_gid_like_any_other() -> None:
    """root's group keeps gid 0: a later server.user with group root sees it unchanged."""
    f = Facts({Groups.ref(): {"root": Group(0, []), "u": Group(1200, [])}})
    assert GROUP.effects(GroupArgs("root"), f)[Groups.ref()]["root"] == Group(0, [])
    assert GROUP.effects(GroupArgs("r2", gid=0), f)[Groups.ref()]["r2"] == Group(0, [])
    f.update(GROUP.effects(GroupArgs("root"), f))
    f = Facts({**dict(f.items()), Users.ref(): {"admin": User(0, 0, "/root", "/bin/sh")}})
    assert USER.plan(UserArgs("admin", group="root"), f) == []


# -- server.sudoers ----------------------------------------------------------------------


def test_drop_in_names_are_plain() -> None:
    assert check_drop_in("deploy_ops-1") is None
    assert check_drop_in("Deploy_Ops") is None
    for bad, shown in (("a.conf", "'a.conf'"), ("a~", "'a~'"), ("", "''"), (5, "5")):
        assert check_drop_in(bad) == f"{shown} is not a plain file name (letters, digits, - and _)"


def test_sudoers_own_one_drop_in_root_0440() -> None:
    a = SudoersArgs("deploy", "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl")
    path = "/etc/sudoers.d/deploy"
    assert SUDOERS.attributes(a) == [
        PathAttrs(path, {"mode": "0440", "user": "root", "group": "root"}, is_dir=False)
    ]
    assert SUDOERS.facts(a) == [FileInfo.ref(path=path), FileContent.ref(path=path)]


def sudo_facts(path: str, st: FileStat | None, data: bytes | None) -> Facts:
    return Facts(
        {
            FileInfo.ref(path=path): st,
            FileContent.ref(path=path): None if data is None else Content(sha(data), data),
        }
    )


def test_new_rules_are_checked_by_visudo_before_they_are_written() -> None:
    a = SudoersArgs("ops", "%ops ALL=(ALL) ALL\n")
    path = "/etc/sudoers.d/ops"
    data = b"%ops ALL=(ALL) ALL\n"
    payload = base64.b64encode(data).decode()
    old = b"%ops ALL=(root) ALL\n"
    st = FileStat("file", "0440", "root", "root", len(old))
    (change,) = SUDOERS.plan(a, sudo_facts(path, st, old))
    assert change.to_json() == {
        "action": "update",
        "summary": f"update sudoers file {path}",
        "commands": [
            f'v=$(mktemp) && printf %s {payload} | base64 -d > "$v" && if visudo -cqf "$v"; '
            'then rm -f "$v"; else rm -f "$v"; echo \'sudoers rules rejected by visudo\' >&2; '
            "exit 1; fi",
            f"t=$(mktemp -- /etc/sudoers.d/.ops.specops-XXXXXXXX ) && {{ printf %s {payload} | "
            f'base64 -d > "$t" && chmod --reference {path} "$t" && chown --reference {path} '
            f'"$t" && chmod 0440 "$t" && chown root:root "$t" && mv -f -- "$t" {path} ; }} || '
            '{ rm -f -- "$t"; exit 1; }',
        ],
        "diff": f"--- {path}\n+++ {path}\n@@ -1 +1 @@\n-%ops ALL=(root) ALL\n+%ops ALL=(ALL) ALL\n",
    }


def test_sudoers_as_declared_need_nothing_and_a_loose_mode_is_fixed_after_a_check() -> None:
    a = SudoersArgs("ops", "%ops ALL=(ALL) ALL")
    path = "/etc/sudoers.d/ops"
    data = b"%ops ALL=(ALL) ALL\n"
    ok = FileStat("file", "0440", "root", "root", len(data))
    assert SUDOERS.plan(a, sudo_facts(path, ok, data)) == []
    loose = FileStat("file", "0644", "root", "root", len(data))
    payload = base64.b64encode(data).decode()
    assert [c.to_json() for c in SUDOERS.plan(a, sudo_facts(path, loose, data))] == [
        {
            "action": "update",
            "summary": "mode 0644 → 0440",
            "commands": [
                f'v=$(mktemp) && printf %s {payload} | base64 -d > "$v" && if visudo -cqf "$v"; '
                'then rm -f "$v"; else rm -f "$v"; echo \'sudoers rules rejected by visudo\' '
                ">&2; exit 1; fi",
                f"chmod 0440 {path}",
            ],
        }
    ]


def test_sudoers_effects() -> None:
    a = SudoersArgs("ops", "%ops ALL=(ALL) ALL")
    path = "/etc/sudoers.d/ops"
    data = b"%ops ALL=(ALL) ALL\n"
    loose = FileStat("file", "0644", "admin", "adm", 3)
    assert SUDOERS.effects(a, sudo_facts(path, loose, b"old")) == {
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): FileStat("file", "0440", "root", "root", len(data)),
    }


def test_a_user_is_added_to_every_missing_group_at_once() -> None:
    a = UserArgs("deploy", groups=["www-data", "app", "docker"])
    (change,) = USER.plan(a, accounts({"deploy": DEPLOY}, BASE))
    assert change.to_json() == {
        "action": "update",
        "summary": "user deploy: add to www-data, app",
        "commands": ["usermod -a -G www-data,app deploy"],
    }


def test_an_existing_user_keeps_its_own_home_and_shell() -> None:
    u = User(1000, 1000, "/srv/deploy", "/bin/bash", "Deploy")
    got = USER.effects(UserArgs("deploy"), accounts({"deploy": u}, BASE))
    assert got[Users.ref()] == {"deploy": u}


def test_the_next_gid_stays_inside_the_regular_range() -> None:
    """Groups at the top of the range (60000) and above (nogroup) are left out of the count."""
    groups = {"u": Group(1200, []), "top": Group(60000, []), "nogroup": Group(65534, [])}
    got = USER.effects(UserArgs("alice"), accounts({}, groups))
    assert got[Users.ref()]["alice"] == User(1201, 1201, "/home/alice", "/bin/sh", "")
    assert GROUP.effects(GroupArgs("web"), Facts({Groups.ref(): groups}))[Groups.ref()][
        "web"
    ] == Group(1201, [])


def test_gid_1000_is_the_first_regular_gid_and_999_the_last_system_one() -> None:
    f = Facts({Groups.ref(): {"first": Group(1000, []), "sys": Group(999, [])}})
    assert GROUP.effects(GroupArgs("web"), f)[Groups.ref()]["web"] == Group(1001, [])
    f = Facts({Groups.ref(): {"first": Group(1000, [])}})
    assert GROUP.effects(GroupArgs("svc", system=True), f)[Groups.ref()]["svc"] == Group(100, [])


def test_sudoers_with_loose_mode_and_owner_get_every_fix_after_one_check() -> None:
    a = SudoersArgs("ops", "%ops ALL=(ALL) ALL")
    path = "/etc/sudoers.d/ops"
    data = b"%ops ALL=(ALL) ALL\n"
    payload = base64.b64encode(data).decode()
    loose = FileStat("file", "0644", "admin", "adm", len(data))
    changes = SUDOERS.plan(a, sudo_facts(path, loose, data))
    assert [c.to_json() for c in changes] == [
        {
            "action": "update",
            "summary": "mode 0644 → 0440",
            "commands": [
                f'v=$(mktemp) && printf %s {payload} | base64 -d > "$v" && if visudo -cqf "$v"; '
                'then rm -f "$v"; else rm -f "$v"; echo \'sudoers rules rejected by visudo\' '
                ">&2; exit 1; fi",
                f"chmod 0440 {path}",
            ],
        },
        {"action": "update", "summary": "owner admin → root", "commands": [f"chown root {path}"]},
        {"action": "update", "summary": "group adm → root", "commands": [f"chgrp root {path}"]},
    ]
