"""The inventory of a spec: hosts and how each is reached, groups, and every mistake
located at its key or value; then group membership and host selection."""

from __future__ import annotations

import pytest

from specops.compiler.diagnostics import Collector
from specops.compiler.inventory import (
    DEFAULT_INVENTORY,
    LOCAL_NAME,
    Group,
    Host,
    Inventory,
    parse_ssh_target,
    read_inventory,
    select,
)
from specops.compiler.ir import LOCAL, Connection
from specops.compiler.load import load_text

FILE = "/specs/site.toml"
KEYS_HINT = (
    'give it ssh = "user@address:port", local = true, docker = "container", '
    'podman = "container", chroot = "/path", kubectl = "pod"'
)
Seen = list[tuple[str, str, str, str | None]]


def read(text: str) -> tuple[Inventory, Seen]:
    """The inventory of ``text`` and its diagnostics as (code, message, line:col, hint)."""
    c = Collector()
    inv = read_inventory(load_text(text, FILE), c)
    seen = [
        (d.code, d.message, f"{d.span.line}:{d.span.col}" if d.span else "", d.hint)
        for d in c.diagnostics
    ]
    return inv, seen


def ok(text: str) -> Inventory:
    inv, seen = read(text)
    assert seen == []
    return inv


# -- ssh targets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("root@10.0.0.1:2222", ("root", "10.0.0.1", 2222)),
        ("web.example", (None, "web.example", None)),
        ("deploy@web", ("deploy", "web", None)),
        ("web:1", (None, "web", 1)),
        ("web:65535", (None, "web", 65535)),
        ("web:00022", (None, "web", 22)),
        ("  root@web:22 \n", ("root", "web", 22)),
        ("[::1]", (None, "::1", None)),
        ("root@[fe80::1]:22", ("root", "fe80::1", 22)),
        ("[2001:DB8::a]:2222", (None, "2001:DB8::a", 2222)),
        ("XBOX:22", (None, "XBOX", 22)),
        ("web:0", None),
        ("web:65536", None),
        ("web:123456", None),
        ("web:", None),
        ("web:x", None),
        (":22", None),
        ("", None),
        ("root@", None),
        ("@web", None),
        ("a@b@c", None),
        ("root@web app", None),
        ("ro ot@web", None),
        ("::1", None),
        ("[::1", None),
        ("[web]", None),
        ("we]b", None),
        ("a:b@web", None),
    ],
)
def test_parse_ssh_target(text: str, parts: tuple[str | None, str, int | None] | None) -> None:
    assert parse_ssh_target(text) == parts


# -- a whole inventory ----------------------------------------------------------------------

SITE = """\
[hosts.web]
ssh = "deploy@10.0.0.1:2222"
key = "keys/id"
known_hosts = "../kh"
vars = { port = 8080 }
become = "app"

[hosts.box]
local = true
become = false

[hosts.ctr]
docker = "image:debian:12"
tag = "mine"

[hosts.jail]
chroot = "root/./x"

[hosts.pod]
kubectl = "ns/pod"

[hosts.pm]
podman = "web"
key = ""

[groups.front]
hosts = ["web", "ctr"]
vars = { tier = "front" }
become = true

[groups.all]
hosts = ["front", "box", "jail", "pod", "pm"]
"""


def test_every_kind_of_host_and_group_is_read() -> None:
    inv = ok(SITE)
    assert [(h.name, h.connection, h.vars, str(h.span), h.become) for h in inv.hosts] == [
        (
            "web",
            Connection(
                "ssh", "deploy", "10.0.0.1", 2222, {"key": "/specs/keys/id", "known_hosts": "/kh"}
            ),
            {"port": 8080},
            f"{FILE}:1:8",
            "app",
        ),
        ("box", LOCAL, {}, f"{FILE}:8:8", False),
        (
            "ctr",
            Connection("docker", address="image:debian:12", options={"tag": "mine"}),
            {},
            f"{FILE}:12:8",
            None,
        ),
        ("jail", Connection("chroot", address="/specs/root/x"), {}, f"{FILE}:16:8", None),
        ("pod", Connection("kubectl", address="ns/pod"), {}, f"{FILE}:19:8", None),
        ("pm", Connection("podman", address="web"), {}, f"{FILE}:22:8", None),
    ]
    assert [(g.name, g.hosts, g.vars, str(g.span), g.become) for g in inv.groups] == [
        ("front", ("web", "ctr"), {"tier": "front"}, f"{FILE}:26:9", True),
        ("all", ("front", "box", "jail", "pod", "pm"), {}, f"{FILE}:31:9", None),
    ]
    assert inv.doc is not None and inv.doc.file == FILE


