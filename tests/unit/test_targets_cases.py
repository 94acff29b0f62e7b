"""Command-line targets: which connection each item names, what an inventory pattern
selects, and the diagnostic (located in the TARGETS argument) for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from specops.compiler.diagnostics import Collector, Diagnostic
from specops.compiler.inventory import Group, Host, Inventory
from specops.compiler.ir import LOCAL, Connection
from specops.compiler.source import Span
from specops.compiler.targets import is_literal, parse_target, read_targets, ssh_options

FORMS = (
    '"user@host:port", "@local", "@docker/NAME", "@podman/NAME", "@chroot/DIR", '
    '"@kubectl/[NAMESPACE/]POD"'
)
SPAN = Span("<command line>", 1, 5, 1, 9)


def locate(a: int, b: int) -> Span:
    return Span("<t>", 1, a + 1, 1, b + 1)


def shown(ds: list[Diagnostic]) -> list[tuple[str, str, str | None]]:
    return [(d.code, d.message, d.hint) for d in ds]


@pytest.mark.parametrize(
    ("item", "literal"),
    [
        ("@local", True),
        ("@docker/web", True),
        ("root@web", True),
        ("web:22", True),
        ("web", False),
        ("web*", False),
        ("!web", False),
        ("10.0.0.1", False),
    ],
)
def test_is_literal(item: str, literal: bool) -> None:
    assert is_literal(item) is literal


# -- parse_target ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "conn"),
    [
        ("@local", LOCAL),
        ("@docker/web", Connection("docker", address="web")),
        ("@podman/image:debian:12", Connection("podman", address="image:debian:12")),
        ("@kubectl/ns/pod", Connection("kubectl", address="ns/pod")),
        ("@chroot/srv/root", Connection("chroot", address="/srv/root")),
        ("@chroot//srv/./a/../root/", Connection("chroot", address="/srv/root")),
        ("root@10.0.0.1:2222", Connection("ssh", "root", "10.0.0.1", 2222)),
        ("web", Connection("ssh", None, "web", None)),
        ("[::1]:22", Connection("ssh", None, "::1", 22)),
        ("@podman/XX", Connection("podman", address="XX")),
        ("@chroot/Xroot", Connection("chroot", address="/Xroot")),
    ],
)
def test_parse_target(item: str, conn: Connection) -> None:
    c = Collector()
    assert parse_target(item, SPAN, c) == conn
    assert c.diagnostics == []


def test_an_ssh_target_gets_a_copy_of_the_ssh_options() -> None:
    opts = {"key": "/id"}
    conn = parse_target("root@h", SPAN, Collector(), opts)
    assert conn == Connection("ssh", "root", "h", None, {"key": "/id"})
    assert conn is not None and conn.options is not opts
    # other kinds take no ssh options
    assert parse_target("@docker/web", SPAN, Collector(), opts) == Connection(
        "docker", address="web"
    )


@pytest.mark.parametrize(
    ("item", "message", "hint"),
    [
        ("@dokcer/web", "'@dokcer/web' is not a target", 'did you mean "@docker"?'),
        ("@locl", "'@locl' is not a target", 'did you mean "@local"?'),
        ("@zz/web", "'@zz/web' is not a target", f"a target is {FORMS}"),
        ("@local/x", "'@local/x' is not a target", 'did you mean "@local"?'),
        ("@ssh/h", "'@ssh/h' is not a target", f"a target is {FORMS}"),
        ("@docker", "'@docker' does not say which docker target", 'write it as "@docker/NAME"'),
        ("@docker/", "'@docker/' does not say which docker target", 'write it as "@docker/NAME"'),
        ("@chroot//", "'@chroot//' does not say which chroot target", 'write it as "@chroot/DIR"'),
        (
            "@kubectl/",
            "'@kubectl/' does not say which kubectl target",
            'write it as "@kubectl/[NAMESPACE/]POD"',
        ),
        ("@docker/-it", "'-it' is not a container name", 'write it as "@docker/NAME"'),
        ("@podman/image:", "'image:' is not an image name", 'write it as "@podman/NAME"'),
        (
            "@kubectl/a/b/c",
            "'a/b/c' is not a pod name",
            'write it as "@kubectl/[NAMESPACE/]POD"',
        ),
        ("root@web app", "'root@web app' is not an ssh target", f"a target is {FORMS}"),
        ("web:99999", "'web:99999' is not an ssh target", f"a target is {FORMS}"),
    ],
)
def test_parse_target_mistakes(item: str, message: str, hint: str) -> None:
    c = Collector()
    assert parse_target(item, SPAN, c) is None
    assert shown(c.diagnostics) == [("bad-connection", message, hint)]
    assert c.diagnostics[0].span == SPAN


# -- ssh options ----------------------------------------------------------------------------


def test_ssh_options_resolve_the_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ssh_options(None, None) == {}
    assert ssh_options("", "") == {}
    assert ssh_options("keys/id", None) == {"key": f"{tmp_path.resolve()}/keys/id"}
    assert ssh_options(None, "~/kh") == {"known_hosts": f"{tmp_path.resolve()}/home/kh"}
    assert ssh_options("~/id", "kh") == {
        "key": f"{tmp_path.resolve()}/home/id",
        "known_hosts": f"{tmp_path.resolve()}/kh",
    }


# -- read_targets ---------------------------------------------------------------------------


def read(
    text: str, inventory: Inventory | None = None, options: dict[str, str] | None = None
) -> tuple[Inventory, list[Diagnostic]]:
    c = Collector()
    inv = read_targets(text, locate, c, inventory=inventory, options=options)
    return inv, c.diagnostics


def test_read_targets_names_each_host_as_typed_in_the_order_given() -> None:
    inv, ds = read("root@h:22,@docker/web,@local")
    assert ds == []
    assert inv == Inventory(
        (
            Host("root@h:22", Connection("ssh", "root", "h", 22), {}, locate(0, 9)),
            Host("@docker/web", Connection("docker", address="web"), {}, locate(10, 21)),
            Host("@local", LOCAL, {}, locate(22, 28)),
        ),
        (),
    )


def test_read_targets_locates_items_past_their_spaces() -> None:
    inv, ds = read("  @local , root@h")
    assert ds == []
    assert [(h.name, h.span) for h in inv.hosts] == [
        ("@local", locate(2, 8)),
        ("root@h", locate(11, 17)),
    ]


def test_read_targets_keeps_one_host_per_connection() -> None:
    inv, ds = read("@chroot/srv/root,@chroot//srv/root/,@local,@local")
    assert ds == []
    assert [(h.name, h.connection.address) for h in inv.hosts] == [
        ("@chroot/srv/root", "/srv/root"),
        ("@local", None),
    ]


def test_read_targets_passes_ssh_options_on() -> None:
    inv, _ = read("root@h,@local", options={"key": "/id"})
    assert [h.connection.options for h in inv.hosts] == [{"key": "/id"}, {}]


def test_read_targets_reports_each_bad_item_where_it_is() -> None:
    inv, ds = read("@local,, @nope, root@a b,")
    assert inv.hosts == (Host("@local", LOCAL, {}, locate(0, 6)),)
    assert [(d.code, d.message, d.span) for d in ds] == [
        ("bad-connection", "empty target", locate(7, 8)),
        ("bad-connection", "'@nope' is not a target", locate(9, 14)),
        ("bad-connection", "'root@a b' is not an ssh target", locate(16, 24)),
        ("bad-connection", "empty target", locate(25, 26)),
    ]
    assert ds[0].hint == f"a target is {FORMS}"


def test_read_targets_of_nothing_is_one_empty_target() -> None:
    inv, ds = read("")
    assert inv.hosts == ()
    assert [(d.message, d.span) for d in ds] == [("empty target", locate(0, 1))]


# -- with an inventory ----------------------------------------------------------------------


def host(name: str) -> Host:
    return Host(name, Connection("ssh", None, f"{name}.example", None), {"n": name})


INV = Inventory(
    (host("web1"), host("web2"), host("db1")),
    (Group("web", ("web1", "web2")), Group("all", ("web", "db1"))),
)


def test_inventory_names_select_its_hosts_in_inventory_order() -> None:
    inv, ds = read("db1, web", INV)
    assert ds == []
    assert inv.hosts == (host("web1"), host("web2"), host("db1"))
    assert inv.groups == INV.groups


def test_literal_targets_come_first_then_the_inventory_hosts() -> None:
    inv, ds = read("all,!web2,@local", INV)
    assert ds == []
    assert [h.name for h in inv.hosts] == ["@local", "web1", "db1"]


def test_a_literal_target_named_like_an_inventory_host_is_kept_once() -> None:
    inv, ds = read("web1:22,web1*", Inventory((host("web1:22"), host("web1"))))
    assert ds == []
    assert [(h.name, h.connection.address) for h in inv.hosts] == [
        ("web1:22", "web1"),
        ("web1", "web1.example"),
    ]


def test_without_an_inventory_a_name_is_an_ssh_host() -> None:
    inv, ds = read("web1")
    assert ds == []
    assert inv.hosts == (Host("web1", Connection("ssh", None, "web1", None), {}, locate(0, 4)),)


def test_a_pattern_that_matches_nothing_is_reported_with_a_suggestion() -> None:
    inv, ds = read("web1, wbe2, !dbb1", INV)
    assert [h.name for h in inv.hosts] == ["web1"]
    assert [(d.code, d.message, d.span, d.hint) for d in ds] == [
        ("unknown-host", 'no host or group named "wbe2"', locate(6, 10), 'did you mean "web2"?'),
        ("unknown-host", 'no host or group named "!dbb1"', locate(12, 17), 'did you mean "db1"?'),
    ]


def test_an_unknown_exclusion_is_matched_without_its_bang() -> None:
    inv = Inventory((host("ab"), host("Xab")))
    _, ds = read("!a, !Xa", inv)
    assert [d.hint for d in ds] == ['did you mean "ab"?', 'did you mean "Xab"?']


def test_an_unknown_pattern_with_nothing_close_lists_the_names() -> None:
    _, ds = read("zzz", INV)
    assert [(d.message, d.hint) for d in ds] == [
        ('no host or group named "zzz"', "hosts and groups: web1, web2, db1, web, all")
    ]
