"""The system fact parsers (runtime/facts/server.py) on hand-written output: missing
lines, entries that are not accounts, bytes that are not UTF-8, short mount lines, paths
with colons."""

from __future__ import annotations

from specops.runtime.facts.server import (
    Alternative,
    AlternativeState,
    Crontab,
    Group,
    Groups,
    Hostname,
    HostnameState,
    Mount,
    Mounts,
    User,
    Users,
)


def test_no_output_is_no_hostname_either_way() -> None:
    assert Hostname.parse("") == HostnameState("", "")


def test_accounts_need_numeric_uid_and_gid() -> None:
    out = (
        "a:x:1000:abc:A:/home/a:/bin/sh\n"
        "b:x:abc:1000:B:/home/b:/bin/sh\n"
        "c:x:1001:1002:C:/home/c:/bin/bash\n"
    )
    assert Users.parse(out) == {"c": User(1001, 1002, "/home/c", "/bin/bash", "C")}


def test_fields_after_the_seventh_are_ignored() -> None:
    out = "svc:x:5:6:Service:/srv:/bin/sh:extra\n"
    assert Users.parse(out) == {"svc": User(5, 6, "/srv", "/bin/sh", "Service")}


def test_blanks_at_the_end_of_a_passwd_or_group_line_belong_to_its_last_field() -> None:
    """getent prints what the database holds: a shell "/bin/sh " is not "/bin/sh"."""
    assert Users.parse("u:x:1:1::/h:/bin/sh \n") == {"u": User(1, 1, "/h", "/bin/sh ")}
    assert Groups.parse("g:x:7:ann,bob \n") == {"g": Group(7, ["ann", "bob "])}


def test_a_line_ending_in_cr_alone_ends_there() -> None:
    assert Users.parse("u:x:1:2::/h:/bin/shX\rv:x:3:4::/v:/bin/false") == {
        "u": User(1, 2, "/h", "/bin/shX"),
        "v": User(3, 4, "/v", "/bin/false"),
    }
    assert Groups.parse("g:x:7:annX\rh:x:8:") == {"g": Group(7, ["annX"]), "h": Group(8, [])}


def test_a_crontab_that_is_not_utf8_keeps_its_bytes() -> None:
    got = Crontab.parse("tab:IyBjYWbpCg==\n")  # "# caf\xe9\n", Latin-1
    assert got == "# caf\udce9\n"
    assert got is not None and got.encode("utf-8", "surrogateescape") == b"# caf\xe9\n"


def test_a_mount_line_needs_four_fields() -> None:
    out = "/dev/sda1 /mnt ext4 rw\n/dev/sdb1 /other ext4\n"
    assert Mounts.parse(out) == {"/mnt": Mount("/dev/sda1", "ext4", "rw")}


def test_alternative_paths_may_hold_colons() -> None:
    out = (
        "Name: x\nLink: /usr/bin/x\nStatus: manual\nBest: /opt/a:b/x\nValue: /opt/a:b/x\n\n"
        "Alternative: /opt/a:b/x\nPriority: 10\n\nAlternative: /usr/lib/c:d/x\nPriority: 5\n"
    )
    assert Alternative.parse(out) == AlternativeState(
        "manual", "/opt/a:b/x", ["/opt/a:b/x", "/usr/lib/c:d/x"]
    )


def test_an_alternative_without_a_value_line_has_an_empty_value() -> None:
    out = "Name: x\nStatus: auto\n\nAlternative: /usr/bin/y\n"
    assert Alternative.parse(out) == AlternativeState("auto", "", ["/usr/bin/y"])