def test_no_hosts_is_the_local_machine() -> None:
    assert LOCAL_NAME == "@local"
    assert Inventory((Host("@local", LOCAL),)) == DEFAULT_INVENTORY
    for text in ("", "hosts = {}", "groups = {}", "[groups.g]\nhosts = []\n"):
        inv, seen = read(text)
        assert seen == [], text
        # groups without any host do not make an inventory either
        assert inv is DEFAULT_INVENTORY, text


def test_hosts_that_are_all_wrong_are_no_hosts_not_the_local_machine() -> None:
    inv, seen = read('[hosts.web]\nssh = "a b"\n')
    assert (inv.hosts, inv.groups) == ((), ())
    assert len(seen) == 1
    inv, seen = read("hosts = 3\n")
    assert (inv.hosts, inv.groups) == ((), ())
    assert seen == [("wrong-shape", "[hosts] must be a table, not int", "1:9", None)]


def test_a_host_with_groups_and_a_wrong_one_keeps_the_rest() -> None:
    inv, seen = read('[hosts.a]\nlocal = true\n[hosts.b]\nssh = 1\n[groups.g]\nhosts = ["a"]\n')
    assert [h.name for h in inv.hosts] == ["a"]
    assert [g.name for g in inv.groups] == ["g"]
    assert seen == [("wrong-shape", '"ssh" of host b must be a string, not int', "4:7", None)]


# -- mistakes in hosts ----------------------------------------------------------------------

SSH_HINT = 'write it as "user@address:port", e.g. "root@127.0.0.11:2222"'


@pytest.mark.parametrize(
    ("body", "seen"),
    [
        (
            'ssh = "h"\nlocal = true',
            [("bad-connection", "host web says both ssh and local", "3:1",
              "a host is reached one way: keep one of them")],
        ),
        (
            'chroot = "/r"\nlocal = true\ndocker = "d"',
            [("bad-connection", "host web says both local and docker", "4:1",
              "a host is reached one way: keep one of them")],
        ),
        ('ssh = "h"\nkey = 1', [("wrong-shape", '"key" of host web must be a string, not int',
                                 "3:7", None)]),
        ('ssh = "h"\nknown_hosts = true',
         [("wrong-shape", '"known_hosts" of host web must be a string, not bool', "3:15", None)]),
        ("ssh = 22", [("wrong-shape", '"ssh" of host web must be a string, not int', "2:7",
                       None)]),
        ('ssh = "a b"', [("bad-connection", "'a b' is not an ssh target", "2:7", SSH_HINT)]),
        ('ssh = "h:0"', [("bad-connection", "'h:0' is not an ssh target", "2:7", SSH_HINT)]),
        ("local = false", [("missing-key", 'host web needs "ssh"', "1:8", KEYS_HINT)]),
        ("", [("missing-key", 'host web needs "ssh"', "1:8", KEYS_HINT)]),
        ("docker = 1", [("wrong-shape", '"docker" of host web must be a string, not int', "2:10",
                         None)]),
        ('docker = "-x"', [("bad-connection", "'-x' is not a container name", "2:10",
                            'write it as docker = "container"')]),
        ('podman = "image:"', [("bad-connection", "'image:' is not an image name", "2:10",
                                'write it as podman = "container"')]),
        ('kubectl = "Pod"', [("bad-connection", "'Pod' is not a pod name", "2:11",
                              'write it as kubectl = "pod"')]),
        ('docker = "web"\ntag = "t"',
         [("bad-connection", "host web has a tag but builds no image", "3:7",
           'tag names the image built from docker = "image:IMAGE"')]),
        ('chroot = "/r"\ntag = "image:x"',
         [("bad-connection", "host web has a tag but builds no image", "3:7",
           'tag names the image built from chroot = "image:IMAGE"')]),
        ('docker = "image:x"\ntag = 1',
         [("wrong-shape", '"tag" of host web must be a string, not int', "3:7", None)]),
        ("local = true\nvars = [1]",
         [("wrong-shape", "vars of host web must be a table, not list", "3:8", None)]),
        ('local = true\nbecome = ""',
         [("wrong-shape", '"become" of host web must be true or a user name, not str', "3:10",
           None)]),
        ("local = true\nbecome = 1",
         [("wrong-shape", '"become" of host web must be true or a user name, not int', "3:10",
           None)]),
        ('local = true\nsshh = "x"',
         [("unknown-key", 'unknown key "sshh" in host web', "3:1", 'did you mean "ssh"?')]),
        ("local = true\nzzzz = 1",
         [("unknown-key", 'unknown key "zzzz" in host web', "3:1",
           "allowed: become, chroot, docker, key, known_hosts, kubectl, local, podman, ssh, "
           "tag, vars")]),
    ],
)  # fmt: skip
def test_host_mistakes(body: str, seen: Seen) -> None:
    assert read(f"[hosts.web]\n{body}\n")[1] == seen


