"""apt.packages, apt.update, apt.repository, apt.key, apt.hold and apt.deb
(runtime/operations/apt.py),
expected values by hand: names accepted, pins, what each plan runs and what it predicts
for the ops after it (installed packages, a fresh or stale cache, files, holds)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.packages import AptCacheAge, AptHolds, AptPolicy, Deb, Policy
from specops.runtime.operations.apt import (
    DebArgs,
    DebFile,
    Hold,
    HoldArgs,
    Key,
    KeyArgs,
    Packages,
    PackagesArgs,
    Repository,
    RepositoryArgs,
    Update,
    UpdateArgs,
    check_name,
    check_packages,
    split_pin,
    stale,
)

APT = (
    "DEBIAN_FRONTEND=noninteractive apt-get -y -q "
    "-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
)
UPDATE = "DEBIAN_FRONTEND=noninteractive apt-get update -q && touch /var/lib/apt/lists"
DEB = Deb.ref()
AGE = AptCacheAge.ref()


def facts(values: dict[FactRef[Any], Any]) -> Facts:
    return Facts(values)


def content(data: bytes) -> Content:
    return Content(hashlib.sha256(data).hexdigest(), data)


# -- names ------------------------------------------------------------------------------


def test_debian_package_names_with_arch_and_version_are_accepted() -> None:
    assert (
        check_packages(["nginx", "g++", "libc6:i386", "curl=7.88.1-10", "openssl=1:3.0.11"]) is None
    )


def test_names_that_are_not_debian_package_names_are_listed_in_the_message() -> None:
    assert check_packages(["nginx", "Nginx", "a", "curl="]) == (
        "not Debian package names: 'Nginx', 'a', 'curl='"
    )


@pytest.mark.parametrize("name", ["nodesource", "Docker_CE", "repo-2"])
def test_plain_file_names_are_accepted(name: str) -> None:
    assert check_name(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a.b", "'a.b' is not a plain name (letters, digits, - and _)"),
        ("../x", "'../x' is not a plain name (letters, digits, - and _)"),
        ("", "'' is not a plain name (letters, digits, - and _)"),
        (5, "5 is not a plain name (letters, digits, - and _)"),
    ],
)
def test_other_file_names_are_refused(name: object, message: str) -> None:
    assert check_name(name) == message


# -- pins and the cache's age -------------------------------------------------------------


def test_split_pin_takes_the_name_without_its_arch_and_the_version() -> None:
    assert split_pin("nginx") == ("nginx", None)
    assert split_pin("curl=7.88.1-10") == ("curl", "7.88.1-10")
    assert split_pin("libc6:i386") == ("libc6", None)
    assert split_pin("libc6:i386=2.36-9") == ("libc6", "2.36-9")
    # an epoch's colon belongs to the version, not to an arch
    assert split_pin("openssl=1:3.0.11-1") == ("openssl", "1:3.0.11-1")


def test_the_lists_are_stale_only_when_older_than_the_valid_time_or_never_updated() -> None:
    assert stale(None, 3600) is True
    assert stale(3601, 3600) is True
    assert stale(3600, 3600) is False
    assert stale(0, 0) is False


# -- apt.packages: what it reads ----------------------------------------------------------


def test_an_install_reads_the_packages_and_the_cache_age() -> None:
    assert Packages().facts(PackagesArgs(["nginx"])) == [DEB, AGE]


def test_a_removal_or_an_install_without_update_reads_only_the_packages() -> None:
    assert Packages().facts(PackagesArgs(["nginx"], state="absent")) == [DEB]
    assert Packages().facts(PackagesArgs(["nginx"], update_cache=False)) == [DEB]


def test_latest_also_reads_the_policy_of_the_names_sorted_without_pins() -> None:
    a = PackagesArgs(["nginx", "curl=7.88.1-10", "libc6:i386"], state="latest")
    assert Packages().facts(a) == [DEB, AGE, AptPolicy.ref(packages="curl libc6 nginx")]


def test_packages_reach_what_a_package_manager_writes() -> None:
    assert Packages().reach(PackagesArgs(["nginx"])) == PACKAGES


# -- apt.packages: plans ------------------------------------------------------------------


def test_a_pinned_version_other_than_the_installed_one_is_an_upgrade() -> None:
    f = facts({DEB: {"curl": "7.88.1-9"}, AGE: 60})
    [change] = Packages().plan(PackagesArgs(["curl=7.88.1-10"]), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "upgrade curl=7.88.1-10",
        "commands": [f"{APT} install curl=7.88.1-10"],
    }


def test_a_pinned_version_already_installed_needs_nothing() -> None:
    f = facts({DEB: {"curl": "7.88.1-10"}, AGE: 60})
    assert Packages().plan(PackagesArgs(["curl=7.88.1-10"]), f) == []


def test_new_and_upgraded_packages_in_one_transaction_after_a_refresh() -> None:
    a = PackagesArgs(["nginx", "curl", "less"], state="latest")
    policy = {
        "curl": Policy("7.88.1-9", "7.88.1-10"),
        "less": Policy("590-2", "590-2"),
        "nginx": Policy(None, "1.22.1-9"),
    }
    f = facts(
        {
            DEB: {"curl": "7.88.1-9", "less": "590-2"},
            AGE: 7200,
            AptPolicy.ref(packages="curl less nginx"): policy,
        }
    )
    [change] = Packages().plan(a, f)
    assert change.to_json() == {
        "action": "create",
        "summary": "install nginx; upgrade curl",
        "commands": [UPDATE, f"{APT} install nginx curl"],
    }


def test_two_upgrades_are_listed_in_one_summary() -> None:
    a = PackagesArgs(["curl", "less"], state="latest", update_cache=False)
    policy = {"curl": Policy("1", "2"), "less": Policy("3", "4")}
    f = facts({DEB: {"curl": "1", "less": "3"}, AptPolicy.ref(packages="curl less"): policy})
    [change] = Packages().plan(a, f)
    assert change.to_json() == {
        "action": "update",
        "summary": "upgrade curl, less",
        "commands": [f"{APT} install curl less"],
    }


def test_without_recommends_the_install_says_so() -> None:
    a = PackagesArgs(["nginx", "curl"], install_recommends=False)
    [change] = Packages().plan(a, facts({DEB: {}, AGE: 0}))
    assert change.to_json() == {
        "action": "create",
        "summary": "install nginx, curl",
        "commands": [f"{APT} install --no-install-recommends nginx curl"],
    }


def test_removal_lists_the_installed_ones_only() -> None:
    a = PackagesArgs(["nginx", "curl", "less"], state="absent")
    [change] = Packages().plan(a, facts({DEB: {"less": "590-2", "nginx": "1.22"}}))
    assert change.to_json() == {
        "action": "delete",
        "summary": "remove packages nginx, less",
        "commands": [f"{APT} remove nginx less"],
    }


def test_purge_removes_the_configuration_too() -> None:
    a = PackagesArgs(["nginx"], state="absent", purge=True)
    [change] = Packages().plan(a, facts({DEB: {"nginx": "1.22"}}))
    assert change.to_json() == {
        "action": "delete",
        "summary": "remove packages nginx",
        "commands": [f"{APT} purge nginx"],
    }


# -- apt.packages: effects ----------------------------------------------------------------


def test_an_install_predicts_the_packages_at_their_pin_and_a_fresh_cache() -> None:
    a = PackagesArgs(["nginx", "curl=7.88.1-10", "less"])
    f = facts({DEB: {"curl": "7.88.1-9", "less": "590-2"}, AGE: None})
    assert Packages().effects(a, f) == {
        DEB: {"curl": "7.88.1-10", "less": "590-2", "nginx": "(new)"},
        AGE: 0,
    }
    assert f[DEB] == {"curl": "7.88.1-9", "less": "590-2"}  # the facts read stay as read


def test_an_install_with_fresh_lists_predicts_no_refresh() -> None:
    a = PackagesArgs(["nginx"])
    assert Packages().effects(a, facts({DEB: {}, AGE: 60})) == {DEB: {"nginx": "(new)"}}


def test_an_install_without_update_predicts_no_refresh_even_with_stale_lists() -> None:
    a = PackagesArgs(["nginx"], update_cache=False)
    assert Packages().effects(a, facts({DEB: {}, AGE: 99999})) == {DEB: {"nginx": "(new)"}}


def test_a_removal_predicts_the_packages_gone_and_leaves_the_cache_alone() -> None:
    a = PackagesArgs(["nginx", "curl"], state="absent")
    f = facts({DEB: {"curl": "7.88.1-10", "less": "590-2"}})
    assert Packages().effects(a, f) == {DEB: {"less": "590-2"}}


def test_a_package_named_twice_is_removed_once() -> None:
    a = PackagesArgs(["nginx", "nginx=1.22.1-9"], state="absent")
    f = facts({DEB: {"nginx": "1.22.1-9", "less": "590-2"}})
    assert Packages().effects(a, f) == {DEB: {"less": "590-2"}}


def test_an_upgrade_to_latest_predicts_a_new_version() -> None:
    a = PackagesArgs(["curl"], state="latest")
    f = facts(
        {
            DEB: {"curl": "1"},
            AGE: 10,
            AptPolicy.ref(packages="curl"): {"curl": Policy("1", "2")},
        }
    )
    assert Packages().effects(a, f) == {DEB: {"curl": "(new)"}}


# -- apt.update ---------------------------------------------------------------------------


def test_update_reaches_the_policy_only() -> None:
    assert Update().reach(UpdateArgs()) == Reach(facts=("packages.AptPolicy",))


def test_update_of_lists_never_updated() -> None:
    [change] = Update().plan(UpdateArgs(), facts({AGE: None}))
    assert change.to_json() == {
        "action": "update",
        "summary": "update package lists (never updated)",
        "commands": [UPDATE],
    }


def test_update_of_old_lists_says_their_age() -> None:
    [change] = Update().plan(UpdateArgs(60), facts({AGE: 61}))
    assert change.summary == "update package lists (61 s old)"
    assert Update().plan(UpdateArgs(60), facts({AGE: 60})) == []


def test_update_predicts_fresh_lists() -> None:
    assert Update().effects(UpdateArgs(), facts({AGE: None})) == {AGE: 0}


# -- apt.repository and apt.key: files -------------------------------------------------------

LINE = "deb [signed-by=/etc/apt/keyrings/x.asc] https://example.org/debian bookworm main"
LIST = "/etc/apt/sources.list.d/example.list"
KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZkX0\n-----END PGP PUBLIC KEY BLOCK-----"
ASC = "/etc/apt/keyrings/example.asc"


def test_a_source_file_with_the_right_line_but_another_mode_gets_0644() -> None:
    data = (LINE + "\n").encode()
    f = facts(
        {
            FileInfo.ref(path=LIST): FileStat("file", "0600", "root", "root", len(data)),
            FileContent.ref(path=LIST): content(data),
            AGE: 10,
        }
    )
    [change] = Repository().plan(RepositoryArgs("example", LINE), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "mode 0600 → 0644",
        "commands": [f"chmod 0644 {LIST}"],
    }


def test_a_source_predicts_its_file_at_0644_and_stale_lists() -> None:
    data = (LINE + "\n").encode()
    f = facts({FileInfo.ref(path=LIST): FileStat("file", "0600", "root", "adm", 3)})
    assert Repository().effects(RepositoryArgs("example", LINE), f) == {
        AGE: None,
        FileContent.ref(path=LIST): content(data),
        FileInfo.ref(path=LIST): FileStat("file", "0644", "root", "adm", len(data)),
    }


def test_a_removed_source_predicts_no_file_and_stale_lists() -> None:
    f = facts({FileInfo.ref(path=LIST): FileStat("file", "0644", "root", "root", 3)})
    assert Repository().effects(RepositoryArgs("example", LINE, present=False), f) == {
        AGE: None,
        FileInfo.ref(path=LIST): None,
        FileContent.ref(path=LIST): None,
    }


def test_a_key_with_the_right_content_but_another_mode_gets_0644() -> None:
    data = (KEY + "\n").encode()
    f = facts(
        {
            FileInfo.ref(path=ASC): FileStat("file", "0640", "root", "root", len(data)),
            FileContent.ref(path=ASC): content(data),
        }
    )
    [change] = Key().plan(KeyArgs("example", KEY + "\n\n"), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "mode 0640 → 0644",
        "commands": [f"chmod 0644 {ASC}"],
    }


def test_a_key_predicts_its_stripped_content_at_0644() -> None:
    data = (KEY + "\n").encode()
    f = facts({FileInfo.ref(path=ASC): FileStat("file", "0600", "root", "root", 9)})
    assert Key().effects(KeyArgs("example", "\n" + KEY + "\n\n"), f) == {
        FileContent.ref(path=ASC): content(data),
        FileInfo.ref(path=ASC): FileStat("file", "0644", "root", "root", len(data)),
    }


# -- apt.hold -----------------------------------------------------------------------------


def test_a_hold_predicts_the_package_among_the_holds_in_order() -> None:
    f = facts({AptHolds.ref(): ["linux-image-amd64", "zlib1g"]})
    assert Hold().effects(HoldArgs("curl"), f) == {
        AptHolds.ref(): ["curl", "linux-image-amd64", "zlib1g"]
    }


def test_a_release_predicts_the_package_out_of_the_holds() -> None:
    f = facts({AptHolds.ref(): ["curl", "zlib1g"]})
    assert Hold().effects(HoldArgs("curl", held=False), f) == {AptHolds.ref(): ["zlib1g"]}
    assert Hold().effects(HoldArgs("less", held=False), f) == {AptHolds.ref(): ["curl", "zlib1g"]}


def test_holding_a_held_package_predicts_it_once() -> None:
    f = facts({AptHolds.ref(): ["curl"]})
    assert Hold().effects(HoldArgs("curl"), f) == {AptHolds.ref(): ["curl"]}


# -- apt.deb ------------------------------------------------------------------------------


def test_a_deb_predicts_its_version() -> None:
    a = DebArgs("/opt/tool_1.2_amd64.deb", "tool", "1.2")
    f = facts({DEB: {"tool": "1.1", "less": "590-2"}})
    assert DebFile().effects(a, f) == {DEB: {"tool": "1.2", "less": "590-2"}}
    assert f[DEB] == {"tool": "1.1", "less": "590-2"}


def test_a_deb_without_a_version_keeps_the_installed_one_or_is_new() -> None:
    a = DebArgs("/opt/tool.deb", "tool")
    assert DebFile().effects(a, facts({DEB: {"tool": "1.1"}})) == {DEB: {"tool": "1.1"}}
    assert DebFile().effects(a, facts({DEB: {"less": "590-2"}})) == {
        DEB: {"less": "590-2", "tool": "(new)"}
    }