def test_a_host_that_is_not_a_table() -> None:
    inv, seen = read('[hosts]\nweb = "root@h"\nbox = { local = true }\n')
    assert seen == [("wrong-shape", "host web must be a table, not str", "2:7", None)]
    assert [h.name for h in inv.hosts] == ["box"]


def test_a_host_with_a_wrong_vars_or_connection_is_left_out() -> None:
    inv, _ = read('[hosts.a]\nlocal = true\nvars = 1\n[hosts.b]\nssh = "a b"\n')
    assert inv.hosts == ()


def test_a_wrong_become_leaves_the_host_in_without_one() -> None:
    inv, _ = read('[hosts.web]\nlocal = true\nbecome = ""\n')
    assert [(h.name, h.become) for h in inv.hosts] == [("web", None)]


def test_empty_key_and_tag_mean_none() -> None:
    inv = ok(
        '[hosts.a]\nssh = "h"\nkey = ""\nknown_hosts = ""\n'
        '[hosts.b]\ndocker = "image:x"\ntag = ""\n'
    )
    assert [h.connection for h in inv.hosts] == [
        Connection("ssh", None, "h", None, {"key": "", "known_hosts": ""}),
        Connection("docker", address="image:x"),
    ]


def test_a_tag_on_a_podman_image_build() -> None:
    (h,) = ok('[hosts.b]\npodman = "image:x"\ntag = "y"\n').hosts
    assert h.connection == Connection("podman", address="image:x", options={"tag": "y"})


# -- mistakes in groups ---------------------------------------------------------------------

HOSTS = '[hosts.web]\nlocal = true\n[hosts.db]\ndocker = "db"\n'  # 4 lines


@pytest.mark.parametrize(
    ("groups", "seen"),
    [
        ("[groups]\ng = 1", [("wrong-shape", "group g must be a table, not int", "6:5", None)]),
        ('[groups.g]\nhosts = "web"',
         [("wrong-shape", "hosts of group g must be a list, not str", "6:9", None)]),
        ('[groups.g]\nvars = 1',
         [("wrong-shape", "vars of group g must be a table, not int", "6:8", None)]),
        ('[groups.g]\nhost = ["web"]',
         [("unknown-key", 'unknown key "host" in group g', "6:1", 'did you mean "hosts"?')]),
        ("[groups.g]\nzzz = 1",
         [("unknown-key", 'unknown key "zzz" in group g', "6:1", "allowed: become, hosts, vars")]),
        ('[groups.g]\nhosts = ["web", "wbe", "zzzz"]',
         [("unknown-host", 'no host or group named "wbe"', "6:17", 'did you mean "web"?'),
          ("unknown-host", 'no host or group named "zzzz"', "6:24", None)]),
        ('[groups.g]\nhosts = ["h"]\n[groups.h]\nhosts = ["hh"]',
         [("unknown-host", 'no host or group named "hh"', "8:10", 'did you mean "h"?')]),
        ('[groups.web]\nhosts = ["db"]',
         [("bad-value", "group web: has the name of a host", "5:9",
           "hosts and groups need distinct names")]),
        ('[groups.g]\nbecome = 0',
         [("wrong-shape", '"become" of group g must be true or a user name, not int', "6:10",
           None)]),
    ],
)  # fmt: skip
def test_group_mistakes(groups: str, seen: Seen) -> None:
    assert read(HOSTS + groups + "\n")[1] == seen


def test_groups_that_are_not_a_table() -> None:
    inv, seen = read("groups = 3\n" + HOSTS)
    assert seen == [("wrong-shape", "[groups] must be a table, not int", "1:10", None)]
    assert ([x.name for x in inv.hosts], inv.groups) == (["web", "db"], ())


def test_a_group_that_is_not_a_table_leaves_the_next_ones_in() -> None:
    inv, seen = read(HOSTS + '[groups]\nbad = 1\ngood = { hosts = ["web"] }\n')
    assert [(s[0], s[1]) for s in seen] == [("wrong-shape", "group bad must be a table, not int")]
    assert [(g.name, g.hosts) for g in inv.groups] == [("good", ("web",))]


def test_a_group_may_name_a_group_declared_after_it() -> None:
    inv = ok(HOSTS + '[groups.all]\nhosts = ["web_db"]\n[groups.web_db]\nhosts = ["web", "db"]\n')
    assert inv.members("all") == ["web", "db"]


def test_a_group_with_a_wrong_shape_is_left_out() -> None:
    inv, _ = read(HOSTS + "[groups.a]\nhosts = 1\n[groups.b]\nvars = 1\n[groups.c]\n")
    assert [(g.name, g.hosts, g.vars) for g in inv.groups] == [("c", (), {})]


def test_a_group_with_an_unknown_member_or_wrong_become_is_kept() -> None:
    inv, _ = read(HOSTS + '[groups.a]\nhosts = ["web", "nope"]\nbecome = ""\n')
    assert [(g.name, g.hosts, g.become) for g in inv.groups] == [("a", ("web", "nope"), None)]


def test_groups_in_a_cycle_are_reported_from_each_of_them() -> None:
    _, seen = read(
        HOSTS
        + '[groups.top]\nhosts = ["a"]\n'
        + '[groups.a]\nhosts = ["b", "web"]\n'
        + '[groups.b]\nhosts = ["a"]\n'
        + '[groups.self]\nhosts = ["self"]\n'
    )
    hint = "a group cannot contain itself"
    assert seen == [
        ("cycle", "groups depend on each other in a cycle: a -> b -> a", "7:9", hint),
        ("cycle", "groups depend on each other in a cycle: b -> a -> b", "9:9", hint),
        ("cycle", "groups depend on each other in a cycle: self -> self", "11:9", hint),
    ]


# -- membership -----------------------------------------------------------------------------


def h(name: str, become: bool | str | None = None) -> Host:
    return Host(name, Connection("ssh", None, name), become=become)


INV = Inventory(
    (h("web1"), h("web2"), h("db1"), h("lone")),
    (
        Group("all", ("db", "web")),
        Group("web", ("web2", "web1")),
        Group("db", ("db1", "ghost")),
        Group("loop", ("loop2", "db1")),
        Group("loop2", ("loop", "web1")),
    ),
)


def test_members_go_through_nested_groups_in_host_order() -> None:
    assert INV.members("all") == ["web1", "web2", "db1"]
    assert INV.members("web") == ["web1", "web2"]
    assert INV.members("db") == ["db1"]  # "ghost" is no host
    assert INV.members("loop") == ["web1", "db1"]
    assert INV.members("nope") == []
    assert INV.members("web1") == []


def test_members_of_a_group_reached_twice_are_all_found() -> None:
    """top reaches c directly and through a: the walk goes on past the second visit."""
    inv = Inventory(
        (h("h1"), h("h2"), h("h3")),
        (
            Group("top", ("d", "c", "a")),
            Group("a", ("c",)),
            Group("c", ("h1",)),
            Group("d", ("h2",)),
        ),
    )
    assert inv.members("top") == ["h1", "h2"]


def test_members_are_the_same_once_remembered() -> None:
    inv = Inventory(INV.hosts, INV.groups)
    # sizes 3, 2, 2, 2: siblings of one size keep their declaration order
    assert [g.name for g in inv.groups_of("web1")] == ["all", "web", "loop", "loop2"]
    assert inv.members("all") == ["web1", "web2", "db1"]
    assert inv.members("web") == ["web1", "web2"]
    assert inv.members("db") == ["db1"]
    assert inv.members("nope") == []


def test_groups_of_lists_the_outermost_first() -> None:
    assert [g.name for g in INV.groups_of("web2")] == ["all", "web"]
    assert [g.name for g in INV.groups_of("db1")] == ["all", "loop", "loop2", "db"]
    assert INV.groups_of("lone") == []
    assert INV.groups_of("nope") == []


def test_names_are_hosts_then_groups() -> None:
    assert INV.names() == ["web1", "web2", "db1", "lone", "all", "web", "db", "loop", "loop2"]


def test_host_finds_a_host_by_name() -> None:
    assert INV.host("db1") == h("db1")
    with pytest.raises(StopIteration):
        INV.host("nope")


def test_become_is_the_hosts_else_its_innermost_groups_else_false() -> None:
    inv = Inventory(
        (h("a"), h("b", become=False), h("c", become="me"), h("d"), h("e")),
        (
            Group("outer", ("inner", "b", "c", "d"), become=True),
            Group("inner", ("a", "b", "c"), become="app"),
            Group("plain", ("d", "e")),
        ),
    )
    assert inv.become_of("a") == "app"
    assert inv.become_of("b") is False
    assert inv.become_of("c") == "me"
    assert inv.become_of("d") is True
    assert inv.become_of("e") is False
    assert inv.become_of("nope") is False


# -- selection ------------------------------------------------------------------------------

SEL = Inventory(
    (h("web1"), h("web2"), h("db1"), h("x")),
    (
        Group("web", ("web1", "web2")),
        Group("all", ("web", "db1")),
        Group("x", ("db1",)),
        Group("empty", ()),
    ),
)


@pytest.mark.parametrize(
    ("patterns", "chosen", "unknown"),
    [
        ([], [], []),
        (["web"], ["web1", "web2"], []),
        (["db1", "web1"], ["web1", "db1"], []),
        (["all", "!web2"], ["web1", "db1"], []),
        (["!web"], ["db1", "x"], []),
        (["!web", "!x"], ["db1"], []),
        (["w*"], ["web1", "web2"], []),
        (["a*"], ["web1", "web2", "db1"], []),
        (["web?"], ["web1", "web2"], []),
        (["db[0-9]"], ["db1"], []),
        (["*", "!w*"], ["db1", "x"], []),
        (["WEB*"], [], ["WEB*"]),
        (["x"], ["x"], []),  # a host's name wins over a group's
        (["we"], [], ["we"]),
        (["empty"], [], ["empty"]),
        (["nope", "!zip"], [], ["nope", "!zip"]),
        (["!nope"], ["web1", "web2", "db1", "x"], ["!nope"]),
        (["web1", "!web1"], [], []),
    ],
)
def test_select(patterns: list[str], chosen: list[str], unknown: list[str]) -> None:
    assert select(SEL, patterns) == (chosen, unknown)


def test_select_takes_patterns_from_a_generator() -> None:
    assert select(SEL, (p for p in ["!web"])) == (["db1", "x"], [])
